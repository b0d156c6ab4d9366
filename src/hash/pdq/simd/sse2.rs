//! The SSE2 backend: 16 lanes as four `__m128`. SSE2 is part of x86-64, so
//! this runs on every x86-64 CPU without detection.

// The arithmetic intrinsics are safe to call where SSE2 is enabled from
// Rust 1.87 on; the `unsafe` blocks keep `rust-version` (1.85) building.
#![allow(unused_unsafe)]

use std::arch::x86_64::*;

use super::{luma_rgb8_scalar, Lanes, LANES};
use crate::hash::pdq::luma::{LUMA_FROM_B, LUMA_FROM_G, LUMA_FROM_R};

/// SSE2 is baseline on x86-64: constructing this needs no check.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Sse2;

type Col = [__m128; 4];

#[inline(always)]
fn lanewise(a: Col, b: Col, f: impl Fn(__m128, __m128) -> __m128) -> Col {
    [f(a[0], b[0]), f(a[1], b[1]), f(a[2], b[2]), f(a[3], b[3])]
}

impl Lanes for Sse2 {
    type Col = Col;

    #[inline(always)]
    fn splat(self, x: f32) -> Col {
        // SAFETY: SSE2 is enabled on every x86-64 target.
        [unsafe { _mm_set1_ps(x) }; 4]
    }

    #[inline(always)]
    fn load(self, s: &[f32]) -> Col {
        let s = &s[..LANES];
        // SAFETY: `s` holds 16 floats, so each 4-float load is in bounds.
        std::array::from_fn(|i| unsafe { _mm_loadu_ps(s.as_ptr().add(4 * i)) })
    }

    #[inline(always)]
    fn store(self, c: Col, s: &mut [f32]) {
        let s = &mut s[..LANES];
        for (i, v) in c.into_iter().enumerate() {
            // SAFETY: `s` holds 16 floats, so each 4-float store is in bounds.
            unsafe { _mm_storeu_ps(s.as_mut_ptr().add(4 * i), v) };
        }
    }

    #[inline(always)]
    fn add(self, a: Col, b: Col) -> Col {
        // SAFETY: SSE2 is enabled on every x86-64 target.
        lanewise(a, b, |x, y| unsafe { _mm_add_ps(x, y) })
    }

    #[inline(always)]
    fn sub(self, a: Col, b: Col) -> Col {
        // SAFETY: as above.
        lanewise(a, b, |x, y| unsafe { _mm_sub_ps(x, y) })
    }

    #[inline(always)]
    fn div(self, a: Col, b: Col) -> Col {
        // SAFETY: as above.
        lanewise(a, b, |x, y| unsafe { _mm_div_ps(x, y) })
    }

    #[inline(always)]
    fn mul(self, a: Col, b: Col) -> Col {
        // SAFETY: as above.
        lanewise(a, b, |x, y| unsafe { _mm_mul_ps(x, y) })
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
                    let r0 = _mm_loadu_ps(p);
                    let r1 = _mm_loadu_ps(p.add(src_stride));
                    let r2 = _mm_loadu_ps(p.add(2 * src_stride));
                    let r3 = _mm_loadu_ps(p.add(3 * src_stride));
                    let t0 = _mm_unpacklo_ps(r0, r1);
                    let t1 = _mm_unpacklo_ps(r2, r3);
                    let t2 = _mm_unpackhi_ps(r0, r1);
                    let t3 = _mm_unpackhi_ps(r2, r3);
                    let q = dst.as_mut_ptr().add(tj * dst_stride + ti);
                    _mm_storeu_ps(q, _mm_movelh_ps(t0, t1));
                    _mm_storeu_ps(q.add(dst_stride), _mm_movehl_ps(t1, t0));
                    _mm_storeu_ps(q.add(2 * dst_stride), _mm_movelh_ps(t2, t3));
                    _mm_storeu_ps(q.add(3 * dst_stride), _mm_movehl_ps(t3, t2));
                }
            }
        }
    }

    #[allow(clippy::unwrap_used)] // 4-long slices into [u8; 4]
    fn luma_rgb8(self, bytes: &[u8], bpp: usize, rgb: [usize; 3], out: &mut [f32]) {
        let n = out.len().min(bytes.len() / bpp);
        // Four pixels per step, each read as one little-endian u32 (its
        // fourth byte is the next pixel's or alpha, masked off below).
        let mut done = 0;
        while done + 4 <= n && (done + 3) * bpp + 4 <= bytes.len() {
            let word = |k: usize| {
                let at = (done + k) * bpp;
                i32::from_le_bytes(bytes[at..at + 4].try_into().unwrap())
            };
            // SAFETY: SSE2 is enabled on every x86-64 target; the store
            // writes out[done..done + 4], in bounds since done + 4 <= n.
            unsafe {
                let px = _mm_setr_epi32(word(0), word(1), word(2), word(3));
                let mask = _mm_set1_epi32(0xff);
                let channel = |at: usize| {
                    let shifted = _mm_srl_epi32(px, _mm_cvtsi32_si128(8 * at as i32));
                    _mm_cvtepi32_ps(_mm_and_si128(shifted, mask))
                };
                // (R*r + G*g) + B*b, each product rounded: no FMA.
                let luma = _mm_add_ps(
                    _mm_add_ps(
                        _mm_mul_ps(_mm_set1_ps(LUMA_FROM_R), channel(rgb[0])),
                        _mm_mul_ps(_mm_set1_ps(LUMA_FROM_G), channel(rgb[1])),
                    ),
                    _mm_mul_ps(_mm_set1_ps(LUMA_FROM_B), channel(rgb[2])),
                );
                _mm_storeu_ps(out[done..done + 4].as_mut_ptr(), luma);
            }
            done += 4;
        }
        luma_rgb8_scalar(&bytes[done * bpp..], bpp, rgb, &mut out[done..]);
    }
}
