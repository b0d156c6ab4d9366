//! The opt-in fast JPEG profile (`JpegScaling::Fast`): large JPEGs decode
//! at 1/4 or 1/8 scale with hashes close to the exact profile's;
//! everything else, and the default profile, is unchanged; the limits,
//! the truncated-JPEG refusal and EXIF orientation work as in the exact
//! profile.

use std::io::Cursor;

use image::{DynamicImage, ImageFormat};
use percept::hash::pdq::{self, PdqHash, Profile};
use percept::input::{
    decode_bytes, DecodeOptions, DecodedImage, InputError, JpegScaling, LimitExceeded, Orientation,
    PixelFormat,
};

mod common;

/// The largest distance from the exact hash accepted here. On the photo
/// corpus of `scripts/fast_decode_eval.py` at min_side 512 the 99th
/// percentile was well below this and the maximum below PDQ's match
/// threshold of 31; the test images here measured at most a few bits.
const MAX_DISTANCE: u32 = 16;

fn reference_jpeg(rel: &str) -> Vec<u8> {
    let path = common::pdq_reference_dir().join("data").join(rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn fuzz_seed(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/seeds/decode_hash")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn fast(min_side: u32) -> DecodeOptions {
    let mut o = DecodeOptions::default();
    o.jpeg_scaling = JpegScaling::Fast { min_side };
    o
}

fn hash(image: &DecodedImage) -> PdqHash {
    pdq::hash(&image.view(), Profile::FullResolution)
}

fn encode(image: &DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, format).unwrap();
    out.into_inner()
}

/// Decodes with both profiles; asserts the fast one downscaled by `d`, to
/// the rounded-up size, in the same layout, with a close hash and quality.
fn assert_close(bytes: &[u8], options: &DecodeOptions, d: u8) -> (DecodedImage, DecodedImage) {
    let mut exact_options = options.clone();
    exact_options.jpeg_scaling = JpegScaling::Exact;
    let exact = decode_bytes(bytes, &exact_options).unwrap();
    let fast = decode_bytes(bytes, options).unwrap();
    assert_eq!(exact.downscale(), 1);
    assert_eq!(fast.downscale(), d);
    let d = u32::from(d);
    assert_eq!(
        (fast.width(), fast.height()),
        (exact.width().div_ceil(d), exact.height().div_ceil(d))
    );
    assert_eq!(fast.format(), exact.format());
    assert_eq!(fast.orientation(), exact.orientation());
    assert_eq!(fast.orientation_applied(), exact.orientation_applied());
    let (he, hf) = (hash(&exact), hash(&fast));
    let distance = he.hash.distance(&hf.hash);
    assert!(distance <= MAX_DISTANCE, "distance {distance} at 1/{d}");
    assert!(
        he.quality.abs_diff(hf.quality) <= 10,
        "quality {} vs {}",
        he.quality,
        hf.quality
    );
    (exact, fast)
}

#[test]
fn default_profile_is_exact() {
    assert_eq!(DecodeOptions::default().jpeg_scaling, JpegScaling::Exact);
    let bytes = reference_jpeg("reg-test-input/exif-rotn/exif-rotn-1.jpg");
    let image = decode_bytes(&bytes, &DecodeOptions::default()).unwrap();
    assert_eq!((image.width(), image.height()), (4032, 3024));
    assert_eq!(image.downscale(), 1);
}

#[test]
fn large_photo_scales_by_the_largest_factor_that_keeps_min_side() {
    // 4032x3024: 1/8 keeps 378 rows, 1/4 keeps 756.
    let bytes = reference_jpeg("reg-test-input/exif-rotn/exif-rotn-1.jpg");
    for (min_side, d) in [(256, 8), (378, 8), (379, 4), (512, 4), (756, 4)] {
        let (_, fast) = assert_close(&bytes, &fast(min_side), d);
        assert!(fast.width().min(fast.height()) >= min_side);
    }
    // 1/4 would leave fewer than 757 rows, and 1/2 is never used: decoded
    // in full, bit-exact.
    let exact = decode_bytes(&bytes, &DecodeOptions::default()).unwrap();
    let full = decode_bytes(&bytes, &fast(757)).unwrap();
    assert_eq!(full.downscale(), 1);
    assert_eq!(hash(&full), hash(&exact));
}

#[test]
fn the_default_min_side_applies_to_every_rotated_reference_photo() {
    let mut options = DecodeOptions::default();
    options.jpeg_scaling = JpegScaling::fast();
    assert_eq!(
        options.jpeg_scaling,
        JpegScaling::Fast {
            min_side: JpegScaling::DEFAULT_MIN_SIDE
        }
    );
    for n in [1, 3, 6, 8] {
        let bytes = reference_jpeg(&format!("reg-test-input/exif-rotn/exif-rotn-{n}.jpg"));
        assert_close(&bytes, &options, 4);
    }
}

#[test]
fn orientation_is_handled_as_in_the_exact_profile() {
    let bytes = reference_jpeg("reg-test-input/exif-rotn/exif-rotn-6.jpg");
    let mut options = fast(512);
    options.apply_orientation = true;
    let (exact, fast) = assert_close(&bytes, &options, 4);
    assert_eq!(fast.orientation(), Orientation::Rotate90);
    assert!(fast.orientation_applied());
    // Rotated: the stored 4032x3024 frame is shown 3024 wide.
    assert_eq!((exact.width(), exact.height()), (3024, 4032));
    assert_eq!((fast.width(), fast.height()), (756, 1008));
    // Without applying it, the tag is still reported and the sides stay.
    let unrotated = decode_bytes(&bytes, &self::fast(512)).unwrap();
    assert_eq!(unrotated.orientation(), Orientation::Rotate90);
    assert!(!unrotated.orientation_applied());
    assert_eq!((unrotated.width(), unrotated.height()), (1008, 756));
}

#[test]
fn cmyk_and_grey_jpegs_scale_and_progressive_ones_decode_in_full() {
    // Progressive 1004x1600 (Meta's bridge, rotated): measured slower when
    // scaled, so always decoded in full, bit-exact.
    let progressive = reference_jpeg("reg-test-input/dih/bridge-2-rotate-90.jpg");
    let exact = decode_bytes(&progressive, &DecodeOptions::default()).unwrap();
    let full = decode_bytes(&progressive, &fast(1)).unwrap();
    assert_eq!(full.downscale(), 1);
    assert_eq!(hash(&full), hash(&exact));
    // Adobe CMYK 1600x1004: the colours must come out as the exact
    // profile's (a wrong inversion would put the hash ~128 bits away).
    let cmyk = reference_jpeg("misc-images/modes/CMYK.jpg");
    let (exact, fast_cmyk) = assert_close(&cmyk, &fast(200), 4);
    assert_eq!(fast_cmyk.format(), PixelFormat::Rgb8);
    assert_eq!(exact.format(), PixelFormat::Rgb8);
    assert_close(&cmyk, &fast(120), 8);
    // Greyscale, made here from the bridge photo.
    let bridge = image::load_from_memory(&reference_jpeg("bridge-mods/aaa-orig.jpg")).unwrap();
    let grey = encode(
        &DynamicImage::ImageLuma8(bridge.to_luma8()),
        ImageFormat::Jpeg,
    );
    let (_, fast_grey) = assert_close(&grey, &fast(200), 4);
    assert_eq!(fast_grey.format(), PixelFormat::Gray8);
    // The small seeds of other kinds too, with a tiny min_side: no panic,
    // the right layout and size (too few pixels for a meaningful distance).
    for (name, d, format) in [
        ("progressive.jpg", 1, PixelFormat::Rgb8),
        ("cmyk.jpg", 8, PixelFormat::Rgb8),
        ("grey.jpg", 8, PixelFormat::Gray8),
        ("baseline.jpg", 8, PixelFormat::Rgb8),
    ] {
        let bytes = fuzz_seed(name);
        let exact = decode_bytes(&bytes, &DecodeOptions::default()).unwrap();
        let image = decode_bytes(&bytes, &fast(1)).unwrap();
        assert_eq!(image.downscale(), d, "{name}");
        assert_eq!(image.format(), format, "{name}");
        let d = u32::from(d);
        assert_eq!(
            (image.width(), image.height()),
            (exact.width().div_ceil(d), exact.height().div_ceil(d)),
            "{name}"
        );
    }
}

#[test]
fn small_jpegs_and_other_formats_are_untouched() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/images");
    let mut files = vec![
        std::fs::read(dir.join("waves-320x240-q85.jpg")).unwrap(),
        std::fs::read(dir.join("unrelated-200x200.jpg")).unwrap(),
        std::fs::read(dir.join("waves-320x240.png")).unwrap(),
        std::fs::read(dir.join("grey-200x150.png")).unwrap(),
        reference_jpeg("bridge-mods/square-512x512.jpg"),
    ];
    // A large PNG is never scaled, whatever min_side says.
    let bridge = image::load_from_memory(&reference_jpeg("bridge-mods/aaa-orig.jpg")).unwrap();
    files.push(encode(&bridge, ImageFormat::Png));
    for bytes in &files {
        let exact = decode_bytes(bytes, &DecodeOptions::default()).unwrap();
        let same = decode_bytes(bytes, &fast(512)).unwrap();
        assert_eq!(same.downscale(), 1);
        assert_eq!(
            (same.width(), same.height()),
            (exact.width(), exact.height())
        );
        assert_eq!(same.view().row(0), exact.view().row(0));
        assert_eq!(hash(&same), hash(&exact));
    }
    let png = files.last().unwrap();
    assert_eq!(decode_bytes(png, &fast(1)).unwrap().downscale(), 1);
}

#[test]
fn truncated_and_malformed_jpegs_are_refused() {
    let bytes = reference_jpeg("reg-test-input/exif-rotn/exif-rotn-1.jpg");
    // This file has trailer data after its end-of-image marker.
    let eoi = bytes.windows(2).rposition(|w| w == [0xff, 0xd9]).unwrap();
    // Without only its end-of-image marker (and trailer) the image is whole,
    // as viewers show it: the exact profile hashes it as the complete file;
    // the fast profile's scaled decoder refuses it and the exact decode
    // answers instead.
    let options = DecodeOptions::default();
    let whole = decode_bytes(&bytes, &options).unwrap();
    let no_eoi = decode_bytes(&bytes[..eoi], &options).unwrap();
    assert_eq!(hash(&no_eoi), hash(&whole));
    let fast_no_eoi = decode_bytes(&bytes[..eoi], &fast(256)).unwrap();
    assert_eq!(hash(&fast_no_eoi), hash(&whole));
    assert_eq!(fast_no_eoi.downscale(), 1);
    for cut in [eoi - 100, bytes.len() / 2, bytes.len() / 10] {
        let err = decode_bytes(&bytes[..cut], &fast(256)).unwrap_err();
        assert!(
            matches!(&err, InputError::Decode(m) if m.contains("truncated")),
            "{err}"
        );
    }
    // Only the start of the header: not even dimensions.
    assert!(decode_bytes(&bytes[..200], &fast(256)).is_err());
    // A frame header that lies about the component count: the fast
    // profile does not take it, and answers as the exact profile does.
    let mut lying = bytes.clone();
    // (The main frame's header: the last one before the last scan, past
    // the EXIF thumbnail's.)
    let sos = lying.windows(2).rposition(|w| w == [0xff, 0xda]).unwrap();
    let sof = lying[..sos]
        .windows(2)
        .rposition(|w| w == [0xff, 0xc0])
        .unwrap();
    lying[sof + 9] = 2;
    let exact = decode_bytes(&lying, &DecodeOptions::default());
    let fast = decode_bytes(&lying, &fast(256));
    assert_eq!(fast.is_ok(), exact.is_ok());
    if let Ok(image) = fast {
        assert_eq!(image.downscale(), 1);
    }
}

#[test]
fn corrupted_scan_data_never_panics() {
    // Bytes flipped across the entropy-coded data of a large YCbCr and a
    // large CMYK baseline JPEG: every outcome must be an image or an error
    // (a scaled decode that fails falls back to the full one).
    for rel in ["misc-images/modes/CMYK.jpg", "bridge-mods/aaa-orig.jpg"] {
        let bytes = reference_jpeg(rel);
        let scan = bytes.windows(2).position(|w| w == [0xff, 0xda]).unwrap();
        for k in 0..12 {
            let mut bad = bytes.clone();
            let at = scan + 20 + k * (bytes.len() - scan - 40) / 12;
            bad[at] ^= 0x5a;
            bad[at + 1] = 0xff;
            match decode_bytes(&bad, &fast(120)) {
                Ok(image) => assert!(image.width() > 0 && image.height() > 0),
                Err(e) => assert!(!e.to_string().is_empty()),
            }
        }
    }
}

#[test]
fn limits_still_apply() {
    let bytes = reference_jpeg("reg-test-input/exif-rotn/exif-rotn-1.jpg");
    // The pixel and side limits are about the file, not the scaled output.
    let mut options = fast(256);
    options.limits.max_pixels = 4032 * 3024 - 1;
    assert!(matches!(
        decode_bytes(&bytes, &options),
        Err(InputError::TooLarge(LimitExceeded::Pixels { .. }))
    ));
    let mut options = fast(256);
    options.limits.max_side = 4000;
    assert!(matches!(
        decode_bytes(&bytes, &options),
        Err(InputError::TooLarge(LimitExceeded::Side { .. }))
    ));
    let mut options = fast(256);
    options.limits.max_input_bytes = bytes.len() as u64 - 1;
    assert!(matches!(
        decode_bytes(&bytes, &options),
        Err(InputError::TooLarge(LimitExceeded::InputBytes { .. }))
    ));
    // Memory: 1/8 of a baseline 4032x3024 needs about 1.1 MB, the full
    // decode 36.6 MB. A limit between the two lets the scaled decode run
    // and refuses the exact one; a limit below both refuses both.
    let mut options = fast(256);
    options.limits.max_alloc_bytes = 8 << 20;
    assert_eq!(decode_bytes(&bytes, &options).unwrap().downscale(), 8);
    options.jpeg_scaling = JpegScaling::Exact;
    assert!(matches!(
        decode_bytes(&bytes, &options),
        Err(InputError::TooLarge(LimitExceeded::Memory { .. }))
    ));
    let mut options = fast(256);
    options.limits.max_alloc_bytes = 1 << 20;
    assert!(matches!(
        decode_bytes(&bytes, &options),
        Err(InputError::TooLarge(LimitExceeded::Memory { .. }))
    ));
    // A progressive JPEG is decoded in full, with the full estimate.
    let progressive = reference_jpeg("reg-test-input/dih/bridge-2-rotate-90.jpg");
    let mut options = fast(120);
    options.limits.max_alloc_bytes = 1004 * 1600 * 6 - 1;
    assert!(matches!(
        decode_bytes(&progressive, &options),
        Err(InputError::TooLarge(LimitExceeded::Memory { .. }))
    ));
}
