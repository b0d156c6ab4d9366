//! Each backend's kernels against the scalar code they vectorize.

use super::portable::Portable;
use super::*;
use crate::hash::pdq::boxfilter::box_row;

fn noise(n: usize, seed: u64) -> Vec<f32> {
    let mut state = seed | 1;
    (0..n)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 40) as f32 / 65536.0
        })
        .collect()
}

fn bits(v: &[f32]) -> Vec<u32> {
    v.iter().map(|x| x.to_bits()).collect()
}

fn check_backend<L: Lanes>(l: L, name: &str) {
    // The transpose into lane layout places every value.
    let stride = 48;
    let rows = noise(LANES * stride, 7);
    let mut lanes = vec![0.0; LANES * stride];
    l.rows_to_lanes(&rows, stride, &mut lanes);
    for k in 0..LANES {
        for c in 0..stride {
            assert_eq!(lanes[c * LANES + k], rows[k * stride + c], "{name}");
        }
    }

    // The box filter on 16 rows at once equals box_row on each row.
    for &(len, full) in &[
        (1usize, 1usize),
        (5, 1),
        (7, 3),
        (16, 8),
        (40, 16),
        (9, 9),
        (300, 3),
    ] {
        let stride = len.next_multiple_of(LANES);
        let rows = noise(LANES * stride, len as u64 * 31 + full as u64);
        let mut lanes = vec![0.0; LANES * stride];
        l.rows_to_lanes(&rows, stride, &mut lanes);
        let mut in_rows = vec![0.0; LANES * stride];
        l.box_lanes_to_rows(&lanes, len, full, &mut in_rows, stride);
        let mut sampled = [[0.0f32; LANES]; 64];
        let at: [usize; 64] = std::array::from_fn(|i| (2 * i + 1) * len / 128);
        l.box_lanes_sampled(&lanes, len, full, &at, &mut sampled);
        for k in 0..LANES {
            let mut want = vec![0.0; len];
            box_row(&rows[k * stride..k * stride + len], &mut want, full);
            let got = &in_rows[k * stride..k * stride + len];
            assert_eq!(
                bits(got),
                bits(&want),
                "{name} len {len} window {full} row {k}"
            );
            for (j, &c) in at.iter().enumerate() {
                assert_eq!(sampled[j][k].to_bits(), want[c].to_bits(), "{name} sampled");
            }
        }
    }

    // Luma of 8-bit RGB in 3 and 4 bytes, every channel order, odd lengths.
    let bytes: Vec<u8> = noise(4 * 301, 3)
        .iter()
        .map(|x| (x * 255.0) as u8)
        .collect();
    for (bpp, rgb) in [
        (3, [0, 1, 2]),
        (4, [0, 1, 2]),
        (4, [2, 1, 0]),
        (4, [1, 2, 3]),
    ] {
        for n in [0usize, 1, 7, 8, 9, 16, 33, 301] {
            let px = &bytes[..n * bpp];
            let mut want = vec![0.0; n];
            luma_rgb8_scalar(px, bpp, rgb, &mut want);
            let mut got = vec![0.0; n];
            l.luma_rgb8(px, bpp, rgb, &mut got);
            assert_eq!(bits(&got), bits(&want), "{name} luma bpp {bpp} n {n}");
        }
    }
}

#[test]
fn portable_kernels_equal_scalar() {
    check_backend(Portable, "portable");
}

#[cfg(target_arch = "x86_64")]
#[test]
fn sse2_kernels_equal_scalar() {
    check_backend(sse2::Sse2, "sse2");
}

#[cfg(target_arch = "x86_64")]
#[test]
fn avx2_kernels_equal_scalar() {
    match avx2::Avx2::new() {
        Some(l) => check_backend(l, "avx2"),
        None => eprintln!("AVX2 not available: skipped"),
    }
}
