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

    // The box filter on two sub-bands of 16 rows at once equals box_row on
    // each row. The windows cover each divide: plain (3, 5 on backends
    // without FMA, 1100), power of two (1, 8, 16) and reciprocal (3, 5, 9).
    for &(len, full) in &[
        (1usize, 1usize),
        (5, 1),
        (7, 3),
        (16, 8),
        (40, 16),
        (9, 9),
        (300, 3),
        (333, 5),
        (2100, 1100),
    ] {
        let stride = len.next_multiple_of(LANES);
        let rows = noise(BAND * stride, len as u64 * 31 + full as u64);
        let mut lanes = vec![0.0; BAND * stride];
        let (a, b) = lanes.split_at_mut(LANES * stride);
        l.rows_to_lanes(&rows, stride, a);
        l.rows_to_lanes(&rows[LANES * stride..], stride, b);
        let (a, b) = lanes.split_at(LANES * stride);
        let mut in_rows = vec![0.0; BAND * stride];
        l.box_lanes_to_rows([a, b], len, full, &mut in_rows, stride);
        let mut sampled = [[[0.0f32; LANES]; 64]; SUBBANDS];
        let at: [usize; 64] = std::array::from_fn(|i| (2 * i + 1) * len / 128);
        l.box_lanes_sampled([a, b], len, full, &at, &mut sampled);
        for k in 0..BAND {
            let mut want = vec![0.0; len];
            box_row(&rows[k * stride..k * stride + len], &mut want, full);
            let got = &in_rows[k * stride..k * stride + len];
            assert_eq!(
                bits(got),
                bits(&want),
                "{name} len {len} window {full} row {k}"
            );
            for (j, &c) in at.iter().enumerate() {
                let got = sampled[k / LANES][j][k % LANES];
                assert_eq!(got.to_bits(), want[c].to_bits(), "{name} sampled");
            }
        }
    }

    // The last vertical pass over 64 columns equals box_row down each
    // column, fed its steps in two runs (the sums carry over).
    for &(len, full) in &[
        (1usize, 1usize),
        (64, 1),
        (64, 3),
        (50, 5),
        (40, 16),
        (64, 9),
        (9, 9),
    ] {
        let half = crate::hash::pdq::boxfilter::half_window(full);
        let values = noise(len * 64, len as u64 * 7 + full as u64);
        let ring: Vec<[f32; 64]> = values
            .chunks_exact(64)
            .map(|r| r.try_into().unwrap())
            .collect();
        let steps: Vec<Step> = (0..len + half - 1)
            .map(|i| Step {
                add: (i < len).then_some(i * 64),
                sub: (i >= full).then(|| (i - full) * 64),
                out: (i + 1 >= half).then(|| {
                    let o = i + 1 - half;
                    (o, (o + half).min(full).min(len + full - half - o))
                }),
            })
            .collect();
        let mut sums = [0.0f32; 64];
        let mut out = [[f32::NAN; 64]; 64];
        let (first, rest) = steps.split_at(steps.len() / 2);
        l.vertical_sampled(&ring, first, full, &mut sums, &mut out);
        l.vertical_sampled(&ring, rest, full, &mut sums, &mut out);
        for c in 0..64 {
            let column: Vec<f32> = (0..len).map(|r| values[r * 64 + c]).collect();
            let mut want = vec![0.0; len];
            box_row(&column, &mut want, full);
            let got: Vec<f32> = (0..len).map(|o| out[o][c]).collect();
            assert_eq!(
                bits(&got),
                bits(&want),
                "{name} last pass len {len} window {full}"
            );
        }
    }

    // Luma of 8-bit RGB in 3 and 4 bytes, every channel order (and one
    // layout no backend specialises), odd lengths.
    let bytes: Vec<u8> = noise(4 * 301, 3)
        .iter()
        .map(|x| (x * 255.0) as u8)
        .collect();
    for (bpp, rgb) in [
        (3, [0, 1, 2]),
        (3, [2, 1, 0]),
        (4, [0, 1, 2]),
        (4, [2, 1, 0]),
        (4, [1, 2, 3]),
        (4, [3, 2, 1]),
        (4, [0, 2, 1]),
    ] {
        for n in [0usize, 1, 7, 8, 9, 16, 33, 301] {
            let px = &bytes[..n * bpp];
            let mut want = vec![0.0; n];
            luma_rgb8_scalar(px, bpp, rgb, &mut want);
            let mut got = vec![0.0; n];
            l.luma_rgb8(px, bpp, rgb, &mut got);
            assert_eq!(bits(&got), bits(&want), "{name} luma bpp {bpp} n {n}");
        }
        // Straight into lane layout: 16 rows, each its own allocation of
        // exactly its pixels, so a read past a row's end would show (under
        // Valgrind or a sanitizer) as a read past an allocation.
        for cols in [1usize, 2, 7, 8, 9, 10, 11, 12, 16, 17, 24, 33, 100, 301] {
            let rows: Vec<Vec<u8>> = (0..LANES)
                .map(|k| {
                    noise(cols * bpp, (k * 1000 + cols) as u64)
                        .iter()
                        .map(|x| (x * 255.0) as u8)
                        .collect()
                })
                .collect();
            let row_refs: [&[u8]; LANES] = std::array::from_fn(|k| rows[k].as_slice());
            let stride = cols.next_multiple_of(LANES);
            let mut lanes = vec![f32::NAN; LANES * stride];
            let mut scratch = vec![0.0; LANES * stride];
            l.luma_rgb8_lanes(&row_refs, bpp, rgb, cols, &mut lanes, &mut scratch);
            for (k, row) in rows.iter().enumerate() {
                let mut want = vec![0.0; cols];
                luma_rgb8_scalar(row, bpp, rgb, &mut want);
                let got: Vec<f32> = (0..cols).map(|c| lanes[c * LANES + k]).collect();
                assert_eq!(
                    bits(&got),
                    bits(&want),
                    "{name} luma into lanes, bpp {bpp} cols {cols} row {k}"
                );
            }
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

#[cfg(target_arch = "aarch64")]
#[test]
fn neon_kernels_equal_scalar() {
    check_backend(neon::Neon, "neon");
}

/// The portable backend as aarch64 builds it (`f32::mul_add` is one
/// instruction there, so the reciprocal divide is on). On x86-64 without
/// `fma` the same code runs with a software `mul_add`: slower, same bits.
#[derive(Clone, Copy)]
struct PortableFused;

impl Lanes for PortableFused {
    type Col = [f32; LANES];
    const FUSED_MULTIPLY_ADD: bool = true;

    fn splat(self, x: f32) -> Self::Col {
        Portable.splat(x)
    }
    fn load(self, s: &[f32]) -> Self::Col {
        Portable.load(s)
    }
    fn store(self, c: Self::Col, s: &mut [f32]) {
        Portable.store(c, s)
    }
    fn add(self, a: Self::Col, b: Self::Col) -> Self::Col {
        Portable.add(a, b)
    }
    fn sub(self, a: Self::Col, b: Self::Col) -> Self::Col {
        Portable.sub(a, b)
    }
    fn div(self, a: Self::Col, b: Self::Col) -> Self::Col {
        Portable.div(a, b)
    }
    fn mul(self, a: Self::Col, b: Self::Col) -> Self::Col {
        Portable.mul(a, b)
    }
    fn split_quotient(self, x: Self::Col, high: Self::Col, low: Self::Col) -> Self::Col {
        std::array::from_fn(|i| divide::split_quotient_scalar(x[i], high[i], low[i]))
    }
    fn transpose16(self, src: &[f32], ss: usize, dst: &mut [f32], ds: usize) {
        Portable.transpose16(src, ss, dst, ds)
    }
}

#[test]
fn portable_kernels_with_fused_divide_equal_scalar() {
    assert!(matches!(
        divide::Divisor::new(PortableFused, 3),
        divide::Divisor::Reciprocal(_)
    ));
    check_backend(PortableFused, "portable (fused divide)");
}
