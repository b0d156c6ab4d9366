//! The reference's box filter (`box1DFloat`), in the two shapes percept needs:
//! one whole row at a time, and a streaming vertical filter that runs many
//! independent columns side by side.
//!
//! A box output is a running float sum divided by the current window size.
//! Its bits depend on the exact order of adds and subtracts *within* one
//! row or column, and on nothing else, so columns can run in lanes side by
//! side (and rows could, after a transpose) without changing any result.
//!
//! With `full` the window and `half = (full + 2) / 2`, output `o` is complete
//! once input `min(o + half - 1, len - 1)` has been added:
//! - phase 1: inputs `0..half-1` are added, nothing is written;
//! - phase 2: each further input is added and an output written with the
//!   growing window, until the window is `full`;
//! - phase 3: add the new input, *then* subtract the one leaving, write;
//! - phase 4: subtract only, shrinking the window, for the last `half - 1`.

/// The reference's window size, `(old + 2 * new - 1) / (2 * new)`: half of a
/// decimation cell per pass (two passes make a tent over the whole cell).
pub(crate) fn window_size(old_dimension: usize, new_dimension: usize) -> usize {
    old_dimension.div_ceil(2 * new_dimension)
}

pub(crate) fn half_window(full: usize) -> usize {
    (full + 2) / 2
}

/// One row: `output[o]` for every `o`, exactly as `box1DFloat` with stride 1.
pub(crate) fn box_row(input: &[f32], output: &mut [f32], full: usize) {
    let len = input.len();
    debug_assert!(output.len() >= len && full >= 1 && full <= len);
    let half = half_window(full);
    let mut sum = 0.0f32;
    let mut window = 0usize;
    let mut ri = 0;
    let mut li = 0;
    let mut oi = 0;
    for _ in 0..half - 1 {
        sum += input[ri];
        window += 1;
        ri += 1;
    }
    for _ in 0..full - half + 1 {
        sum += input[ri];
        window += 1;
        output[oi] = sum / window as f32;
        ri += 1;
        oi += 1;
    }
    for _ in 0..len - full {
        sum += input[ri];
        sum -= input[li];
        output[oi] = sum / window as f32;
        ri += 1;
        li += 1;
        oi += 1;
    }
    for _ in 0..half - 1 {
        sum -= input[li];
        window -= 1;
        output[oi] = sum / window as f32;
        li += 1;
        oi += 1;
    }
}

/// The vertical box filter over `lanes` columns, fed one row at a time.
///
/// Keeps the last `full` input rows (the ones a later subtract needs) and one
/// running sum per column: O(lanes x window) memory instead of a full plane.
pub(crate) struct VerticalBox {
    lanes: usize,
    len: usize,
    full: usize,
    half: usize,
    ring: Vec<f32>,
    sum: Vec<f32>,
    out: Vec<f32>,
    pushed: usize,
    flushed: usize,
    /// With [`VerticalBox::sampled`]: the only output rows to compute.
    wanted: Option<SampleCursor>,
}

/// Which of 64 ascending sample positions (the decimation's rows or
/// columns; a position repeats when there are fewer than 64) equal
/// indices that arrive in ascending order.
#[derive(Clone, Copy)]
pub(crate) struct SampleCursor {
    at: [usize; 64],
    /// The first sample not yet passed.
    next: usize,
}

impl SampleCursor {
    pub(crate) fn new(at: [usize; 64]) -> Self {
        SampleCursor { at, next: 0 }
    }

    /// The first sample at `o`, if any (`o` never below an earlier one).
    pub(crate) fn find(&mut self, o: usize) -> Option<usize> {
        while self.next < 64 && self.at[self.next] < o {
            self.next += 1;
        }
        (self.next < 64 && self.at[self.next] == o).then_some(self.next)
    }
}

impl VerticalBox {
    /// A filter for columns of `len` rows with window `full` (1..=len).
    pub(crate) fn new(lanes: usize, len: usize, full: usize) -> Self {
        debug_assert!(full >= 1 && full <= len);
        VerticalBox {
            lanes,
            len,
            full,
            half: half_window(full),
            ring: vec![0.0; lanes * full],
            sum: vec![0.0; lanes],
            out: vec![0.0; lanes],
            pushed: 0,
            flushed: 0,
            wanted: None,
        }
    }

    /// A filter that divides and returns only the output rows in `wanted`
    /// (ascending): the last pass, which the decimation samples 64 rows of.
    pub(crate) fn sampled(lanes: usize, len: usize, full: usize, wanted: &[usize; 64]) -> Self {
        VerticalBox {
            wanted: Some(SampleCursor::new(*wanted)),
            ..VerticalBox::new(lanes, len, full)
        }
    }

    /// Whether output row `o` is to be computed (rows arrive in order).
    fn wants(&mut self, o: usize) -> bool {
        self.wanted
            .as_mut()
            .is_none_or(|wanted| wanted.find(o).is_some())
    }

    /// Feeds input row `pushed`; returns the output row that became complete,
    /// with its index, if any.
    pub(crate) fn push(&mut self, input: &[f32]) -> Option<(usize, &[f32])> {
        let ri = self.pushed;
        debug_assert!(ri < self.len);
        let input = &input[..self.lanes];
        let slot = &mut self.ring[(ri % self.full) * self.lanes..][..self.lanes];
        if ri < self.full {
            for (s, &x) in self.sum.iter_mut().zip(input) {
                *s += x;
            }
        } else {
            // Phase 3: add first, then subtract row ri - full (held in this slot).
            for ((s, &x), &old) in self.sum.iter_mut().zip(input).zip(slot.iter()) {
                *s += x;
                *s -= old;
            }
        }
        slot.copy_from_slice(input);
        self.pushed += 1;
        if ri + 1 < self.half || !self.wants(ri + 1 - self.half) {
            return None;
        }
        let window = (ri + 1).min(self.full) as f32;
        for (o, &s) in self.out.iter_mut().zip(&self.sum) {
            *o = s / window;
        }
        Some((ri + 1 - self.half, &self.out))
    }

    /// After all `len` rows are pushed: returns the remaining output rows
    /// (phase 4) one per call, then `None`.
    pub(crate) fn flush(&mut self) -> Option<(usize, &[f32])> {
        debug_assert_eq!(self.pushed, self.len);
        loop {
            let k = self.flushed;
            if k + 1 >= self.half {
                return None;
            }
            let li = self.len - self.full + k;
            let slot = &self.ring[(li % self.full) * self.lanes..][..self.lanes];
            for (s, &old) in self.sum.iter_mut().zip(slot) {
                *s -= old;
            }
            self.flushed += 1;
            let o = self.len + 1 - self.half + k;
            if self.wants(o) {
                let window = (self.full - 1 - k) as f32;
                for (out, &s) in self.out.iter_mut().zip(&self.sum) {
                    *out = s / window;
                }
                return Some((o, &self.out));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_sizes_match_reference_formula() {
        assert_eq!(window_size(1024, 64), 8);
        assert_eq!(window_size(1000, 64), 8);
        assert_eq!(window_size(7, 64), 1);
        assert_eq!(window_size(4032, 64), 32);
    }

    #[test]
    fn box_row_matches_worked_example() {
        // The reference's comment works 0..15 through windows 7 and 8.
        let input: Vec<f32> = (0..16).map(|x| x as f32).collect();
        let mut out = vec![0.0; 16];
        box_row(&input, &mut out, 7);
        let sums = [
            6, 10, 15, 21, 28, 35, 42, 49, 56, 63, 70, 77, 84, 75, 65, 54,
        ];
        let sizes = [4, 5, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 6, 5, 4];
        for i in 0..16 {
            assert_eq!(out[i], sums[i] as f32 / sizes[i] as f32, "index {i}");
        }
    }

    #[test]
    fn vertical_box_equals_box_row_per_column() {
        for &(len, full) in &[
            (1usize, 1usize),
            (5, 1),
            (7, 3),
            (16, 7),
            (16, 8),
            (40, 16),
            (9, 9),
        ] {
            let lanes = 3;
            let col = |c: usize| -> Vec<f32> {
                (0..len)
                    .map(|r| ((r * 37 + c * 11) % 23) as f32 * 0.37 + 1.1)
                    .collect()
            };
            let mut expected = vec![vec![0.0; len]; lanes];
            for (c, e) in expected.iter_mut().enumerate() {
                box_row(&col(c), e, full);
            }
            let mut vb = VerticalBox::new(lanes, len, full);
            let mut got = vec![vec![f32::NAN; len]; lanes];
            let mut next = 0;
            let mut take = |o: usize, row: &[f32], got: &mut Vec<Vec<f32>>| {
                assert_eq!(o, next);
                next += 1;
                for c in 0..lanes {
                    got[c][o] = row[c];
                }
            };
            for r in 0..len {
                let row: Vec<f32> = (0..lanes).map(|c| col(c)[r]).collect();
                if let Some((o, out)) = vb.push(&row) {
                    take(o, out, &mut got);
                }
            }
            while let Some((o, out)) = vb.flush() {
                take(o, out, &mut got);
            }
            for c in 0..lanes {
                let e: Vec<u32> = expected[c].iter().map(|x| x.to_bits()).collect();
                let g: Vec<u32> = got[c].iter().map(|x| x.to_bits()).collect();
                assert_eq!(e, g, "len {len} window {full} column {c}");
            }
        }
    }
}
