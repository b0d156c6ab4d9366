//! The reference's image-domain quality metric over the 64x64 downsample.

/// Sum of quantized gradients, `/ 90`, capped at 100. Each difference is
/// `int(((u - v) * 100) / 255)` in binary32, truncated toward zero, and
/// its absolute value is added.
///
/// The terms are whole numbers of at most 101, so their sum is exact in any
/// order, even in binary32 (a column's sum stays below 2^24): they are
/// summed in 64 column sums side by side, which LLVM vectorizes, and the
/// truncation is done with float operations ([`step`]) because a float to
/// integer cast does not vectorize here. 13.6 -> about 3 us per hash.
#[inline(always)]
pub(crate) fn quality(buf: &[[f32; 64]; 64]) -> u8 {
    (gradient_sum(buf) / 90).min(100) as u8
}

#[inline(always)]
fn gradient_sum(buf: &[[f32; 64]; 64]) -> i32 {
    let mut sums = [0.0f32; 64];
    // Vertical differences first, then horizontal, as the reference sums
    // them.
    for (upper, lower) in buf.iter().zip(&buf[1..]) {
        for ((s, &u), &v) in sums.iter_mut().zip(upper).zip(lower) {
            *s += step(u, v);
        }
    }
    for row in buf {
        for ((s, &u), &v) in sums.iter_mut().zip(row).zip(&row[1..]) {
            *s += step(u, v);
        }
    }
    sums.iter().map(|&s| s as i32).sum()
}

/// `|int(((u - v) * 100) / 255)|` as a float. The quotient `q` is rounded
/// exactly as the reference's; then `floor(|q|)`, which is `|trunc(q)|`:
/// adding and subtracting 2^23 rounds `|q|` to the nearest whole number,
/// which is one too many when it rounded up. Exact for `|q| < 2^22`; here
/// `|q| <= 101`, since the values are averages of luma in `0..=255`.
#[inline(always)]
fn step(u: f32, v: f32) -> f32 {
    const TWO_TO_23: f32 = 8_388_608.0;
    let q = (((u - v) * 100.0) / 255.0).abs();
    let nearest = (q + TWO_TO_23) - TWO_TO_23;
    if nearest > q {
        nearest - 1.0
    } else {
        nearest
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference's loops: each term cast to an integer, summed in its
    /// order.
    #[allow(clippy::needless_range_loop)] // indexed as the reference is
    fn gradient_sum_in_reference_form(buf: &[[f32; 64]; 64]) -> i32 {
        let term = |u: f32, v: f32| ((((u - v) * 100.0) / 255.0) as i32).abs();
        let mut gradient_sum: i32 = 0;
        for i in 0..63 {
            for j in 0..64 {
                gradient_sum += term(buf[i][j], buf[i + 1][j]);
            }
        }
        for row in buf {
            for j in 0..63 {
                gradient_sum += term(row[j], row[j + 1]);
            }
        }
        gradient_sum
    }

    #[test]
    fn step_truncates_like_the_integer_cast() {
        // Every difference of whole luma values (51 * k gives quotients that
        // are whole numbers exactly), and fractional ones around them.
        for a in 0..=255u32 {
            for b in 0..=255u32 {
                for frac in [0.0f32, 0.25, 0.999_99, 1.0e-3] {
                    let (u, v) = (a as f32 + frac, b as f32);
                    let want = ((((u - v) * 100.0) / 255.0) as i32).abs();
                    assert_eq!(step(u, v), want as f32, "{u} {v}");
                }
            }
        }
    }

    #[test]
    fn equals_the_reference_form() {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 40) as f32 / (1u64 << 24) as f32
        };
        for scale in [0.0f32, 0.01, 1.0, 2.55, 30.0, 255.0] {
            let buf: [[f32; 64]; 64] =
                std::array::from_fn(|_| std::array::from_fn(|_| next() * scale));
            let want = gradient_sum_in_reference_form(&buf);
            assert_eq!(gradient_sum(&buf), want, "scale {scale}");
            assert_eq!(quality(&buf), (want / 90).min(100) as u8);
        }
        // Whole values 51 apart (exact quotients), and a 0/255 checkerboard.
        let stripes: [[f32; 64]; 64] =
            std::array::from_fn(|i| std::array::from_fn(|j| (51 * ((i + 2 * j) % 6)) as f32));
        assert_eq!(
            gradient_sum(&stripes),
            gradient_sum_in_reference_form(&stripes)
        );
        let checker: [[f32; 64]; 64] =
            std::array::from_fn(|i| std::array::from_fn(|j| 255.0 * ((i + j) % 2) as f32));
        assert_eq!(
            gradient_sum(&checker),
            gradient_sum_in_reference_form(&checker)
        );
    }
}
