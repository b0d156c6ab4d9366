//! The scan pipeline: exact-file check, quality gate, dihedral matching.

use std::path::PathBuf;
use std::sync::Arc;

use percept::db::{ChecksumPolicy, ListContents, ListFile};
use percept::hash::pdq::{self, Profile};
use percept::index::{Entry, KnownHashSet};
use percept::input::{decode_file, DecodeOptions};
use percept::scan::{ScanOptions, Scanner, Verdict};

fn image(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/images")
        .join(name)
}

fn scanner_for(listed: &[&str], exact: &[&str], options: ScanOptions) -> Scanner {
    let entries = listed.iter().enumerate().map(|(i, name)| {
        let img = decode_file(image(name), &DecodeOptions::default()).unwrap();
        Entry {
            hash: pdq::hash(&img.view(), Profile::FullResolution).hash,
            id: 100 + i as u64,
            label: Some(name.to_string()),
        }
    });
    let set = KnownHashSet::build(entries);
    let digests: Vec<[u8; 32]> = exact
        .iter()
        .map(|n| *blake3::hash(&std::fs::read(image(n)).unwrap()).as_bytes())
        .collect();
    let bytes = ListContents {
        set: &set,
        file_digests: &digests,
        files: &[],
        list_version: 1,
    }
    .to_bytes();
    Scanner::new(
        Arc::new(ListFile::from_bytes(&bytes, ChecksumPolicy::OnLoad).unwrap()),
        options,
    )
    .unwrap()
}

fn scan(s: &Scanner, name: &str) -> percept::scan::ScanResult {
    s.scan_bytes(&std::fs::read(image(name)).unwrap()).unwrap()
}

#[test]
fn rotated_mirrored_and_recompressed_copies_match() {
    let s = scanner_for(&["waves-320x240.png"], &[], ScanOptions::default());
    for name in [
        "waves-320x240.png",
        "waves-320x240-rot90.png",
        "waves-320x240-mirrored.png",
        "waves-320x240-q85.jpg",
    ] {
        let r = scan(&s, name);
        assert_eq!(r.verdict, Verdict::Match, "{name}");
        assert_eq!(r.best().unwrap().id, 100);
        assert!(!r.exact_file);
    }
    for name in [
        "unrelated-240x160.png",
        "unrelated-200x200.jpg",
        "grey-200x150.png",
    ] {
        let r = scan(&s, name);
        assert_eq!(r.verdict, Verdict::NoMatch, "{name}");
        assert!(r.matches.is_empty());
    }
}

#[test]
fn threshold_zero_needs_an_identical_hash() {
    let mut options = ScanOptions::default();
    options.threshold = 0;
    let s = scanner_for(&["waves-320x240.png"], &[], options);
    assert_eq!(scan(&s, "waves-320x240.png").verdict, Verdict::Match);
    // The JPEG copy is a couple of bits away.
    assert_eq!(scan(&s, "waves-320x240-q85.jpg").verdict, Verdict::NoMatch);
}

#[test]
fn low_quality_is_unreliable_never_match() {
    // The flat image is listed, so a plain lookup would match it exactly.
    let s = scanner_for(&["flat-64x64.png"], &[], ScanOptions::default());
    let r = scan(&s, "flat-64x64.png");
    assert_eq!(r.verdict, Verdict::Unreliable);
    assert_eq!(r.quality, Some(0));
    assert!(r.matches.is_empty());
    let mut lenient = ScanOptions::default();
    lenient.min_quality = 0;
    let s = scanner_for(&["flat-64x64.png"], &[], lenient);
    assert_eq!(scan(&s, "flat-64x64.png").verdict, Verdict::Match);
}

#[test]
fn exact_file_is_known_before_decoding() {
    let s = scanner_for(&[], &["tiny-4x4.png"], ScanOptions::default());
    let r = scan(&s, "tiny-4x4.png");
    assert_eq!(r.verdict, Verdict::Match);
    assert!(r.exact_file);
    assert_eq!(r.quality, None);
    // A listed file's digest is matched even when its bytes do not decode.
    let dir = std::env::temp_dir().join(format!("percept-scan-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let junk = b"not an image at all";
    let set = KnownHashSet::build(Vec::new());
    let bytes = ListContents {
        set: &set,
        file_digests: &[*blake3::hash(junk).as_bytes()],
        files: &[],
        list_version: 1,
    }
    .to_bytes();
    let s = Scanner::new(
        Arc::new(ListFile::from_bytes(&bytes, ChecksumPolicy::OnLoad).unwrap()),
        ScanOptions::default(),
    )
    .unwrap();
    assert!(s.scan_bytes(junk).unwrap().exact_file);
    assert!(s.scan_bytes(b"other junk").is_err());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn options_out_of_range_are_refused() {
    let list = Arc::new(
        ListFile::from_bytes(
            &ListContents {
                set: &KnownHashSet::build(Vec::new()),
                file_digests: &[],
                files: &[],
                list_version: 1,
            }
            .to_bytes(),
            ChecksumPolicy::OnLoad,
        )
        .unwrap(),
    );
    for (threshold, min_quality, ok) in [
        (0, 0, true),
        (255, 100, true),
        (256, 50, false),
        (300, 50, false),
        (31, 101, false),
    ] {
        let mut options = ScanOptions::default();
        options.threshold = threshold;
        options.min_quality = min_quality;
        let result = Scanner::new(list.clone(), options);
        assert_eq!(
            result.is_ok(),
            ok,
            "threshold {threshold}, min_quality {min_quality}"
        );
        if let Err(e) = result {
            assert!(e.to_string().contains("out of range"), "{e}");
        }
    }
}

/// `name` (RGB) pasted at (x, y) on a `w` x `h` canvas of `fill`.
fn on_canvas(name: &str, w: usize, h: usize, x: usize, y: usize, fill: [u8; 3]) -> Vec<u8> {
    let img = decode_file(image(name), &DecodeOptions::default()).unwrap();
    let view = img.view();
    assert_eq!(view.format(), percept::PixelFormat::Rgb8);
    let mut px: Vec<u8> = fill.iter().copied().cycle().take(w * h * 3).collect();
    for row in 0..view.height() {
        let start = ((y + row) * w + x) * 3;
        px[start..start + view.width() * 3].copy_from_slice(view.row(row));
    }
    px
}

#[test]
fn border_trim_matches_letterboxed_and_canvas_copies() {
    assert!(ScanOptions::default().border_trim, "on by default");
    let mut options = ScanOptions::default();
    options.border_trim = false;
    let plain = scanner_for(&["waves-320x240.png"], &[], options);
    let trimming = scanner_for(&["waves-320x240.png"], &[], ScanOptions::default());
    let cases = [
        // Letterbox: black bars above and below.
        (320, 400, 0, 80, [0, 0, 0]),
        // Pillarbox: white bars left and right.
        (480, 240, 80, 0, [255, 255, 255]),
        // Off-centre on a large light canvas.
        (720, 1280, 150, 400, [240, 240, 240]),
    ];
    for (w, h, x, y, fill) in cases {
        let px = on_canvas("waves-320x240.png", w, h, x, y, fill);
        let view = percept::PixelView::packed(&px, w as u32, h as u32, percept::PixelFormat::Rgb8)
            .unwrap();
        let without = plain.scan_pixels(&view);
        assert_eq!(without.verdict, Verdict::NoMatch, "{w}x{h} without trim");
        assert_eq!(without.content_region, None);
        let with = trimming.scan_pixels(&view);
        assert_eq!(with.verdict, Verdict::Match, "{w}x{h} with trim");
        let best = with.best().unwrap();
        assert!(best.trimmed);
        assert_eq!(best.distance, 0, "the picture's own pixels");
        let region = with.content_region.unwrap();
        assert_eq!(
            (region.x, region.y, region.width, region.height),
            (x, y, 320, 240)
        );
        assert_eq!(with.content_quality, Some(100));
    }
    // An image without borders: the same answer as without trimming, and
    // no region.
    let r = trimming.scan_bytes(&std::fs::read(image("waves-320x240-q85.jpg")).unwrap());
    let r = r.unwrap();
    assert_eq!(r.verdict, Verdict::Match);
    assert_eq!(r.content_region, None);
    assert!(!r.best().unwrap().trimmed);
}
