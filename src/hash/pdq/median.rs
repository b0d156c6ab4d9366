//! Torben Mogensen's selection algorithm, as the reference uses it to find
//! the median of the 256 DCT values. Which element it returns when values tie
//! or nearly tie decides bits, so it is followed step for step.

pub(crate) fn torben_median(m: &[f32]) -> f32 {
    let n = m.len();
    let half = n.div_ceil(2);
    let mut min = m[0];
    let mut max = m[0];
    for &x in &m[1..] {
        if x < min {
            min = x;
        }
        if x > max {
            max = x;
        }
    }
    loop {
        let guess = (min + max) / 2.0;
        let (mut less, mut greater, mut equal) = (0usize, 0usize, 0usize);
        let mut max_lt_guess = min;
        let mut min_gt_guess = max;
        for &x in m {
            if x < guess {
                less += 1;
                if x > max_lt_guess {
                    max_lt_guess = x;
                }
            } else if x > guess {
                greater += 1;
                if x < min_gt_guess {
                    min_gt_guess = x;
                }
            } else {
                equal += 1;
            }
        }
        if less <= half && greater <= half {
            return if less >= half {
                max_lt_guess
            } else if less + equal >= half {
                guess
            } else {
                min_gt_guess
            };
        } else if less > greater {
            max = max_lt_guess;
        } else {
            min = min_gt_guess;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn returns_a_lower_median(v in proptest::collection::vec(-1e6f32..1e6, 1..300)) {
            let m = torben_median(&v);
            let mut s = v.clone();
            s.sort_by(f32::total_cmp);
            // Torben returns the element of rank (n+1)/2 (1-based).
            prop_assert_eq!(m, s[v.len().div_ceil(2) - 1]);
        }
    }
}
