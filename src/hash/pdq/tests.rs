use super::*;
use crate::input::PixelFormat;

#[test]
fn dct_matrix_equals_reference_bits() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/testdata/reference/generated/dct-matrix-16x64-f32bits.txt"
    );
    let text = std::fs::read_to_string(path).expect("testdata/reference is in the repository");
    let rows: Vec<Vec<u32>> = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            l.split_whitespace()
                .map(|w| u32::from_str_radix(w, 16).unwrap())
                .collect()
        })
        .collect();
    assert_eq!(rows.len(), 16);
    let d = dct::dct_matrix();
    for i in 0..16 {
        assert_eq!(rows[i].len(), 64);
        for j in 0..64 {
            assert_eq!(d[i][j].to_bits(), rows[i][j], "D[{i}][{j}]");
        }
    }
}

#[test]
fn decimation_matches_double_formula() {
    for n in [5usize, 7, 63, 64, 65, 127, 1000, 4032] {
        let idx = decimation_indices(n);
        for (i, &got) in idx.iter().enumerate() {
            assert_eq!(got, (((i as f64 + 0.5) * n as f64) / 64.0) as usize);
        }
    }
}

#[test]
fn below_minimum_side_is_zero_hash() {
    let px = vec![200u8; 4 * 100 * 3];
    let v = PixelView::packed(&px, 100, 4, PixelFormat::Rgb8).unwrap();
    assert_eq!(hash(&v, Profile::FullResolution).hash, Hash256::ZERO);
    assert_eq!(
        hash_dihedral(&v, Profile::FullResolution).hashes,
        [Hash256::ZERO; 8]
    );
}

#[test]
fn luma_coefficients_are_the_double_literals_rounded_once() {
    assert_eq!(luma::LUMA_FROM_R, 0.299_f64 as f32);
    assert_eq!(luma::luma_rgb(255, 255, 255), {
        let (r, g, b) = (0.299_f64 as f32, 0.587_f64 as f32, 0.114_f64 as f32);
        r * 255.0 + g * 255.0 + b * 255.0
    });
}

/// The float-luma entry point, fed the luma [`hash`] computes, gives the
/// same hash for both profiles (one image squashed by Cli512, one not), and
/// refuses buffers of the wrong length.
#[test]
fn hash_luma_equals_hash_of_pixels() {
    for (w, h) in [(640usize, 480usize), (97, 203), (64, 64), (4, 9)] {
        let px: Vec<u8> = (0..w * h * 3)
            .map(|i| (i.wrapping_mul(2654435761usize) >> 11) as u8 ^ (i / (3 * w)) as u8)
            .collect();
        let view = PixelView::packed(&px, w as u32, h as u32, PixelFormat::Rgb8).unwrap();
        let luma: Vec<f32> = px
            .chunks_exact(3)
            .map(|p| luma::luma_rgb(p[0], p[1], p[2]))
            .collect();
        for profile in [Profile::FullResolution, Profile::Cli512] {
            assert_eq!(
                hash_luma(&luma, w, h, profile).unwrap(),
                hash(&view, profile),
                "{w}x{h} {profile:?}"
            );
        }
        assert!(hash_luma(&luma[1..], w, h, Profile::FullResolution).is_err());
        assert!(hash_luma(&luma, w + 1, h, Profile::FullResolution).is_err());
    }
    assert!(hash_luma(&[], 0, 0, Profile::FullResolution).is_err());
}
