//! The latency cost of border trimming (`ScanOptions::border_trim`):
//! `Scanner::scan_pixels` with trimming off and on, over a 300-hash list, on
//! a 1024x768 photo-like picture without borders, the same picture
//! letterboxed to 1024x1024 with black bars, and a "screenshot" (the
//! picture at 60% centred on a white 1080x1920 canvas); and
//! `input::content_region` alone on each. Without borders trimming costs
//! the border search only; with borders it also hashes the picture inside.

use std::hint::black_box;
use std::sync::Arc;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use percept::db::{ChecksumPolicy, ListContents, ListFile};
use percept::index::{Entry, KnownHashSet};
use percept::input::{content_region, Region};
use percept::scan::{ScanOptions, Scanner, Verdict};
use percept::{PixelFormat, PixelView};

// Only the random lists; the query helpers serve benches/index.rs.
#[allow(dead_code)]
#[path = "support/lists.rs"]
mod lists;
use lists::Rng;

const W: usize = 1024;
const H: usize = 768;

#[path = "support/images.rs"]
mod images;
use images::photo_like;

/// `pic` (w x h RGB, nearest-neighbour scaled to `inner_w` x `inner_h`)
/// centred on a `canvas_w` x `canvas_h` canvas of `fill`.
fn framed(
    pic: &[u8],
    (w, h): (usize, usize),
    (inner_w, inner_h): (usize, usize),
    (canvas_w, canvas_h): (usize, usize),
    fill: u8,
) -> (Vec<u8>, Region) {
    let mut out = vec![fill; canvas_w * canvas_h * 3];
    let (x0, y0) = ((canvas_w - inner_w) / 2, (canvas_h - inner_h) / 2);
    for y in 0..inner_h {
        let sy = y * h / inner_h;
        for x in 0..inner_w {
            let sx = x * w / inner_w;
            let src = (sy * w + sx) * 3;
            let dst = ((y0 + y) * canvas_w + x0 + x) * 3;
            out[dst..dst + 3].copy_from_slice(&pic[src..src + 3]);
        }
    }
    let region = Region {
        x: x0,
        y: y0,
        width: inner_w,
        height: inner_h,
    };
    (out, region)
}

/// A scanner over 300 random hashes (none near the pictures').
fn scanner(border_trim: bool) -> Scanner {
    let mut rng = Rng(0x5ca7_7e57_0000_0001);
    let set = KnownHashSet::build(
        lists::list(300, false, &mut rng)
            .into_iter()
            .enumerate()
            .map(|(i, hash)| Entry {
                hash,
                id: i as u64,
                label: None,
            }),
    );
    let bytes = ListContents {
        set: &set,
        file_digests: &[],
        files: &[],
        list_version: 1,
    }
    .to_bytes();
    let list = ListFile::from_bytes(&bytes, ChecksumPolicy::OnLoad).unwrap();
    let mut options = ScanOptions::default();
    options.border_trim = border_trim;
    Scanner::new(Arc::new(list), options).unwrap()
}

/// One image to scan, and the region trimming must find in it.
struct Case {
    name: &'static str,
    pixels: Vec<u8>,
    size: (usize, usize),
    region: Option<Region>,
}

impl Case {
    fn view(&self) -> PixelView<'_> {
        let (w, h) = self.size;
        PixelView::packed(&self.pixels, w as u32, h as u32, PixelFormat::Rgb8).unwrap()
    }
}

fn cases() -> Vec<Case> {
    let pic = photo_like(W, H);
    let (letterbox, lb_region) = framed(&pic, (W, H), (W, H), (W, W), 0);
    let (inner_w, inner_h) = (W * 6 / 10, H * 6 / 10);
    let (screenshot, ss_region) = framed(&pic, (W, H), (inner_w, inner_h), (1080, 1920), 255);
    vec![
        Case {
            name: "plain_1024x768",
            pixels: pic,
            size: (W, H),
            region: None,
        },
        Case {
            name: "letterbox_1024x1024",
            pixels: letterbox,
            size: (W, W),
            region: Some(lb_region),
        },
        Case {
            name: "screenshot_1080x1920",
            pixels: screenshot,
            size: (1080, 1920),
            region: Some(ss_region),
        },
    ]
}

fn scan_pixels(c: &mut Criterion) {
    let (off, on) = (scanner(false), scanner(true));
    let mut group = c.benchmark_group("scan_pixels");
    group.sample_size(20);
    for case in cases() {
        let v = case.view();
        // Checks that the bench measures what it says: trimming finds the
        // picture exactly where it is, or nothing when it has no borders.
        let r = on.scan_pixels(&v);
        assert_eq!(r.content_region, case.region, "{}", case.name);
        assert_eq!(r.verdict, Verdict::NoMatch, "{}", case.name);
        assert_eq!(off.scan_pixels(&v).content_region, None);
        for (trim, scanner) in [("trim_off", &off), ("trim_on", &on)] {
            group.bench_with_input(BenchmarkId::new(trim, case.name), &v, |b, v| {
                b.iter(|| scanner.scan_pixels(black_box(v)))
            });
        }
    }
    group.finish();
}

fn trim_only(c: &mut Criterion) {
    let mut group = c.benchmark_group("content_region");
    group.sample_size(30);
    for case in cases() {
        let v = case.view();
        assert_eq!(content_region(&v), case.region, "{}", case.name);
        group.bench_with_input(case.name, &v, |b, v| {
            b.iter(|| content_region(black_box(v)))
        });
    }
    group.finish();
}

criterion_group!(benches, scan_pixels, trim_only);
criterion_main!(benches);
