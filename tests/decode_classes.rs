//! Every case of the generated corpus (tests/common/corpus.rs) through the
//! Rust API and the C ABI: valid files decode to their exact pixels (or
//! size, for lossy formats), and every refusal falls in the class of its
//! cause, the same in every format: zero side -> invalid argument, over a
//! limit -> too large (naming the limit), corrupt or truncated -> decode
//! failed, a recognised unsupported format -> unsupported, named.

#[path = "common/corpus.rs"]
mod corpus;

use corpus::Expect;
use percept::ffi::last_error::percept_last_error_message;
use percept::ffi::options::percept_options_default;
use percept::ffi::pdq::percept_pdq_hash_encoded;
use percept::ffi::status::*;
use percept::input::{decode_bytes, DecodeOptions, InputError, LimitExceeded, PixelFormat};

/// RGB samples of a decoded image, whatever its layout.
fn rgb_of(image: &percept::input::DecodedImage) -> Vec<u8> {
    let view = image.view();
    let (w, h) = (image.width() as usize, image.height() as usize);
    let mut out = Vec::with_capacity(w * h * 3);
    for y in 0..h {
        let row = view.row(y);
        match image.format() {
            PixelFormat::Gray8 => row[..w].iter().for_each(|&g| out.extend([g, g, g])),
            PixelFormat::Rgb8 => out.extend(&row[..w * 3]),
            PixelFormat::Rgba8 => row[..w * 4].chunks(4).for_each(|p| out.extend(&p[..3])),
            other => panic!("unexpected layout {other:?}"),
        }
    }
    out
}

fn c_status(bytes: &[u8]) -> percept_status {
    let mut options = std::mem::MaybeUninit::uninit();
    let mut hash = std::mem::MaybeUninit::uninit();
    // SAFETY: pointers to live locals and to `bytes`, as the C contract asks.
    unsafe {
        assert_eq!(
            percept_options_default(options.as_mut_ptr()),
            PERCEPT_STATUS_OK
        );
        percept_pdq_hash_encoded(
            bytes.as_ptr(),
            bytes.len(),
            options.as_ptr(),
            hash.as_mut_ptr(),
        )
    }
}

#[test]
fn every_case_decodes_or_is_refused_in_its_class() {
    let options = DecodeOptions::default();
    let mut failures = Vec::new();
    for case in corpus::all() {
        let result = decode_bytes(&case.bytes, &options);
        let status = c_status(&case.bytes);
        let ok = match (&case.expect, &result) {
            (
                Expect::Pixels {
                    w,
                    h,
                    channels,
                    data,
                },
                Ok(image),
            ) => {
                let want = if *channels == 1 {
                    data.iter().flat_map(|&g| [g, g, g]).collect()
                } else {
                    data.clone()
                };
                (image.width(), image.height()) == (*w, *h) && rgb_of(image) == want
            }
            (Expect::Size(w, h), Ok(image)) => (image.width(), image.height()) == (*w, *h),
            (Expect::Invalid, Err(InputError::InvalidDimensions { .. })) => {
                status == PERCEPT_STATUS_INVALID_ARGUMENT
            }
            (Expect::TooLarge, Err(InputError::TooLarge(limit))) => {
                status == PERCEPT_STATUS_IMAGE_TOO_LARGE && *limit != LimitExceeded::Decoder
            }
            // Decoders' own words arrive on one line (the CLI's records and
            // the C ABI's last-error message are one line each).
            (Expect::Corrupt, Err(e @ InputError::Decode(_))) => {
                status == PERCEPT_STATUS_DECODE_FAILED
                    && !e.to_string().contains(['\n', '\r'])
                    && !last_error().contains(['\n', '\r'])
            }
            (Expect::Unsupported(name), Err(e @ InputError::UnsupportedFormat { format, .. })) => {
                format == name
                    && e.to_string().contains("platform")
                    && status == PERCEPT_STATUS_UNSUPPORTED_FORMAT
                    && last_error().contains(name)
            }
            (Expect::Unrecognised, Err(InputError::UnrecognisedFormat)) => {
                status == PERCEPT_STATUS_UNSUPPORTED_FORMAT
            }
            _ => false,
        };
        let decodes = case.expect.decodes();
        let ok = ok && (decodes == (status == PERCEPT_STATUS_OK));
        if !ok {
            failures.push(format!(
                "{}: expected {:?}, got {} (C status {status})",
                case.name,
                match &case.expect {
                    Expect::Pixels { w, h, .. } => format!("pixels {w}x{h}"),
                    other => format!("{other:?}"),
                },
                match &result {
                    Ok(i) => format!("{}x{} {:?}", i.width(), i.height(), i.format()),
                    Err(e) => format!("{e:?}"),
                }
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} cases:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn last_error() -> String {
    let mut buf = vec![0u8; 1024];
    let mut len = 0usize;
    // SAFETY: buf is writable for its length, len is a live local.
    let status =
        unsafe { percept_last_error_message(buf.as_mut_ptr().cast(), buf.len(), &mut len) };
    assert_eq!(status, PERCEPT_STATUS_OK);
    String::from_utf8_lossy(&buf[..len.saturating_sub(1)]).into_owned()
}

/// The sizes percept checks are the decoders' own: whenever it refuses a
/// file for its side or pixel count, the `image` crate's decoder for that
/// format (no limits set) either cannot read the header or reports a size
/// over the same limit; whenever it decodes a file, that decoder agrees on
/// the size.
#[test]
fn size_refusals_agree_with_the_decoders_own_headers() {
    use image::ImageDecoder;
    let options = DecodeOptions::default();
    let limits = &options.limits;
    // The corpus, and the inputs the decode_budget fuzz target found.
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions/decode_budget");
    let found = std::fs::read_dir(dir).unwrap().map(|e| {
        let path = e.unwrap().path();
        corpus::Case {
            name: path.display().to_string(),
            bytes: std::fs::read(&path).unwrap(),
            expect: corpus::Expect::Corrupt,
        }
    });
    for case in corpus::all().into_iter().chain(found) {
        let theirs = image::ImageReader::new(std::io::Cursor::new(&case.bytes))
            .with_guessed_format()
            .ok()
            .and_then(|r| r.into_decoder().ok())
            .map(|d| d.dimensions());
        match decode_bytes(&case.bytes, &options) {
            Err(InputError::TooLarge(
                LimitExceeded::Side { .. } | LimitExceeded::Pixels { .. },
            )) => {
                if let Some((w, h)) = theirs {
                    assert!(
                        w > limits.max_side
                            || h > limits.max_side
                            || w as u64 * h as u64 > limits.max_pixels,
                        "{}: refused, but its decoder reads {w}x{h}",
                        case.name
                    );
                }
            }
            Ok(image) => {
                if let Some(dims) = theirs {
                    assert_eq!((image.width(), image.height()), dims, "{}", case.name);
                }
            }
            Err(_) => {}
        }
    }
}

/// The EXIF orientation is found in PNG, WebP and JPEG files (read in
/// place, never copied), reported always and applied only on request.
#[test]
fn exif_orientation_in_every_format_that_carries_it() {
    let (w, h) = (40u32, 24u32);
    for value in 1..=8u16 {
        for (format, bytes) in corpus::oriented(value, w, h) {
            let stored = decode_bytes(&bytes, &DecodeOptions::default()).unwrap();
            assert_eq!(
                stored.orientation().exif_value() as u16,
                value,
                "{format} {value}"
            );
            assert!(!stored.orientation_applied());
            assert_eq!((stored.width(), stored.height()), (w, h));
            let mut options = DecodeOptions::default();
            options.apply_orientation = true;
            let applied = decode_bytes(&bytes, &options).unwrap();
            let swapped = value >= 5;
            assert_eq!(
                (applied.width(), applied.height()),
                if swapped { (h, w) } else { (w, h) },
                "{format} {value}"
            );
            assert_eq!(applied.orientation_applied(), value != 1);
            if format != "jpeg" {
                // Lossless: the applied pixels are the source's, turned.
                let mut source = image::DynamicImage::ImageRgb8(
                    image::RgbImage::from_raw(w, h, corpus::picture(w, h)).unwrap(),
                );
                let o = image::metadata::Orientation::from_exif(value as u8).unwrap();
                source.apply_orientation(o);
                assert_eq!(
                    rgb_of(&applied),
                    source.to_rgb8().into_raw(),
                    "{format} {value}"
                );
            }
        }
    }
}

/// A JPEG without its two-byte end-of-image marker decodes to exactly the
/// pixels of the complete file (as viewers show it); cut any further, it is
/// refused as truncated.
#[test]
fn a_jpeg_missing_only_its_end_marker_is_decoded_whole() {
    let photo = corpus::encode(
        &image::DynamicImage::ImageRgb8(
            image::RgbImage::from_raw(300, 200, corpus::picture(300, 200)).unwrap(),
        ),
        image::ImageFormat::Jpeg,
    );
    let options = DecodeOptions::default();
    let whole = decode_bytes(&photo, &options).unwrap();
    let no_eoi = decode_bytes(&photo[..photo.len() - 2], &options).unwrap();
    assert_eq!(rgb_of(&no_eoi), rgb_of(&whole));
    for cut in [40, 500, photo.len() / 2] {
        match decode_bytes(&photo[..photo.len() - cut], &options) {
            Err(InputError::Decode(m)) => assert!(m.contains("truncated"), "{cut}: {m}"),
            other => panic!("cut {cut}: {other:?}"),
        }
    }
}
