//! The fast PDQ filter: the reference's four box passes over bands of 32
//! rows, on a SIMD backend ([`super::simd`]), in bounded memory.
//!
//! For each band of 32 rows: luma in lane layout (one lane per row, two
//! sub-bands of 16; from 8-bit RGB the backend computes it straight into
//! that layout, float luma given by the caller is transposed where it lies,
//! other formats go through rows of luma) -> first horizontal pass, 32 rows side by side
//! -> back to rows, into a ring that holds the last `window + 32` rows. The
//! first vertical pass then runs the band's 32 steps (each adds one of
//! those rows) 64 columns side by side over the ring, while the rows are
//! fresh in cache, 16 output rows at a time, writing its output straight into lane layout for
//! the second horizontal pass (32 rows side by side), which divides only at
//! the 64 sampled columns. Those go, back in rows, into a second ring, over
//! which the second vertical pass runs (64 columns side by side), dividing
//! only at the 64 sampled rows. Every value sees the reference's operations
//! in the reference's order (lanes never mix), so every bit is the same.
//!
//! Extra memory is O(cols x window): about 2.1 MB for a 4032x3024 photo.

use std::cell::Cell;

use super::boxfilter::{half_window, window_size, SampleCursor};
use super::luma::LumaSource;
use super::simd::{Lanes, Step, BAND, LANES, SUBBANDS, VERTICAL_BLOCK};
use super::{decimation_indices, Downsample};

pub(crate) fn downsample<L: Lanes>(lanes: L, src: &LumaSource) -> Box<Downsample> {
    let (rows, cols) = (src.rows(), src.cols());
    let along_rows = window_size(cols, 64);
    let along_cols = window_size(rows, 64);
    let half = half_window(along_cols);
    let row_at = decimation_indices(rows);
    let col_at = decimation_indices(cols);

    // Padding columns and rows past the image only ever fill lanes whose
    // results are dropped.
    let stride = row_stride(cols);
    // The ring must hold every row from the oldest one the vertical pass
    // still subtracts to the newest one a band has produced: see
    // `VerticalSteps`.
    let ring_rows = (along_cols + BAND).next_multiple_of(BAND);
    let lines_per_row = stride / LANES;
    let mut scratch = SCRATCH.take();
    // The last pass's ring (rows of the 64 sampled columns) holds every row
    // from the oldest one a band's steps subtract to the band's last.
    let ring2_rows = (along_cols + BAND).next_multiple_of(BAND);
    let needed = (ring_rows + 2 * BAND + 1) * lines_per_row
        + VERTICAL_BLOCK / LANES
        + ring2_rows * (64 / LANES);
    if scratch.len() < needed {
        scratch = vec![Line([0.0; LANES]); needed];
    }
    let floats: &mut [f32] = bytemuck::cast_slice_mut(&mut scratch[..needed]);
    let (ring, rest) = floats.split_at_mut(ring_rows * stride);
    let (luma, rest) = rest.split_at_mut(BAND * stride);
    let (lane_in, rest) = rest.split_at_mut(BAND * stride);
    let (block, rest) = rest.split_at_mut(VERTICAL_BLOCK);
    let (ring2, sums) = rest.split_at_mut(ring2_rows * 64);
    let ring2: &mut [[f32; 64]] = bytemuck::cast_slice_mut(ring2);
    sums.fill(0.0);
    let mut sampled = [[[0.0f32; LANES]; 64]; SUBBANDS];
    let mut sums2 = [0.0f32; 64];
    let mut out = Box::new([[0.0f32; 64]; 64]);
    let mut steps = Vec::with_capacity(BAND + half);
    let mut first_steps = VerticalSteps::new(rows, along_cols, ring_rows, stride);
    // The last pass's input row o is at ring row o + half - 1 (the lane
    // of the first pass's step that completed it).
    let mut last_steps =
        VerticalSteps::new(rows, along_cols, ring2_rows, 64).starting_at_slot(half - 1);
    // The last pass writes an output row only where the decimation samples
    // it, as the index of the first sample that does.
    let mut samples = SampleCursor::new(row_at);
    let mut last_pass = |steps: &mut Vec<Step>, end: usize| {
        last_steps.until(end, steps);
        for step in steps.iter_mut() {
            step.out = step
                .out
                .and_then(|(o, window)| samples.find(o).map(|j| (j, window)));
        }
    };

    // Steps of the first vertical pass a band at a time: steps
    // `start..start + 32` add the band of input rows `start..` (just
    // through the first horizontal pass) and complete output rows
    // `start + 1 - half..`, in lane k = step - start; the steps past the
    // last row only subtract.
    for start in (0..rows + half - 1).step_by(BAND) {
        let end = (start + BAND).min(rows + half - 1);
        if start < rows {
            let n = BAND.min(rows - start);
            fill_lanes(lanes, src, start, n, luma, stride, lane_in);
            let subs = sub_bands(lane_in, stride);
            let slot = start % ring_rows;
            let band_rows = &mut ring[slot * stride..(slot + BAND) * stride];
            lanes.box_lanes_to_rows(subs, cols, along_rows, band_rows, stride);
        }

        // First vertical pass: each sub-band's output rows, in lane layout.
        // (Lanes of no output row keep stale values, never read out.)
        for (sub, sub_lanes) in lane_in.chunks_exact_mut(LANES * stride).enumerate() {
            let sub_start = start + sub * LANES;
            if sub_start >= end {
                break;
            }
            first_steps.until((sub_start + LANES).min(end), &mut steps);
            for step in &mut steps {
                step.out = step
                    .out
                    .map(|(o, window)| (o + half - 1 - sub_start, window));
            }
            lanes.vertical_band(ring, &steps, along_cols, sums, block, sub_lanes);
        }

        // Second horizontal pass at the sampled columns, into the last
        // ring (lane k at ring row start + k), then the second vertical
        // pass over those 64 columns for the rows completed so far.
        let subs = sub_bands(lane_in, stride);
        lanes.box_lanes_sampled(subs, cols, along_rows, &col_at, &mut sampled);
        let slot = start % ring2_rows;
        for (sub, columns) in sampled.iter().enumerate() {
            lanes.sampled_to_rows(columns, &mut ring2[slot + sub * LANES..]);
        }
        last_pass(&mut steps, (end + 1).saturating_sub(half).min(rows));
        lanes.vertical_sampled(ring2, &steps, along_cols, &mut sums2, &mut out);
    }
    last_pass(&mut steps, rows + half - 1);
    lanes.vertical_sampled(ring2, &steps, along_cols, &mut sums2, &mut out);
    // With fewer than 64 rows, several output rows sample the same row.
    for j in 1..64 {
        if row_at[j] == row_at[j - 1] {
            out[j] = out[j - 1];
        }
    }
    SCRATCH.set(scratch);
    out
}

/// Luma rows `first..first + n` (n <= 32) into lane layout in `lane_in`:
/// 8-bit RGB through [`Lanes::luma_rgb8_lanes`], caller-given float luma
/// transposed in place, anything else through rows of luma in `luma`.
/// Lanes of rows past `n` get values of no meaning.
pub(crate) fn fill_lanes<L: Lanes>(
    lanes: L,
    src: &LumaSource,
    first: usize,
    n: usize,
    luma: &mut [f32],
    stride: usize,
    lane_in: &mut [f32],
) {
    let in_place = src.float_rows(first, BAND).filter(|&(_, w)| w % LANES == 0);
    if let Some((rows_in, w)) = in_place {
        for (k, sub) in lane_in.chunks_exact_mut(LANES * stride).enumerate() {
            lanes.rows_to_lanes(&rows_in[k * LANES * w..], w, sub);
        }
        return;
    }
    if let Some(px) = src.rgb8() {
        for (k, sub) in lane_in.chunks_exact_mut(LANES * stride).enumerate() {
            // Rows past the image repeat the last one.
            let rows: [&[u8]; LANES] =
                std::array::from_fn(|i| px.row(first + (k * LANES + i).min(n - 1)));
            lanes.luma_rgb8_lanes(&rows, px.bpp, px.rgb, src.cols(), sub, luma);
        }
        return;
    }
    for k in 0..n {
        src.fill_row(first + k, &mut luma[k * stride..]);
    }
    for (k, sub) in lane_in.chunks_exact_mut(LANES * stride).enumerate() {
        lanes.rows_to_lanes(&luma[k * LANES * stride..], stride, sub);
    }
}

/// The sub-bands of a band in lane layout, `16 * stride` floats each.
pub(crate) fn sub_bands(lanes: &[f32], stride: usize) -> [&[f32]; SUBBANDS] {
    std::array::from_fn(|k| &lanes[k * LANES * stride..][..LANES * stride])
}

/// Floats from one row to the next in the row buffers: `cols` rounded up to
/// a whole number of 64-byte lines, and to an odd number of them. The
/// transposes touch 16 rows at once; with an even number of lines (a
/// power-of-two width especially) those rows fall into a few L1 cache sets
/// and evict each other: at 512x512 this padding makes the first
/// horizontal pass about 1.5x faster.
pub(crate) fn row_stride(cols: usize) -> usize {
    let lines = cols.div_ceil(LANES);
    (lines | 1) * LANES
}

/// 16 floats on a 64-byte boundary, the unit of the buffers below: every
/// 16-lane load and store then touches one cache line, not two.
#[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
#[repr(C, align(64))]
struct Line([f32; LANES]);

thread_local! {
    /// The filter's buffers (ring, luma band, lane band, a block for the
    /// vertical pass's transpose, the last pass's ring and the running
    /// sums: about 2.1 MB for a 4032-pixel-wide image), kept per thread between hashes so a
    /// batch does not allocate and zero them for every image. Old values
    /// never reach a result: the running sums are zeroed, every other
    /// position is written before it is read, except padding rows and
    /// columns, which only feed lanes whose results are dropped.
    static SCRATCH: Cell<Vec<Line>> = const { Cell::new(Vec::new()) };
}

/// The steps of `box1DFloat` down a column of `rows` values with window
/// `full`, one after another, as [`Step`]s over a ring (row r at slot
/// r % ring_rows, `stride` floats per row).
///
/// Steps below `rows` add row i, and from `full` on subtract row i - full
/// after it; the `half - 1` steps after the last row subtract only. Step i
/// writes output row i + 1 - half (from step half - 1 on), divided by the
/// number of rows in the window.
///
/// Ring size for the first vertical pass: steps `s..s + 32` run right
/// after input rows `s..s + 32` are produced, and the oldest row they
/// subtract is s - full, so `full + 32` rows suffice. The same holds for
/// the last pass, whose ring rows are those of the steps that completed
/// them ([`VerticalSteps::starting_at_slot`]).
struct VerticalSteps {
    rows: usize,
    full: usize,
    half: usize,
    ring_rows: usize,
    stride: usize,
    /// The next step, and the ring slots of rows i and i - full (counters
    /// that wrap, instead of a `%`, an integer divide, per step).
    i: usize,
    add_slot: usize,
    sub_slot: usize,
}

impl VerticalSteps {
    fn new(rows: usize, full: usize, ring_rows: usize, stride: usize) -> Self {
        debug_assert!(full <= rows && full < ring_rows);
        VerticalSteps {
            rows,
            full,
            half: half_window(full),
            ring_rows,
            stride,
            i: 0,
            add_slot: 0,
            sub_slot: ring_rows - full,
        }
    }

    /// The same steps with row r at ring slot (r + first) % ring_rows.
    fn starting_at_slot(self, first: usize) -> Self {
        debug_assert!(first < self.ring_rows);
        let ring_rows = self.ring_rows;
        VerticalSteps {
            add_slot: first,
            sub_slot: (first + ring_rows - self.full) % ring_rows,
            ..self
        }
    }

    /// The steps from the next one to `end` (exclusive) into `steps`,
    /// with their output rows' numbers.
    fn until(&mut self, end: usize, steps: &mut Vec<Step>) {
        let (rows, full, half, stride, ring_rows) =
            (self.rows, self.full, self.half, self.stride, self.ring_rows);
        let (mut add_slot, mut sub_slot) = (self.add_slot, self.sub_slot);
        steps.clear();
        steps.reserve(end.saturating_sub(self.i));
        for i in self.i..end {
            let window = if i < rows {
                (i + 1).min(full)
            } else {
                full - 1 - (i - rows)
            };
            steps.push(Step {
                add: (i < rows).then_some(add_slot * stride),
                sub: (i >= full).then_some(sub_slot * stride),
                out: (i + 1 >= half).then(|| (i + 1 - half, window)),
            });
            add_slot = if add_slot + 1 == ring_rows {
                0
            } else {
                add_slot + 1
            };
            sub_slot = if sub_slot + 1 == ring_rows {
                0
            } else {
                sub_slot + 1
            };
        }
        self.i = self.i.max(end);
        (self.add_slot, self.sub_slot) = (add_slot, sub_slot);
    }
}
