//! The opt-in fast JPEG profile (`JpegScaling::Fast`): large JPEGs decode
//! at 1/4 or 1/8 scale with hashes close to the exact profile's;
//! everything else, and the default profile, is unchanged; the limits,
//! the truncated-JPEG refusal and EXIF orientation work as in the exact
//! profile. Runs on photos in testdata/reference, and on Meta's 12 MP
//! phone photos too when the full reference set is beside the checkout.

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

/// A file from `testdata/reference`.
fn reference_file(rel: &str) -> Vec<u8> {
    let path = common::reference_dir().join(rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A file of the full reference set beside the checkout, or `None` (and a
/// line on stderr saying that `what` was skipped) when the set is absent.
fn shared_file(rel: &str, what: &str) -> Option<Vec<u8>> {
    let path = common::shared_reference_or_skip(what)?.join(rel);
    Some(std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

/// A baseline JPEG photo, large enough to be scaled, and its stored size.
struct Photo {
    name: &'static str,
    bytes: Vec<u8>,
    width: u32,
    height: u32,
}

impl Photo {
    fn shorter(&self) -> u32 {
        self.width.min(self.height)
    }
}

/// The photos the scaling checks run on: Meta's 1600x1004 bridge
/// (`aaa-orig.jpg`, baseline) from `testdata/reference`, and Meta's 12 MP
/// phone photo `exif-rotn-1.jpg` (3 MB, with trailer data after its
/// end-of-image marker) when the full reference set is beside the checkout
/// (`test` names the check reported as skipped otherwise).
fn photos(test: &str) -> Vec<Photo> {
    let mut photos = vec![Photo {
        name: "aaa-orig.jpg",
        bytes: reference_file("data/bridge-mods/aaa-orig.jpg"),
        width: 1600,
        height: 1004,
    }];
    let what = format!("{test} on the 12 MP photo exif-rotn-1.jpg");
    if let Some(bytes) = shared_file("data/reg-test-input/exif-rotn/exif-rotn-1.jpg", &what) {
        photos.push(Photo {
            name: "exif-rotn-1.jpg",
            bytes,
            width: 4032,
            height: 3024,
        });
    }
    photos
}

/// Meta's bridge (`aaa-orig.jpg`) with the orientation in its EXIF block
/// (little-endian, written as 0 there, which means none) set to `value`.
fn bridge_with_orientation(value: u16) -> Vec<u8> {
    let mut bytes = reference_file("data/bridge-mods/aaa-orig.jpg");
    let exif = bytes
        .windows(10)
        .position(|w| w == b"Exif\0\0II*\0")
        .unwrap();
    // IFD0's Orientation entry: tag 0x0112, type SHORT, count 1, value.
    let entry = exif
        + bytes[exif..]
            .windows(8)
            .position(|w| w == [0x12, 0x01, 3, 0, 1, 0, 0, 0])
            .unwrap();
    assert_eq!(&bytes[entry + 8..entry + 10], &[0, 0]);
    bytes[entry + 8..entry + 10].copy_from_slice(&value.to_le_bytes());
    bytes
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
    for photo in photos("default_profile_is_exact") {
        let image = decode_bytes(&photo.bytes, &DecodeOptions::default()).unwrap();
        assert_eq!(
            (image.width(), image.height()),
            (photo.width, photo.height),
            "{}",
            photo.name
        );
        assert_eq!(image.downscale(), 1, "{}", photo.name);
        // Which the fast profile would have scaled.
        let min_side = photo.shorter().div_ceil(8);
        let scaled = decode_bytes(&photo.bytes, &fast(min_side)).unwrap();
        assert_eq!(scaled.downscale(), 8, "{}", photo.name);
    }
}

#[test]
fn large_photo_scales_by_the_largest_factor_that_keeps_min_side() {
    for photo in photos("large_photo_scales_by_the_largest_factor_that_keeps_min_side") {
        // 4032x3024: 1/8 keeps 378 rows, 1/4 keeps 756; 1600x1004: 126, 251.
        let (eighth, quarter) = (photo.shorter().div_ceil(8), photo.shorter().div_ceil(4));
        for (min_side, d) in [
            (eighth / 2, 8),
            (eighth, 8),
            (eighth + 1, 4),
            (quarter / 2 + eighth / 2, 4),
            (quarter, 4),
        ] {
            let (_, fast) = assert_close(&photo.bytes, &fast(min_side), d);
            assert!(
                fast.width().min(fast.height()) >= min_side,
                "{}",
                photo.name
            );
        }
        // 1/4 would leave fewer than `quarter + 1` rows, and 1/2 is never
        // used: decoded in full, bit-exact.
        let exact = decode_bytes(&photo.bytes, &DecodeOptions::default()).unwrap();
        let full = decode_bytes(&photo.bytes, &fast(quarter + 1)).unwrap();
        assert_eq!(full.downscale(), 1, "{}", photo.name);
        assert_eq!(hash(&full), hash(&exact), "{}", photo.name);
    }
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
    // A photo shorter than 4 x 512 (Meta's 1600x1004 bridge) keeps its size.
    let bridge = reference_file("data/bridge-mods/aaa-orig.jpg");
    assert_eq!(decode_bytes(&bridge, &options).unwrap().downscale(), 1);
    // Meta's four 12 MP photos (EXIF orientations 1, 3, 6, 8): 1/4.
    let what = "the default min_side on the 4 EXIF-rotation photos (13 MB)";
    for n in [1, 3, 6, 8] {
        let rel = format!("data/reg-test-input/exif-rotn/exif-rotn-{n}.jpg");
        let Some(bytes) = shared_file(&rel, what) else {
            return;
        };
        assert_close(&bytes, &options, 4);
    }
}

/// Orientation 6 (rotate 90) on a photo stored `width` x `height`, scaled
/// to 1/4.
fn check_orientation(bytes: &[u8], width: u32, height: u32) {
    let min_side = width.min(height).div_ceil(4);
    let mut options = fast(min_side);
    options.apply_orientation = true;
    let (exact, fast) = assert_close(bytes, &options, 4);
    assert_eq!(fast.orientation(), Orientation::Rotate90);
    assert!(fast.orientation_applied());
    // Rotated: the stored frame is shown `height` wide.
    assert_eq!((exact.width(), exact.height()), (height, width));
    assert_eq!(
        (fast.width(), fast.height()),
        (height.div_ceil(4), width.div_ceil(4))
    );
    // Without applying it, the tag is still reported and the sides stay.
    let unrotated = decode_bytes(bytes, &self::fast(min_side)).unwrap();
    assert_eq!(unrotated.orientation(), Orientation::Rotate90);
    assert!(!unrotated.orientation_applied());
    assert_eq!(
        (unrotated.width(), unrotated.height()),
        (width.div_ceil(4), height.div_ceil(4))
    );
}

#[test]
fn orientation_is_handled_as_in_the_exact_profile() {
    // Meta's bridge, its EXIF block saying "rotate 90".
    check_orientation(&bridge_with_orientation(6), 1600, 1004);
    // Meta's 12 MP phone photo tagged so (4032x3024, shown 3024x4032).
    let rel = "data/reg-test-input/exif-rotn/exif-rotn-6.jpg";
    if let Some(bytes) = shared_file(rel, "orientation in the fast profile on exif-rotn-6.jpg") {
        check_orientation(&bytes, 4032, 3024);
    }
}

#[test]
fn cmyk_and_grey_jpegs_scale_and_progressive_ones_decode_in_full() {
    // Greyscale, made here from the bridge photo.
    let bridge = image::load_from_memory(&reference_file("data/bridge-mods/aaa-orig.jpg")).unwrap();
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
    // Progressive 1004x1600 (Meta's bridge, rotated): measured slower when
    // scaled, so always decoded in full, bit-exact.
    let what = "a large progressive and a large CMYK JPEG (Meta's bridge, 1.2 MB)";
    let Some(reference) = common::shared_reference_or_skip(what) else {
        return;
    };
    let read = |rel: &str| std::fs::read(reference.join(rel)).unwrap();
    let progressive = read("data/reg-test-input/dih/bridge-2-rotate-90.jpg");
    let exact = decode_bytes(&progressive, &DecodeOptions::default()).unwrap();
    let full = decode_bytes(&progressive, &fast(1)).unwrap();
    assert_eq!(full.downscale(), 1);
    assert_eq!(hash(&full), hash(&exact));
    // Adobe CMYK 1600x1004: the colours must come out as the exact
    // profile's (a wrong inversion would put the hash ~128 bits away).
    let cmyk = read("data/misc-images/modes/CMYK.jpg");
    let (exact, fast_cmyk) = assert_close(&cmyk, &fast(200), 4);
    assert_eq!(fast_cmyk.format(), PixelFormat::Rgb8);
    assert_eq!(exact.format(), PixelFormat::Rgb8);
    assert_close(&cmyk, &fast(120), 8);
}

#[test]
fn small_jpegs_and_other_formats_are_untouched() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/images");
    let mut files = vec![
        std::fs::read(dir.join("waves-320x240-q85.jpg")).unwrap(),
        std::fs::read(dir.join("unrelated-200x200.jpg")).unwrap(),
        std::fs::read(dir.join("waves-320x240.png")).unwrap(),
        std::fs::read(dir.join("grey-200x150.png")).unwrap(),
        reference_file("data/bridge-mods/square-512x512.jpg"),
    ];
    // A large PNG is never scaled, whatever min_side says.
    let bridge = image::load_from_memory(&reference_file("data/bridge-mods/aaa-orig.jpg")).unwrap();
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
    for photo in photos("truncated_and_malformed_jpegs_are_refused") {
        let (bytes, name) = (&photo.bytes, photo.name);
        let min_side = photo.shorter().div_ceil(8);
        // The end-of-image marker (exif-rotn-1.jpg has trailer data after it).
        let eoi = bytes.windows(2).rposition(|w| w == [0xff, 0xd9]).unwrap();
        // Without only its end-of-image marker (and trailer) the image is
        // whole, as viewers show it: the exact profile hashes it as the
        // complete file; the fast profile's scaled decoder refuses it and
        // the exact decode answers instead.
        let options = DecodeOptions::default();
        let whole = decode_bytes(bytes, &options).unwrap();
        let no_eoi = decode_bytes(&bytes[..eoi], &options).unwrap();
        assert_eq!(hash(&no_eoi), hash(&whole), "{name}");
        let fast_no_eoi = decode_bytes(&bytes[..eoi], &fast(min_side)).unwrap();
        assert_eq!(hash(&fast_no_eoi), hash(&whole), "{name}");
        assert_eq!(fast_no_eoi.downscale(), 1, "{name}");
        for cut in [eoi - 100, bytes.len() / 2, bytes.len() / 10] {
            let err = decode_bytes(&bytes[..cut], &fast(min_side)).unwrap_err();
            assert!(
                matches!(&err, InputError::Decode(m) if m.contains("truncated")),
                "{name} cut at {cut}: {err}"
            );
        }
        // Only the start of the header: no image data.
        assert!(decode_bytes(&bytes[..200], &fast(min_side)).is_err());
        // A frame header that lies about the component count: the fast
        // profile does not take it, and answers as the exact profile does.
        let mut lying = bytes.clone();
        // (The main frame's header: the last one before the last scan, past
        // any EXIF thumbnail's.)
        let sos = lying.windows(2).rposition(|w| w == [0xff, 0xda]).unwrap();
        let sof = lying[..sos]
            .windows(2)
            .rposition(|w| w == [0xff, 0xc0])
            .unwrap();
        lying[sof + 9] = 2;
        let exact = decode_bytes(&lying, &DecodeOptions::default());
        let fast = decode_bytes(&lying, &fast(min_side));
        assert_eq!(fast.is_ok(), exact.is_ok(), "{name}");
        if let Ok(image) = fast {
            assert_eq!(image.downscale(), 1, "{name}");
        }
    }
}

#[test]
fn corrupted_scan_data_never_panics() {
    // Bytes flipped across the entropy-coded data of large YCbCr (and,
    // with the full reference set, CMYK) baseline JPEGs: every outcome must
    // be an image or an error (a scaled decode that fails falls back to
    // the full one).
    let mut files: Vec<Vec<u8>> = photos("corrupted_scan_data_never_panics")
        .into_iter()
        .map(|p| p.bytes)
        .collect();
    let what = "corrupted scan data in Meta's 1600x1004 CMYK bridge (0.8 MB)";
    if let Some(reference) = common::shared_reference_or_skip(what) {
        let cmyk = reference.join("data/misc-images/modes/CMYK.jpg");
        files.push(std::fs::read(cmyk).unwrap());
    }
    for bytes in files {
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

/// A progressive JPEG is decoded in full, with the full estimate (six
/// bytes a pixel).
fn check_progressive_memory(bytes: &[u8]) {
    let full = decode_bytes(bytes, &DecodeOptions::default()).unwrap();
    let mut options = fast(1);
    options.limits.max_alloc_bytes = u64::from(full.width()) * u64::from(full.height()) * 6 - 1;
    assert!(matches!(
        decode_bytes(bytes, &options),
        Err(InputError::TooLarge(LimitExceeded::Memory { .. }))
    ));
}

#[test]
fn limits_still_apply() {
    for photo in photos("limits_still_apply") {
        let (bytes, name) = (&photo.bytes, photo.name);
        let (w, h) = (u64::from(photo.width), u64::from(photo.height));
        let min_side = photo.shorter().div_ceil(8);
        // The pixel and side limits are about the file, not the scaled output.
        let mut options = fast(min_side);
        options.limits.max_pixels = w * h - 1;
        assert!(
            matches!(
                decode_bytes(bytes, &options),
                Err(InputError::TooLarge(LimitExceeded::Pixels { .. }))
            ),
            "{name}"
        );
        let mut options = fast(min_side);
        options.limits.max_side = photo.width.max(photo.height) - 1;
        assert!(
            matches!(
                decode_bytes(bytes, &options),
                Err(InputError::TooLarge(LimitExceeded::Side { .. }))
            ),
            "{name}"
        );
        let mut options = fast(min_side);
        options.limits.max_input_bytes = bytes.len() as u64 - 1;
        assert!(
            matches!(
                decode_bytes(bytes, &options),
                Err(InputError::TooLarge(LimitExceeded::InputBytes { .. }))
            ),
            "{name}"
        );
        // Memory: 1/8 of a baseline RGB JPEG needs about 6 bytes a scaled
        // pixel (4032x3024: 1.1 MB), the full decode 3 bytes a pixel (36.6
        // MB). A limit between the two (one byte a pixel) lets the scaled
        // decode run and refuses the exact one; a limit below both refuses
        // both.
        let mut options = fast(min_side);
        options.limits.max_alloc_bytes = w * h;
        assert_eq!(
            decode_bytes(bytes, &options).unwrap().downscale(),
            8,
            "{name}"
        );
        options.jpeg_scaling = JpegScaling::Exact;
        assert!(
            matches!(
                decode_bytes(bytes, &options),
                Err(InputError::TooLarge(LimitExceeded::Memory { .. }))
            ),
            "{name}"
        );
        let mut options = fast(min_side);
        options.limits.max_alloc_bytes = w.div_ceil(8) * h.div_ceil(8) * 3;
        assert!(
            matches!(
                decode_bytes(bytes, &options),
                Err(InputError::TooLarge(LimitExceeded::Memory { .. }))
            ),
            "{name}"
        );
    }
    check_progressive_memory(&fuzz_seed("progressive.jpg"));
    let rel = "data/reg-test-input/dih/bridge-2-rotate-90.jpg";
    if let Some(progressive) = shared_file(rel, "the memory limit on a large progressive JPEG") {
        check_progressive_memory(&progressive);
    }
}
