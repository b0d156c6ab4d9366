//! Decoding: formats, limits checked before allocation, EXIF orientation.

mod common;

use std::io::Cursor;

use image::{DynamicImage, ImageFormat, RgbImage};
use percept::hash::pdq::{self, Profile};
use percept::input::{decode_bytes, decode_file, DecodeOptions, InputError, Orientation};
use percept::PixelFormat;

fn sample_rgb(w: u32, h: u32) -> RgbImage {
    RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x * 7 + y) as u8, (y * 5) as u8, (x ^ y) as u8])
    })
}

fn encode(img: &DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, format).unwrap();
    out.into_inner()
}

#[test]
fn every_supported_format_decodes_to_the_same_pixels() {
    let rgb = DynamicImage::ImageRgb8(sample_rgb(40, 30));
    let expect = pdq::hash(
        &percept::PixelView::packed(rgb.as_bytes(), 40, 30, PixelFormat::Rgb8).unwrap(),
        Profile::FullResolution,
    );
    // Lossless encoders: the hash must be identical.
    for format in [
        ImageFormat::Png,
        ImageFormat::Bmp,
        ImageFormat::Tiff,
        ImageFormat::WebP,
    ] {
        let img = decode_bytes(&encode(&rgb, format), &DecodeOptions::default()).unwrap();
        assert_eq!((img.width(), img.height()), (40, 30), "{format:?}");
        assert_eq!(
            pdq::hash(&img.view(), Profile::FullResolution),
            expect,
            "{format:?}"
        );
    }
    // Lossy or palette formats still decode.
    for format in [ImageFormat::Jpeg, ImageFormat::Gif] {
        let img = decode_bytes(&encode(&rgb, format), &DecodeOptions::default()).unwrap();
        assert_eq!((img.width(), img.height()), (40, 30), "{format:?}");
    }
}

#[test]
fn grey_png_takes_the_grey_path_even_with_transparency() {
    let grey = DynamicImage::ImageLuma8(image::GrayImage::from_fn(33, 21, |x, y| {
        image::Luma([(x * 3 + y * 7) as u8])
    }));
    let plain = encode(&grey, ImageFormat::Png);
    let img = decode_bytes(&plain, &DecodeOptions::default()).unwrap();
    assert_eq!(img.format(), PixelFormat::Gray8);
    let expect = pdq::hash(&img.view(), Profile::FullResolution);
    // The same PNG with a tRNS chunk (grey value 0 transparent) right after
    // IHDR: the decoder adds alpha, but the pixels stay grey.
    let ihdr_end = 8 + 4 + 4 + 13 + 4;
    let mut body = b"tRNS".to_vec();
    body.extend([0, 0]);
    let mut with_trns = plain[..ihdr_end].to_vec();
    with_trns.extend(2u32.to_be_bytes());
    with_trns.extend(&body);
    with_trns.extend(common::crc32(&body).to_be_bytes());
    with_trns.extend(&plain[ihdr_end..]);
    let img = decode_bytes(&with_trns, &DecodeOptions::default()).unwrap();
    assert_eq!(img.format(), PixelFormat::Gray8);
    assert_eq!(pdq::hash(&img.view(), Profile::FullResolution), expect);
    // Grey + alpha (a true LA image) goes through RGB, as the references do.
    let la = DynamicImage::ImageLumaA8(image::GrayAlphaImage::from_fn(33, 21, |x, _| {
        image::LumaA([x as u8, 9])
    }));
    let img = decode_bytes(&encode(&la, ImageFormat::Png), &DecodeOptions::default()).unwrap();
    assert_eq!(img.format(), PixelFormat::Rgb8);
}

/// A valid PNG signature and IHDR claiming `w x h`, then a tiny IDAT.
fn png_claiming(w: u32, h: u32) -> Vec<u8> {
    common::png_from_parts(
        w,
        h,
        8,
        2,
        &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    )
}

#[test]
fn huge_dimensions_are_refused_before_allocating() {
    for (w, h) in [(60_000, 60_000), (2_000_000, 1), (20_000, 20_000)] {
        let err = decode_bytes(&png_claiming(w, h), &DecodeOptions::default()).unwrap_err();
        assert!(matches!(err, InputError::TooLarge(_)), "{w}x{h}: {err}");
    }
    let mut small = DecodeOptions::default();
    small.limits.max_pixels = 1000;
    let ok = encode(
        &DynamicImage::ImageRgb8(sample_rgb(40, 30)),
        ImageFormat::Png,
    );
    assert!(matches!(
        decode_bytes(&ok, &small),
        Err(InputError::TooLarge(_))
    ));
    small.limits.max_pixels = 1200;
    assert!(decode_bytes(&ok, &small).is_ok());
}

#[test]
fn garbage_is_a_clear_error() {
    for bytes in [
        &b""[..],
        b"hello, world",
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
        &[0xff, 0xd8, 0xff, 0xe0, 0, 0x10][..],
    ] {
        let err = decode_bytes(bytes, &DecodeOptions::default()).unwrap_err();
        assert!(!err.to_string().is_empty());
    }
    let png = encode(
        &DynamicImage::ImageRgb8(sample_rgb(64, 64)),
        ImageFormat::Png,
    );
    for cut in [png.len() / 2, png.len() - 20] {
        assert!(
            decode_bytes(&png[..cut], &DecodeOptions::default()).is_err(),
            "truncated at {cut}"
        );
    }
}

/// Meta's 12 MP phone photos with EXIF orientations 1, 3, 6 and 8 (13 MB,
/// so only in the full reference set beside the checkout; the orientation
/// in every format that carries it is checked on small files made in
/// tests/decode_classes.rs).
#[test]
fn exif_orientation_is_reported_and_applied_only_on_request() {
    let Some(reference) =
        common::shared_reference_or_skip("Meta's EXIF-rotation photos (4 x 3-4 MB JPEGs)")
    else {
        return;
    };
    let dir = reference.join("data/reg-test-input/exif-rotn");
    for (n, want) in [
        (1, Orientation::Normal),
        (3, Orientation::Rotate180),
        (6, Orientation::Rotate90),
        (8, Orientation::Rotate270),
    ] {
        let path = dir.join(format!("exif-rotn-{n}.jpg"));
        let stored = decode_file(&path, &DecodeOptions::default()).unwrap();
        assert_eq!(stored.orientation(), want);
        assert_eq!(stored.orientation().exif_value(), n);
        assert!(!stored.orientation_applied());
        assert_eq!((stored.width(), stored.height()), (4032, 3024));
        let mut opts = DecodeOptions::default();
        opts.apply_orientation = true;
        let applied = decode_file(&path, &opts).unwrap();
        let swapped = matches!(want, Orientation::Rotate90 | Orientation::Rotate270);
        let expect = if swapped { (3024, 4032) } else { (4032, 3024) };
        assert_eq!((applied.width(), applied.height()), expect);
        assert_eq!(applied.orientation_applied(), want != Orientation::Normal);
    }
}
