//! The portable backend: 16 lanes as a plain `[f32; 16]`, every operation
//! a fixed-length loop that LLVM turns into vector instructions for the
//! target (NEON on ARM phones, SSE2 on baseline x86-64). No intrinsics, no
//! `unsafe`.

use super::divide::split_quotient_scalar;
use super::{Lanes, LANES};

/// Always available.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Portable;

type Col = [f32; LANES];

#[inline(always)]
fn lanewise(a: Col, b: Col, f: impl Fn(f32, f32) -> f32) -> Col {
    std::array::from_fn(|i| f(a[i], b[i]))
}

impl Lanes for Portable {
    type Col = Col;

    #[inline(always)]
    fn splat(self, x: f32) -> Col {
        [x; LANES]
    }

    #[inline(always)]
    #[allow(clippy::unwrap_used)] // a LANES-long slice into [f32; LANES]
    fn load(self, s: &[f32]) -> Col {
        s[..LANES].try_into().unwrap()
    }

    #[inline(always)]
    fn store(self, c: Col, s: &mut [f32]) {
        s[..LANES].copy_from_slice(&c);
    }

    #[inline(always)]
    fn add(self, a: Col, b: Col) -> Col {
        lanewise(a, b, |x, y| x + y)
    }

    #[inline(always)]
    fn sub(self, a: Col, b: Col) -> Col {
        lanewise(a, b, |x, y| x - y)
    }

    #[inline(always)]
    fn div(self, a: Col, b: Col) -> Col {
        lanewise(a, b, |x, y| x / y)
    }

    #[inline(always)]
    fn mul(self, a: Col, b: Col) -> Col {
        lanewise(a, b, |x, y| x * y)
    }

    /// On targets where `f32::mul_add` is one instruction (every aarch64
    /// CPU; x86-64 built with `fma`); elsewhere it would be a slow software
    /// routine, so those divide.
    const FUSED_MULTIPLY_ADD: bool = cfg!(any(target_arch = "aarch64", target_feature = "fma"));

    #[inline(always)]
    fn split_quotient(self, x: Col, high: Col, low: Col) -> Col {
        std::array::from_fn(|i| split_quotient_scalar(x[i], high[i], low[i]))
    }

    #[inline(always)]
    #[allow(clippy::unwrap_used)] // 4-long slices into [f32; 4]
    fn transpose16(self, src: &[f32], src_stride: usize, dst: &mut [f32], dst_stride: usize) {
        // In 4x4 tiles: four rows in, four columns out, each written as one
        // array so LLVM can build it with shuffles.
        let src = &src[..15 * src_stride + LANES];
        let dst = &mut dst[..15 * dst_stride + LANES];
        for ti in (0..LANES).step_by(4) {
            for tj in (0..LANES).step_by(4) {
                let row = |i: usize| -> [f32; 4] {
                    src[(ti + i) * src_stride + tj..][..4].try_into().unwrap()
                };
                let (r0, r1, r2, r3) = (row(0), row(1), row(2), row(3));
                for j in 0..4 {
                    let column = [r0[j], r1[j], r2[j], r3[j]];
                    dst[(tj + j) * dst_stride + ti..][..4].copy_from_slice(&column);
                }
            }
        }
    }
}
