//! The NEON backend (aarch64, what phones run): 16 lanes as four
//! `float32x4_t`. Advanced SIMD is part of the aarch64 baseline, so every
//! aarch64 CPU runs it and the generic kernels compile to NEON as they are:
//! no `target_feature` trampolines, no detection.
//!
//! What the generic code could not get from LLVM is written here: loads
//! and stores of whole vectors without per-float bounds checks, 4x4
//! register transposes for every move between row and lane layout, luma
//! of 8-bit RGB from de-interleaving loads (`vld3q_u8`/`vld4q_u8`) straight
//! into lane layout, and the exact divide with `vfmaq_f32`. As on x86, the
//! reference's multiplies and adds stay separate instructions; the fused
//! multiply-add appears only in [`Lanes::split_quotient`].

// Where NEON is enabled (always, on aarch64) the arithmetic intrinsics are
// safe to call from Rust 1.87 on; the `unsafe` blocks keep `rust-version`
// (1.85) building.
#![allow(unused_unsafe)]

use std::arch::aarch64::*;

use super::{luma_rgb8_lanes_via_rows, luma_rgb8_scalar, Lanes, LANES};
use crate::hash::pdq::luma::{LUMA_FROM_B, LUMA_FROM_G, LUMA_FROM_R};

/// NEON is baseline on aarch64: constructing this needs no check.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Neon;

type Col = [float32x4_t; 4];

/// A 4x4 transpose: lane `i` of output `j` is lane `j` of input `i`.
#[inline(always)]
fn transpose4(r: [float32x4_t; 4]) -> [float32x4_t; 4] {
    // SAFETY: NEON is baseline on aarch64; register operations only.
    unsafe {
        // Pairs of rows interleaved at 32 bits, then at 64 bits.
        let t0 = vtrn1q_f32(r[0], r[1]);
        let t1 = vtrn2q_f32(r[0], r[1]);
        let t2 = vtrn1q_f32(r[2], r[3]);
        let t3 = vtrn2q_f32(r[2], r[3]);
        let low = |a: float32x4_t, b: float32x4_t| {
            vreinterpretq_f32_f64(vtrn1q_f64(
                vreinterpretq_f64_f32(a),
                vreinterpretq_f64_f32(b),
            ))
        };
        let high = |a: float32x4_t, b: float32x4_t| {
            vreinterpretq_f32_f64(vtrn2q_f64(
                vreinterpretq_f64_f32(a),
                vreinterpretq_f64_f32(b),
            ))
        };
        [low(t0, t2), low(t1, t3), high(t0, t2), high(t1, t3)]
    }
}

/// The 16 values of one colour channel as four vectors of floats.
#[inline(always)]
fn to_floats(v: uint8x16_t) -> [float32x4_t; 4] {
    // SAFETY: NEON is baseline on aarch64; register operations only.
    unsafe {
        let low = vmovl_u8(vget_low_u8(v));
        let high = vmovl_high_u8(v);
        [
            vcvtq_f32_u32(vmovl_u16(vget_low_u16(low))),
            vcvtq_f32_u32(vmovl_high_u16(low)),
            vcvtq_f32_u32(vmovl_u16(vget_low_u16(high))),
            vcvtq_f32_u32(vmovl_high_u16(high)),
        ]
    }
}

/// `(R*r + G*g) + B*b` for 4 pixels, each product rounded before the adds.
#[inline(always)]
fn luma4(r: float32x4_t, g: float32x4_t, b: float32x4_t) -> float32x4_t {
    // SAFETY: NEON is baseline on aarch64; register operations only.
    unsafe {
        vaddq_f32(
            vaddq_f32(
                vmulq_f32(vdupq_n_f32(LUMA_FROM_R), r),
                vmulq_f32(vdupq_n_f32(LUMA_FROM_G), g),
            ),
            vmulq_f32(vdupq_n_f32(LUMA_FROM_B), b),
        )
    }
}

/// Luma of the 16 pixels of `BPP` (3 or 4) bytes at `px`, channels at
/// byte offsets `R`, `G`, `B` (each below `BPP`), as four vectors of 4
/// pixels.
///
/// # Safety
/// `16 BPP` bytes readable at `px`.
#[inline(always)]
unsafe fn luma16<const BPP: usize, const R: usize, const G: usize, const B: usize>(
    px: *const u8,
) -> [float32x4_t; 4] {
    // SAFETY: the caller's `16 BPP` bytes are what the de-interleaving
    // load reads; the rest are register operations.
    unsafe {
        let channels: [uint8x16_t; 4] = if BPP == 3 {
            let v = vld3q_u8(px);
            [v.0, v.1, v.2, v.2]
        } else {
            let v = vld4q_u8(px);
            [v.0, v.1, v.2, v.3]
        };
        let (r, g, b) = (
            to_floats(channels[R]),
            to_floats(channels[G]),
            to_floats(channels[B]),
        );
        [
            luma4(r[0], g[0], b[0]),
            luma4(r[1], g[1], b[1]),
            luma4(r[2], g[2], b[2]),
            luma4(r[3], g[3], b[3]),
        ]
    }
}

/// Luma of 4 rows x 16 pixels (`px[i]`: row `k0 + i`) into lane layout:
/// each row's luma in 4 vectors of 4 pixels, then each quad of columns
/// transposed so that column `c0 + c`'s 4 values (rows k0..k0 + 4) are one
/// vector, stored at `lanes[16 (c0 + c) + k0]`. Only the first `quads`
/// quads of columns are stored.
///
/// # Safety
/// `16 BPP` bytes readable at each `px[i]`; floats `16 c + k0..16 c + k0 +
/// 4` writable at `lanes` for `c < 4 quads`.
#[inline(always)]
unsafe fn luma_block<const BPP: usize, const R: usize, const G: usize, const B: usize>(
    px: [*const u8; 4],
    quads: usize,
    lanes: *mut f32,
) {
    // SAFETY: as the caller guarantees.
    unsafe {
        let luma = [
            luma16::<BPP, R, G, B>(px[0]),
            luma16::<BPP, R, G, B>(px[1]),
            luma16::<BPP, R, G, B>(px[2]),
            luma16::<BPP, R, G, B>(px[3]),
        ];
        let [a, b, c, d] = luma;
        for (q, quad) in a.into_iter().zip(b).zip(c).zip(d).take(quads).enumerate() {
            let (((a, b), c), d) = quad;
            let columns = transpose4([a, b, c, d]);
            let out = lanes.add(4 * q * LANES);
            vst1q_f32(out, columns[0]);
            vst1q_f32(out.add(LANES), columns[1]);
            vst1q_f32(out.add(2 * LANES), columns[2]);
            vst1q_f32(out.add(3 * LANES), columns[3]);
        }
    }
}

/// [`Lanes::luma_rgb8_lanes`] for pixels of `BPP` bytes, channels at `R`,
/// `G`, `B`.
#[inline(always)]
fn luma_lanes<const BPP: usize, const R: usize, const G: usize, const B: usize>(
    rows: &[&[u8]; LANES],
    cols: usize,
    lanes: &mut [f32],
) {
    // Columns are written in quads of 4 (`lanes` holds at least `cols`
    // rounded up to 8).
    let lanes = &mut lanes[..cols.next_multiple_of(4) * LANES];
    let row_len = cols * BPP;
    assert!(rows.iter().all(|r| r.len() >= row_len));
    let whole = cols - cols % 16;
    for k0 in (0..LANES).step_by(4) {
        let at: [*const u8; 4] = std::array::from_fn(|i| rows[k0 + i].as_ptr());
        for c0 in (0..whole).step_by(16) {
            // SAFETY: pixels c0..c0 + 16 lie in each row (c0 + 16 <=
            // cols, every row holds `cols` pixels, checked above); the
            // columns written end at c0 + 16 <= cols, within `lanes`.
            unsafe {
                let px = at.map(|p| p.add(c0 * BPP));
                luma_block::<BPP, R, G, B>(px, 4, lanes.as_mut_ptr().add(c0 * LANES + k0));
            }
        }
        if whole < cols {
            // The last pixels through zero-padded copies.
            let n = cols - whole;
            let mut padded = [[0u8; 64]; 4];
            for (pad, row) in padded.iter_mut().zip(&rows[k0..]) {
                pad[..n * BPP].copy_from_slice(&row[whole * BPP..row_len]);
            }
            // SAFETY: 64 >= 16 BPP bytes readable in each padded row; the
            // columns written end at whole + 4 ceil(n / 4), within `cols`
            // rounded up to 4, the length of `lanes` checked above.
            unsafe {
                let px = std::array::from_fn(|i| padded[i].as_ptr());
                let out = lanes.as_mut_ptr().add(whole * LANES + k0);
                luma_block::<BPP, R, G, B>(px, n.div_ceil(4), out);
            }
        }
    }
}

/// [`Lanes::luma_rgb8`] for pixels of `BPP` bytes, channels at `R`, `G`,
/// `B`.
#[inline(always)]
fn luma_row<const BPP: usize, const R: usize, const G: usize, const B: usize>(
    bytes: &[u8],
    out: &mut [f32],
) {
    let n = out.len().min(bytes.len() / BPP);
    let whole = n - n % 16;
    for (px, out) in bytes[..whole * BPP]
        .chunks_exact(16 * BPP)
        .zip(out[..whole].chunks_exact_mut(16))
    {
        // SAFETY: `px` holds 16 BPP bytes, `out` 16 floats.
        unsafe {
            let luma = luma16::<BPP, R, G, B>(px.as_ptr());
            for (q, v) in luma.into_iter().enumerate() {
                vst1q_f32(out.as_mut_ptr().add(4 * q), v);
            }
        }
    }
    luma_rgb8_scalar(&bytes[whole * BPP..], BPP, [R, G, B], &mut out[whole..n]);
}

/// Calls `$f::<BPP, R, G, B>($args)` for the pixel layouts the NEON luma
/// handles (RGB, BGR, RGBA, BGRA, ARGB, ABGR), or evaluates `$other`.
macro_rules! by_layout {
    ($bpp:expr, $rgb:expr, $f:ident($($args:expr),*), $other:expr) => {
        match ($bpp, $rgb) {
            (3, [0, 1, 2]) => $f::<3, 0, 1, 2>($($args),*),
            (3, [2, 1, 0]) => $f::<3, 2, 1, 0>($($args),*),
            (4, [0, 1, 2]) => $f::<4, 0, 1, 2>($($args),*),
            (4, [2, 1, 0]) => $f::<4, 2, 1, 0>($($args),*),
            (4, [1, 2, 3]) => $f::<4, 1, 2, 3>($($args),*),
            (4, [3, 2, 1]) => $f::<4, 3, 2, 1>($($args),*),
            _ => $other,
        }
    };
}

impl Lanes for Neon {
    type Col = Col;

    #[inline(always)]
    fn splat(self, x: f32) -> Col {
        // SAFETY: NEON is baseline on aarch64.
        [unsafe { vdupq_n_f32(x) }; 4]
    }

    #[inline(always)]
    fn load(self, s: &[f32]) -> Col {
        let s = &s[..LANES];
        // SAFETY: `s` holds 16 floats, so each 4-float load is in bounds.
        std::array::from_fn(|i| unsafe { vld1q_f32(s.as_ptr().add(4 * i)) })
    }

    #[inline(always)]
    fn store(self, c: Col, s: &mut [f32]) {
        let s = &mut s[..LANES];
        for (i, v) in c.into_iter().enumerate() {
            // SAFETY: `s` holds 16 floats, so each 4-float store is in bounds.
            unsafe { vst1q_f32(s.as_mut_ptr().add(4 * i), v) };
        }
    }

    #[inline(always)]
    fn add(self, a: Col, b: Col) -> Col {
        // SAFETY: NEON is baseline on aarch64.
        std::array::from_fn(|i| unsafe { vaddq_f32(a[i], b[i]) })
    }

    #[inline(always)]
    fn sub(self, a: Col, b: Col) -> Col {
        // SAFETY: as above.
        std::array::from_fn(|i| unsafe { vsubq_f32(a[i], b[i]) })
    }

    #[inline(always)]
    fn div(self, a: Col, b: Col) -> Col {
        // SAFETY: as above.
        std::array::from_fn(|i| unsafe { vdivq_f32(a[i], b[i]) })
    }

    #[inline(always)]
    fn mul(self, a: Col, b: Col) -> Col {
        // SAFETY: as above.
        std::array::from_fn(|i| unsafe { vmulq_f32(a[i], b[i]) })
    }

    const FUSED_MULTIPLY_ADD: bool = true;

    #[inline(always)]
    fn split_quotient(self, x: Col, high: Col, low: Col) -> Col {
        // `vfmaq_f32(c, a, b)` is `c + a * b` with one rounding (FMLA).
        // SAFETY: as above.
        std::array::from_fn(|i| unsafe { vfmaq_f32(vmulq_f32(x[i], low[i]), x[i], high[i]) })
    }

    #[inline(always)]
    fn transpose16(self, src: &[f32], src_stride: usize, dst: &mut [f32], dst_stride: usize) {
        let src = &src[..15 * src_stride + LANES];
        let dst = &mut dst[..15 * dst_stride + LANES];
        for ti in (0..LANES).step_by(4) {
            for tj in (0..LANES).step_by(4) {
                // SAFETY: rows ti..ti+4, floats tj..tj+4 of `src` and rows
                // tj..tj+4, floats ti..ti+4 of `dst` lie inside the slices
                // bounded above (i, j < 16).
                unsafe {
                    let p = src.as_ptr().add(ti * src_stride + tj);
                    let r = std::array::from_fn(|i| vld1q_f32(p.add(i * src_stride)));
                    let q = dst.as_mut_ptr().add(tj * dst_stride + ti);
                    for (j, v) in transpose4(r).into_iter().enumerate() {
                        vst1q_f32(q.add(j * dst_stride), v);
                    }
                }
            }
        }
    }

    fn luma_rgb8(self, bytes: &[u8], bpp: usize, rgb: [usize; 3], out: &mut [f32]) {
        by_layout!(
            bpp,
            rgb,
            luma_row(bytes, out),
            luma_rgb8_scalar(bytes, bpp, rgb, out)
        )
    }

    fn luma_rgb8_lanes(
        self,
        rows: &[&[u8]; LANES],
        bpp: usize,
        rgb: [usize; 3],
        cols: usize,
        lanes: &mut [f32],
        scratch: &mut [f32],
    ) {
        by_layout!(
            bpp,
            rgb,
            luma_lanes(rows, cols, lanes),
            luma_rgb8_lanes_via_rows(self, rows, bpp, rgb, cols, lanes, scratch)
        )
    }
}
