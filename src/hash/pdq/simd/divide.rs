//! Dividing a box filter's running sums by its full window, faster than a
//! vector divide and with exactly the bits of `sum / window`.
//!
//! Every output of the first two box passes is divided once, so the divide
//! is the most expensive operation of the filter (a 256-bit `vdivps` takes
//! 5 cycles on Zen 3, and the divider is not pipelined). Two exact
//! replacements, chosen once per pass by [`Divisor::new`]:
//!
//! - [`PowerOfTwo`]: for a window of `2^k`, multiplying by `2^-k` is exact
//!   scaling, the same value the correctly rounded quotient has (no sum is
//!   near the subnormal range: they are sums of luma values, see below).
//! - [`Reciprocal`], on backends with fused multiply-add: the reciprocal
//!   of the window split in two floats, `h = round(1/w)` and
//!   `l = round((1 - w h) / w)`, and `q = fma(x, h, round(x * l))`: two
//!   operations, one of them fused (Brisebarre, Muller and Raina,
//!   "Accelerating correctly rounded floating-point division when the
//!   divisor is known in advance", IEEE TC 2004, show when this is the
//!   correctly rounded `x / w`). FMA is only used here, never to fuse the
//!   reference's own operations. Proven by exhaustion for every window in
//!   `1..=MAX_RECIPROCAL_WINDOW`: the steps are invariant under scaling `x`
//!   or `w` by a power of two, so checking every 24-bit significand of `x`
//!   against every odd `w` covers all normal `x`
//!   (`tests::reciprocal_division_is_exact_for_every_window`). The one
//!   input on which it can differ from `/` is `-0.0` (giving `+0.0` when
//!   `l` is negative); the box sums never are `-0.0`: they start at `+0.0`
//!   and `a - a` is `+0.0`. It replaced
//!   Markstein's three-operation correction (`q0 = x r`,
//!   `q = fma(fma(-q0, w, x), r, q0)`), also exact.
//!
//! Windows that are neither (or larger than the proven range) use the plain
//! divide. The growing and shrinking windows at the ends of each row or
//! column are few and always use the plain divide.

use super::Lanes;

/// The largest window [`Reciprocal`] is proven exact for. (The reference's
/// windows are `ceil(side / 128)`: 512 for a 65,535-pixel side.)
pub(crate) const MAX_RECIPROCAL_WINDOW: usize = 1023;

/// A way to compute `x / window` for one window, lane-wise, with the bits
/// of the plain divide.
pub(crate) trait Divide<L: Lanes>: Copy {
    fn quotient(self, l: L, x: L::Col) -> L::Col;
}

/// `x / w`, the plain divide.
#[derive(Clone, Copy)]
pub(crate) struct Plain<C>(pub(crate) C);

/// `x * 2^-k` for a window of `2^k`.
#[derive(Clone, Copy)]
pub(crate) struct PowerOfTwo<C>(C);

/// `fma(x, high, x * low)` with the window's reciprocal split in two, see
/// the module docs.
#[derive(Clone, Copy)]
pub(crate) struct Reciprocal<C> {
    high: C,
    low: C,
}

impl<L: Lanes> Divide<L> for Plain<L::Col> {
    #[inline(always)]
    fn quotient(self, l: L, x: L::Col) -> L::Col {
        l.div(x, self.0)
    }
}

impl<L: Lanes> Divide<L> for PowerOfTwo<L::Col> {
    #[inline(always)]
    fn quotient(self, l: L, x: L::Col) -> L::Col {
        l.mul(x, self.0)
    }
}

impl<L: Lanes> Divide<L> for Reciprocal<L::Col> {
    #[inline(always)]
    fn quotient(self, l: L, x: L::Col) -> L::Col {
        l.split_quotient(x, self.high, self.low)
    }
}

/// The fastest exact way to divide by one window on backend `L`.
pub(crate) enum Divisor<C> {
    Plain(Plain<C>),
    PowerOfTwo(PowerOfTwo<C>),
    Reciprocal(Reciprocal<C>),
}

impl<C: Copy> Divisor<C> {
    #[inline(always)]
    pub(crate) fn new<L: Lanes<Col = C>>(l: L, window: usize) -> Self {
        if window.is_power_of_two() {
            // 2^-k is exact for any window a usize can hold.
            Divisor::PowerOfTwo(PowerOfTwo(l.splat(1.0 / window as f32)))
        } else if L::FUSED_MULTIPLY_ADD && window <= MAX_RECIPROCAL_WINDOW {
            let (high, low) = split_reciprocal(window);
            Divisor::Reciprocal(Reciprocal {
                high: l.splat(high),
                low: l.splat(low),
            })
        } else {
            Divisor::Plain(Plain(l.splat(window as f32)))
        }
    }
}

/// Runs `$body` with `$d` bound to the [`Divide`] implementation
/// [`Divisor::new`] picks for `$window`, each arm compiled for its own type
/// (a closure would be compiled outside the backend's `target_feature`).
macro_rules! with_divisor {
    ($l:expr, $window:expr, |$d:ident| $body:expr) => {
        match $crate::hash::pdq::simd::divide::Divisor::new($l, $window) {
            $crate::hash::pdq::simd::divide::Divisor::Plain($d) => $body,
            $crate::hash::pdq::simd::divide::Divisor::PowerOfTwo($d) => $body,
            $crate::hash::pdq::simd::divide::Divisor::Reciprocal($d) => $body,
        }
    };
}
pub(crate) use with_divisor;

/// `1 / window` as two floats: `round(1/w)` and the rest,
/// `round((1 - w round(1/w)) / w)` (`w round(1/w)` is exact in `f64`).
pub(crate) fn split_reciprocal(window: usize) -> (f32, f32) {
    let high = 1.0 / window as f32;
    let low = (1.0 - window as f64 * high as f64) / window as f64;
    (high, low as f32)
}

/// [`Reciprocal`]'s quotient for one float, with `f32::mul_add` (a true
/// fused multiply-add on every target; in software where the CPU has none).
#[inline(always)]
pub(crate) fn split_quotient_scalar(x: f32, high: f32, low: f32) -> f32 {
    x.mul_add(high, x * low)
}

#[cfg(test)]
mod tests {
    use super::super::portable::Portable;
    use super::super::LANES;
    use super::*;

    /// Counts the `x` (every float with a significand in `first..` stepping
    /// by `step`, below 2^24, times `2^0`) where `l`'s split quotient
    /// by `window` differs from the divide in bits.
    #[inline(always)]
    fn mismatches<L: Lanes>(l: L, window: usize, first: u32, step: u32) -> u64 {
        let w = l.splat(window as f32);
        let (high, low) = split_reciprocal(window);
        let (high, low) = (l.splat(high), l.splat(low));
        let mut bad = 0;
        let mut x = [0.0f32; LANES];
        let mut q = [0.0f32; LANES];
        let mut d = [0.0f32; LANES];
        let mut m = first;
        while m < 1 << 24 {
            for v in x.iter_mut() {
                *v = m.min((1 << 24) - 1) as f32;
                m += step;
            }
            let xs = l.load(&x);
            l.store(l.split_quotient(xs, high, low), &mut q);
            l.store(l.div(xs, w), &mut d);
            bad += q
                .iter()
                .zip(&d)
                .filter(|(a, b)| a.to_bits() != b.to_bits())
                .count() as u64;
        }
        bad
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma")]
    unsafe fn mismatches_avx2(l: super::super::avx2::Avx2, window: usize, step: u32) -> u64 {
        mismatches(l, window, 1 << 23, step)
    }

    /// The proof behind [`Reciprocal`]: every odd window up to
    /// [`MAX_RECIPROCAL_WINDOW`] against every 24-bit significand (even
    /// windows and other exponents are the same computation scaled by a
    /// power of two). Run on AVX2 with FMA; elsewhere on a sample.
    ///
    /// The proof is about IEEE 754 binary32 arithmetic, not about x86: a
    /// multiply and a fused multiply-add, each rounded to nearest-even, on
    /// normal inputs. NEON's `FMUL` and `FMLA` (`vmulq_f32`, `vfmaq_f32`)
    /// are those same operations (aarch64 Linux, Android and iOS run with
    /// FPCR's default round-to-nearest; flush-to-zero cannot matter, no
    /// operand or result here is subnormal), so the same inputs give the
    /// same bits and the exhaustive run covers the NEON backend too. On
    /// aarch64 (where no x86 proof can run) the NEON instructions
    /// themselves are checked on a sample of every window, below and in
    /// `neon_reciprocal_division_is_exact`: a wrong operand order in
    /// `vfmaq_f32` (it computes `a + b * c`) would fail at once.
    #[test]
    fn reciprocal_division_is_exact_for_every_window() {
        #[cfg(target_arch = "x86_64")]
        if let Some(l) = super::super::avx2::Avx2::new() {
            for window in (1..=MAX_RECIPROCAL_WINDOW).step_by(2) {
                // SAFETY: `l` proves AVX2 and FMA.
                let bad = unsafe { mismatches_avx2(l, window, 1) };
                assert_eq!(bad, 0, "window {window}");
            }
            return;
        }
        #[cfg(target_arch = "aarch64")]
        for window in (1..=MAX_RECIPROCAL_WINDOW).step_by(2) {
            let l = super::super::neon::Neon;
            assert_eq!(mismatches(l, window, 1 << 23, 4099), 0, "window {window}");
        }
        for window in (1..=MAX_RECIPROCAL_WINDOW).step_by(2) {
            assert_eq!(
                mismatches(Portable, window, 1 << 23, 4099),
                0,
                "window {window}"
            );
        }
    }

    /// The portable backend's version (`f32::mul_add`, what ARM runs) on a
    /// sample of significands for every window, odd and even.
    #[test]
    fn portable_reciprocal_division_is_exact() {
        for window in 1..=MAX_RECIPROCAL_WINDOW {
            let first = (1 << 23) + window as u32;
            assert_eq!(
                mismatches(Portable, window, first, 65_537),
                0,
                "window {window}"
            );
        }
    }

    /// The NEON backend's version (`vfmaq_f32`) on a sample of
    /// significands for every window, odd and even.
    #[cfg(target_arch = "aarch64")]
    #[test]
    fn neon_reciprocal_division_is_exact() {
        let l = super::super::neon::Neon;
        assert!(matches!(Divisor::new(l, 3), Divisor::Reciprocal(_)));
        for window in 1..=MAX_RECIPROCAL_WINDOW {
            let first = (1 << 23) + window as u32;
            assert_eq!(mismatches(l, window, first, 65_537), 0, "window {window}");
        }
    }

    /// Powers of two multiply by the exact reciprocal.
    #[test]
    fn power_of_two_windows_multiply() {
        for k in 0..20 {
            let window = 1usize << k;
            let d = match Divisor::new(Portable, window) {
                Divisor::PowerOfTwo(d) => d,
                _ => panic!("window {window} is a power of two"),
            };
            for x in [0.0f32, 1.0, 3.0, 255.0 * 7.0, 1.0e-3, 12345.678] {
                let q = d.quotient(Portable, [x; LANES]);
                assert_eq!(q[0].to_bits(), (x / window as f32).to_bits());
            }
        }
        assert!(matches!(
            Divisor::new(Portable, 3),
            Divisor::Plain(_) | Divisor::Reciprocal(_)
        ));
        assert!(matches!(
            Divisor::new(Portable, 1024 + 1),
            Divisor::Plain(_)
        ));
    }
}
