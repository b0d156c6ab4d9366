//! Hostile and unusual files through the real CLI, one process per file:
//! every hostile file is refused with one clear error line, no panic, and
//! a bounded peak RSS (measured with wait4); every unusual-but-valid file
//! is hashed. The files are generated here.

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Instant;

use image::{DynamicImage, ImageBuffer, ImageFormat, Luma, Rgb, Rgba};

mod common;

const MAX_RSS_BYTES: u64 = 256 << 20;

fn png(w: u32, h: u32, colour_type: u8, idat: &[u8]) -> Vec<u8> {
    common::png_from_parts(w, h, 8, colour_type, idat)
}

/// A zlib stream of `n` zero bytes, deflate-compressed by hand: fixed
/// Huffman blocks of maximal-length back-references (a real bomb: ~1000x).
fn zlib_zeros(n: usize) -> Vec<u8> {
    // One literal 0, then "copy 258 bytes from distance 1" over and over,
    // in a fixed-Huffman block.
    struct Bits {
        out: Vec<u8>,
        acc: u64,
        n: u32,
    }
    impl Bits {
        fn put(&mut self, v: u32, len: u32) {
            self.acc |= (v as u64) << self.n;
            self.n += len;
            while self.n >= 8 {
                self.out.push(self.acc as u8);
                self.acc >>= 8;
                self.n -= 8;
            }
        }
        fn put_rev(&mut self, code: u32, len: u32) {
            let mut r = 0;
            for i in 0..len {
                r |= ((code >> i) & 1) << (len - 1 - i);
            }
            self.put(r, len);
        }
    }
    let mut b = Bits {
        out: vec![0x78, 0x01],
        acc: 0,
        n: 0,
    };
    b.put(1, 1); // final block
    b.put(1, 2); // fixed Huffman
    b.put_rev(0x30, 8); // literal 0
    let mut left = n.saturating_sub(1);
    while left >= 258 {
        b.put_rev(0b1100_0101, 8); // length code 285 = 258
        b.put_rev(0, 5); // distance code 0 = 1
        left -= 258;
    }
    for _ in 0..left {
        b.put_rev(0x30, 8);
    }
    b.put_rev(0, 7); // end of block (256)
    if b.n > 0 {
        b.put(0, 8 - b.n);
    }
    // Adler-32 of n zero bytes: a = 1, b = n * 1 (mod 65521).
    let adler = ((n % 65_521) as u32) << 16 | 1;
    b.out.extend(adler.to_be_bytes());
    b.out
}

fn jpeg_header(sof: u8, w: u16, h: u16) -> Vec<u8> {
    let mut out = vec![0xff, 0xd8];
    out.extend([0xff, sof, 0, 17, 8]);
    out.extend(h.to_be_bytes());
    out.extend(w.to_be_bytes());
    out.extend([3, 1, 0x11, 0, 2, 0x11, 1, 3, 0x11, 1]);
    out.extend([0xff, 0xd9]);
    out
}

fn gif_canvas(w: u16, h: u16) -> Vec<u8> {
    let mut out = b"GIF89a".to_vec();
    out.extend(w.to_le_bytes());
    out.extend(h.to_le_bytes());
    out.extend([0x80, 0, 0, 0, 0, 0, 255, 255, 255]); // 2-colour global table
    out.extend([0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0]); // 1x1 image at 0,0
    out.extend([2, 2, 0x44, 0x01, 0, 0x3b]);
    out
}

fn bmp_claiming(w: i32, h: i32) -> Vec<u8> {
    let mut out = b"BM".to_vec();
    out.extend(54u32.to_le_bytes()); // file size (wrong on purpose: tiny)
    out.extend([0, 0, 0, 0]);
    out.extend(54u32.to_le_bytes());
    out.extend(40u32.to_le_bytes());
    out.extend(w.to_le_bytes());
    out.extend(h.to_le_bytes());
    out.extend(1u16.to_le_bytes());
    out.extend(24u16.to_le_bytes());
    out.extend([0u8; 24]);
    out
}

fn webp_canvas(w: u32, h: u32) -> Vec<u8> {
    let mut chunk = b"VP8X".to_vec();
    chunk.extend(10u32.to_le_bytes());
    chunk.extend([0, 0, 0, 0]);
    chunk.extend(&(w - 1).to_le_bytes()[..3]);
    chunk.extend(&(h - 1).to_le_bytes()[..3]);
    let mut out = b"RIFF".to_vec();
    out.extend(((4 + chunk.len()) as u32).to_le_bytes());
    out.extend(b"WEBP");
    out.extend(chunk);
    out
}

fn tiff_claiming(w: u32, h: u32) -> Vec<u8> {
    let mut out = b"II*\0".to_vec();
    out.extend(8u32.to_le_bytes());
    let entries: [(u16, u16, u32); 6] = [
        (256, 4, w),   // ImageWidth (LONG)
        (257, 4, h),   // ImageLength
        (258, 3, 8),   // BitsPerSample
        (262, 3, 1),   // Photometric: black is zero
        (273, 4, 0),   // StripOffsets
        (279, 4, 100), // StripByteCounts
    ];
    out.extend((entries.len() as u16).to_le_bytes());
    for (tag, kind, value) in entries {
        out.extend(tag.to_le_bytes());
        out.extend(kind.to_le_bytes());
        out.extend(1u32.to_le_bytes());
        out.extend(value.to_le_bytes());
    }
    out.extend(0u32.to_le_bytes());
    out
}

fn encode(img: &DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, format).unwrap();
    out.into_inner()
}

fn noise_rgb(w: u32, h: u32) -> DynamicImage {
    DynamicImage::ImageRgb8(ImageBuffer::from_fn(w, h, |x, y| {
        let v = (x * 31 + y * 17 + (x * y) % 13) as u8;
        Rgb([v, v.wrapping_mul(3), 255 - v])
    }))
}

struct Run {
    status: i32,
    stdout: String,
    stderr: String,
    max_rss: u64,
    seconds: f64,
}

/// Runs `percept hash FILE`, returning its exit status, output and peak RSS.
fn hash_file(path: &Path) -> Run {
    let out_path = path.with_extension("stdout");
    let err_path = path.with_extension("stderr");
    let start = Instant::now();
    // Reaped by wait4 below, which also reports the child's peak RSS.
    #[allow(clippy::zombie_processes)]
    let child = common::percept_command()
        .arg("hash")
        .arg(path)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap())
        .spawn()
        .unwrap();
    let mut status = 0;
    // SAFETY: rusage is plain data, zero-initialised; wait4 fills it for
    // the child we just spawned (and reaps it).
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    assert_eq!(pid, child.id() as i32);
    let seconds = start.elapsed().as_secs_f64();
    Run {
        status: if libc::WIFEXITED(status) {
            libc::WEXITSTATUS(status)
        } else {
            -1
        },
        stdout: std::fs::read_to_string(&out_path).unwrap(),
        stderr: std::fs::read_to_string(&err_path).unwrap(),
        max_rss: usage.ru_maxrss as u64 * 1024,
        seconds,
    }
}

fn dir(test: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("percept-{test}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn hostile_files_are_refused_cleanly_in_bounded_memory() {
    let d = dir("hostile");
    let jpeg = encode(&noise_rgb(200, 150), ImageFormat::Jpeg);
    let png_ok = encode(&noise_rgb(200, 150), ImageFormat::Png);
    let mut random = Vec::new();
    let mut s = 0x9e37_79b9_7f4a_7c15u64;
    for _ in 0..4096 {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        random.push(s as u8);
    }
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty.jpg", Vec::new(), ""),
        ("random.png", random.clone(), ""),
        (
            "random-with-png-magic.png",
            [&b"\x89PNG\r\n\x1a\n"[..], &random].concat(),
            "",
        ),
        ("text.jpg", b"this is not an image\n".repeat(20), ""),
        ("truncated.jpg", jpeg[..jpeg.len() * 2 / 5].to_vec(), ""),
        ("truncated.png", png_ok[..png_ok.len() / 2].to_vec(), ""),
        (
            "png-60000x60000.png",
            png(60_000, 60_000, 2, &zlib_zeros(1 << 16)),
            "too large",
        ),
        (
            "png-2000000x1.png",
            png(2_000_000, 1, 2, &zlib_zeros(64)),
            "too large",
        ),
        (
            "png-1x2000000.png",
            png(1, 2_000_000, 0, &zlib_zeros(64)),
            "too large",
        ),
        ("png-zero-width.png", png(0, 100, 2, &zlib_zeros(64)), ""),
        // 100 MP of zeros in a ~400 KB file: over the pixel limit.
        (
            "png-bomb-10000x10000.png",
            png(10_000, 10_000, 0, &zlib_zeros(10_001 * 10_000)),
            "too large",
        ),
        // Within the pixel limit, but RGBA16: 8 bytes a pixel decoded.
        (
            "png-rgba16-7000x7000.png",
            png16_rgba(7000, 7000),
            "too large",
        ),
        (
            "jpeg-65000x65000.jpg",
            jpeg_header(0xc0, 65_000, 65_000),
            "too large",
        ),
        (
            "jpeg-progressive-8000x8000.jpg",
            jpeg_header(0xc2, 8000, 8000),
            "too large",
        ),
        (
            "gif-65535x65535.gif",
            gif_canvas(65_535, 65_535),
            "too large",
        ),
        (
            "bmp-60000x60000.bmp",
            bmp_claiming(60_000, 60_000),
            "too large",
        ),
        ("bmp-negative.bmp", bmp_claiming(-5, i32::MIN), ""),
        (
            "webp-16384x16384.webp",
            webp_canvas(16_384, 16_384),
            "too large",
        ),
        (
            "tiff-100000x100000.tif",
            tiff_claiming(100_000, 100_000),
            "too large",
        ),
    ];
    let mut report = Vec::new();
    for (name, bytes, must_say) in &cases {
        let path = d.join(name);
        std::fs::write(&path, bytes).unwrap();
        let r = hash_file(&path);
        report.push(format!(
            "{name}: exit {} in {:.3} s, peak RSS {:.1} MiB: {}",
            r.status,
            r.seconds,
            r.max_rss as f64 / (1 << 20) as f64,
            r.stderr.trim()
        ));
        assert_eq!(r.status, 1, "{name}: {}", r.stderr);
        assert!(r.stdout.is_empty(), "{name}: printed a hash");
        // One line naming the file (and perhaps a summary line).
        let lines: Vec<&str> = r.stderr.lines().collect();
        assert!(
            lines.iter().all(|l| l.starts_with("percept: ")),
            "{name}: {}",
            r.stderr
        );
        assert_eq!(
            lines.iter().filter(|l| l.contains(name)).count(),
            1,
            "{name}: {}",
            r.stderr
        );
        assert!(!r.stderr.contains("panicked"), "{name}: {}", r.stderr);
        assert!(
            r.stderr.to_lowercase().contains(must_say),
            "{name}: {}",
            r.stderr
        );
        assert!(
            r.max_rss < MAX_RSS_BYTES,
            "{name}: peak RSS {} bytes",
            r.max_rss
        );
    }
    // Times are printed, not asserted (the machine is shared).
    println!("{}", report.join("\n"));
    std::fs::remove_dir_all(&d).unwrap();
}

/// A valid 16-bit RGBA PNG of `w x h` zero pixels (compressed by hand).
fn png16_rgba(w: u32, h: u32) -> Vec<u8> {
    let row = 1 + 8 * w as usize;
    common::png_from_parts(w, h, 16, 6, &zlib_zeros(row * h as usize))
}

#[test]
fn unusual_but_valid_files_are_hashed() {
    let d = dir("unusual");
    let grey = |w, h| {
        DynamicImage::ImageLuma8(ImageBuffer::from_fn(w, h, |x, y| {
            Luma([((x * 7 + y * 3) % 251) as u8])
        }))
    };
    let rgba16 = DynamicImage::ImageRgba16(ImageBuffer::from_fn(64, 48, |x, y| {
        Rgba([(x * 1000) as u16, (y * 1300) as u16, 40_000, 65_535])
    }));
    let mut gif = Cursor::new(Vec::new());
    {
        let mut enc = image::codecs::gif::GifEncoder::new(&mut gif);
        let frames = (0..50u32).map(|i| {
            image::Frame::new(ImageBuffer::from_fn(40, 30, move |x, y| {
                Rgba([(x * 6 + i) as u8, (y * 8) as u8, 100, 255])
            }))
        });
        enc.encode_frames(frames).unwrap();
    }
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("1x1.png", encode(&noise_rgb(1, 1), ImageFormat::Png)),
        ("1x5000.png", encode(&noise_rgb(1, 5000), ImageFormat::Png)),
        ("5000x1.png", encode(&noise_rgb(5000, 1), ImageFormat::Png)),
        ("rgba16.png", encode(&rgba16, ImageFormat::Png)),
        ("grey.png", encode(&grey(120, 80), ImageFormat::Png)),
        (
            "flat-grey.png",
            encode(
                &DynamicImage::ImageLuma8(ImageBuffer::from_pixel(100, 100, Luma([128]))),
                ImageFormat::Png,
            ),
        ),
        ("animated-50-frames.gif", gif.into_inner()),
        (
            "lossless.webp",
            encode(&noise_rgb(90, 70), ImageFormat::WebP),
        ),
        ("picture.bmp", encode(&noise_rgb(90, 70), ImageFormat::Bmp)),
        ("picture.tif", encode(&noise_rgb(90, 70), ImageFormat::Tiff)),
        ("photo.jpg", encode(&noise_rgb(640, 480), ImageFormat::Jpeg)),
    ];
    // Kinds the image crate cannot encode, made by fuzz/make_seeds.py.
    let seeds = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/decode_hash");
    let mut cases = cases;
    for name in [
        "cmyk.jpg",
        "progressive.jpg",
        "grey.jpg",
        "palette.png",
        "small.gif",
    ] {
        cases.push((name, std::fs::read(seeds.join(name)).unwrap()));
    }
    for (name, bytes) in &cases {
        let path = d.join(name);
        std::fs::write(&path, bytes).unwrap();
        let r = hash_file(&path);
        assert_eq!(r.status, 0, "{name}: {}", r.stderr);
        let line = r.stdout.trim();
        let hash = line.split(',').next().unwrap();
        assert_eq!(hash.len(), 64, "{name}: {line}");
        assert!(r.max_rss < MAX_RSS_BYTES, "{name}: peak RSS {}", r.max_rss);
    }
    std::fs::remove_dir_all(&d).unwrap();
}
