//! Properties of PDQ over arbitrary pixel views.

use percept::hash::pdq::{self, Pipeline, Platform, Profile};
use percept::{PixelFormat, PixelView};
use proptest::prelude::*;

const FORMATS: [PixelFormat; 8] = PixelFormat::ALL;

/// A random valid view: size 1..300 per side, padded stride, random format,
/// pixels that are either noise or a smooth ramp (ramps make many DCT values
/// close to each other, the hard case for exactness).
fn view_inputs() -> impl Strategy<Value = (u32, u32, usize, PixelFormat, Vec<u8>)> {
    (
        1u32..300,
        1u32..300,
        0usize..24,
        0usize..FORMATS.len(),
        any::<u64>(),
        any::<bool>(),
    )
        .prop_map(|(w, h, pad, f, seed, smooth)| {
            let format = FORMATS[f];
            let stride = w as usize * format.bytes_per_pixel() + pad;
            let len = stride * h as usize;
            let mut state = seed | 1;
            let data = (0..len)
                .map(|i| {
                    if smooth {
                        let (x, y) = ((i % stride) as u64, (i / stride) as u64);
                        ((x * (seed % 7 + 1) + y * (seed % 5 + 1)) % 256) as u8
                    } else {
                        state ^= state << 13;
                        state ^= state >> 7;
                        state ^= state << 17;
                        (state >> 32) as u8
                    }
                })
                .collect();
            (w, h, stride, format, data)
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// Hashing any valid view never panics, and the streaming filter gives
    /// the same bits as the reference's full-plane layout.
    #[test]
    fn streaming_equals_reference_layout_and_never_panics(
        (w, h, stride, format, data) in view_inputs(),
        cli in any::<bool>(),
    ) {
        let view = PixelView::new(&data, w, h, stride, format).unwrap();
        let profile = if cli { Profile::Cli512 } else { Profile::FullResolution };
        let fast = pdq::hash_dihedral_with(&view, profile, Pipeline::Streaming);
        let slow = pdq::hash_dihedral_with(&view, profile, Pipeline::ReferenceLayout);
        prop_assert_eq!(fast, slow);
        let fast = pdq::hash_with(&view, profile, Pipeline::Streaming);
        let slow = pdq::hash_with(&view, profile, Pipeline::ReferenceLayout);
        prop_assert_eq!(fast, slow);
        prop_assert!(fast.quality <= 100);
        if w < 5 || h < 5 {
            prop_assert_eq!(fast.hash, percept::Hash256::ZERO);
            prop_assert_eq!(fast.quality, 0);
        }
    }

    /// Every filter platform this CPU can run gives the scalar platform's
    /// bits, on random views (sizes 1..300 cover partial bands of 16 rows,
    /// partial groups of 16 and 128 columns, windows 1 to 3).
    #[test]
    fn every_platform_equals_scalar(
        (w, h, stride, format, data) in view_inputs(),
        cli in any::<bool>(),
    ) {
        let view = PixelView::new(&data, w, h, stride, format).unwrap();
        let profile = if cli { Profile::Cli512 } else { Profile::FullResolution };
        let scalar = Pipeline::StreamingOn(Platform::Scalar);
        let want = pdq::hash_dihedral_with(&view, profile, scalar);
        let want_single = pdq::hash_with(&view, profile, scalar);
        for platform in Platform::available() {
            let on = Pipeline::StreamingOn(platform);
            prop_assert_eq!(pdq::hash_dihedral_with(&view, profile, on), want, "{:?}", platform);
            prop_assert_eq!(pdq::hash_with(&view, profile, on), want_single, "{:?}", platform);
        }
    }

    /// Any (width, height, stride, buffer length) either makes a view that
    /// hashes, or is refused with an error: never a panic or an overread.
    #[test]
    fn arbitrary_view_geometry_is_validated(
        w in prop_oneof![0u32..40, any::<u32>()],
        h in prop_oneof![0u32..40, any::<u32>()],
        stride in prop_oneof![0usize..200, any::<usize>()],
        len in 0usize..6000,
        f in 0usize..FORMATS.len(),
    ) {
        let data = vec![7u8; len];
        if let Ok(view) = PixelView::new(&data, w, h, stride, FORMATS[f]) {
            prop_assert!(w >= 1 && h >= 1);
            let _ = pdq::hash(&view, Profile::FullResolution);
        }
    }
}

/// `len` bytes of noise over a ramp (so the DCT has structure), from `seed`.
fn noisy_ramp(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed | 1;
    (0..len)
        .map(|i| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            ((state >> 60) as usize + i / 97 % 200) as u8
        })
        .collect()
}

/// Large and elongated images: windows up to 47 rows (more than a band of
/// 16 and than the ring's 32 spare rows), long rows, few columns.
fn large_view_inputs() -> impl Strategy<Value = (u32, u32, bool, Vec<u8>)> {
    (
        prop_oneof![
            (1u32..4500, 5u32..200),
            (5u32..200, 1u32..6000),
            // Windows over 64 rows: the first pass then runs two or more
            // bands ahead of the vertical one.
            (5u32..64, 8400u32..12000),
            (200u32..1300, 200u32..1300),
        ],
        any::<bool>(),
        any::<u64>(),
    )
        .prop_map(|((w, h), rgb, seed)| {
            let len = (w * h) as usize * if rgb { 3 } else { 1 };
            (w, h, rgb, noisy_ramp(seed, len))
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn every_platform_equals_scalar_on_large_images((w, h, rgb, data) in large_view_inputs()) {
        let format = if rgb { PixelFormat::Rgb8 } else { PixelFormat::Gray8 };
        let view = PixelView::packed(&data, w, h, format).unwrap();
        let want = pdq::hash_dihedral_with(
            &view,
            Profile::FullResolution,
            Pipeline::StreamingOn(Platform::Scalar),
        );
        for platform in Platform::available() {
            let got = pdq::hash_dihedral_with(
                &view,
                Profile::FullResolution,
                Pipeline::StreamingOn(platform),
            );
            prop_assert_eq!(got, want, "{:?} {}x{}", platform, w, h);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Float luma given by the caller (read in place when the width is a
    /// whole number of 16-float groups) hashes as the grey image with the
    /// same values does, on partial and whole bands of rows.
    #[test]
    fn float_luma_equals_grey_view(
        w in prop_oneof![(1usize..40).prop_map(|k| 16 * k), 1usize..700],
        h in 1usize..700,
        seed in any::<u64>(),
        cli in any::<bool>(),
    ) {
        let grey = noisy_ramp(seed, w * h);
        let luma: Vec<f32> = grey.iter().map(|&g| g as f32).collect();
        let view = PixelView::packed(&grey, w as u32, h as u32, PixelFormat::Gray8).unwrap();
        let profile = if cli { Profile::Cli512 } else { Profile::FullResolution };
        prop_assert_eq!(pdq::hash_luma(&luma, w, h, profile).unwrap(), pdq::hash(&view, profile));
    }
}

/// The 16-bit formats use the high byte of each native-endian sample.
#[test]
fn sixteen_bit_formats_use_the_high_byte() {
    let (w, h) = (37u32, 29u32);
    let rgb8: Vec<u8> = (0..w * h * 3)
        .map(|i| ((i * 31 + i / 7) % 251) as u8)
        .collect();
    let rgb16: Vec<u8> = rgb8
        .iter()
        .flat_map(|&v| (((v as u16) << 8) | 0x5a).to_ne_bytes())
        .collect();
    let a = pdq::hash_dihedral(
        &PixelView::packed(&rgb8, w, h, PixelFormat::Rgb8).unwrap(),
        Profile::FullResolution,
    );
    let b = pdq::hash_dihedral(
        &PixelView::packed(&rgb16, w, h, PixelFormat::Rgb16).unwrap(),
        Profile::FullResolution,
    );
    assert_eq!(a, b);
    let grey8: Vec<u8> = rgb8.iter().step_by(3).copied().collect();
    let grey16: Vec<u8> = grey8
        .iter()
        .flat_map(|&v| (((v as u16) << 8) | 0xff).to_ne_bytes())
        .collect();
    let a = pdq::hash(
        &PixelView::packed(&grey8, w, h, PixelFormat::Gray8).unwrap(),
        Profile::FullResolution,
    );
    let b = pdq::hash(
        &PixelView::packed(&grey16, w, h, PixelFormat::Gray16).unwrap(),
        Profile::FullResolution,
    );
    assert_eq!(a, b);
}

/// Channel order is honoured: the same colours in RGBA, BGRA and ARGB byte
/// order, with junk in the alpha byte, hash identically to packed RGB.
#[test]
fn four_byte_layouts_agree_with_rgb() {
    let (w, h) = (50u32, 40u32);
    let rgb: Vec<u8> = (0..w * h * 3)
        .map(|i| ((i * 17 + i / 11) % 253) as u8)
        .collect();
    let expect = pdq::hash_dihedral(
        &PixelView::packed(&rgb, w, h, PixelFormat::Rgb8).unwrap(),
        Profile::FullResolution,
    );
    let pixels = || rgb.chunks_exact(3).enumerate();
    let rgba: Vec<u8> = pixels()
        .flat_map(|(i, p)| [p[0], p[1], p[2], i as u8])
        .collect();
    let bgra: Vec<u8> = pixels()
        .flat_map(|(i, p)| [p[2], p[1], p[0], i as u8])
        .collect();
    let argb: Vec<u8> = pixels()
        .flat_map(|(i, p)| [i as u8, p[0], p[1], p[2]])
        .collect();
    for (buf, f) in [
        (rgba, PixelFormat::Rgba8),
        (bgra, PixelFormat::Bgra8),
        (argb, PixelFormat::Argb8),
    ] {
        let got = pdq::hash_dihedral(
            &PixelView::packed(&buf, w, h, f).unwrap(),
            Profile::FullResolution,
        );
        assert_eq!(got, expect, "{f:?}");
    }
}
