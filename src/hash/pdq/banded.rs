//! The fast PDQ filter: the reference's four box passes over bands of 32
//! rows, on a SIMD backend ([`super::simd`]), in bounded memory.
//!
//! For each band of 32 rows: luma rows -> transposed into lane layout (one
//! lane per row, two sub-bands of 16) -> first horizontal pass, 32 rows
//! side by side -> back to rows, into a ring that holds the last
//! `window + 64` rows. The first vertical pass then runs 16 columns side by
//! side over the ring, 16 output rows at a time, writing its output straight
//! into lane layout for the second horizontal pass (32 rows side by side),
//! which divides only at the 64 sampled columns.
//! The second vertical pass runs over those 64 columns as in the scalar
//! pipeline. Every value sees the reference's operations in the
//! reference's order (lanes never mix), so every bit is the same.
//!
//! Extra memory is O(cols x window): about 1.8 MB for a 4032x3024 photo.

use std::cell::Cell;

use super::boxfilter::{half_window, window_size, VerticalBox};
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
    // still subtracts to the newest one a band has produced: see `steps`.
    let ring_rows = (along_cols + 2 * BAND).next_multiple_of(BAND);
    let lines_per_row = stride / LANES;
    let mut scratch = SCRATCH.take();
    let needed = (ring_rows + 2 * BAND + 1) * lines_per_row + VERTICAL_BLOCK / LANES;
    if scratch.len() < needed {
        scratch = vec![Line([0.0; LANES]); needed];
    }
    let floats: &mut [f32] = bytemuck::cast_slice_mut(&mut scratch[..needed]);
    let (ring, rest) = floats.split_at_mut(ring_rows * stride);
    let (luma, rest) = rest.split_at_mut(BAND * stride);
    let (lane_in, rest) = rest.split_at_mut(BAND * stride);
    let (block, sums) = rest.split_at_mut(VERTICAL_BLOCK);
    sums.fill(0.0);
    let mut sampled = [[[0.0f32; LANES]; 64]; SUBBANDS];
    let mut v2 = VerticalBox::sampled(64, rows, along_cols, &row_at);
    let mut out = Box::new([[0.0f32; 64]; 64]);
    let mut next_out = 0;
    let mut steps = Vec::with_capacity(LANES + half);

    let mut produced = 0;
    let mut next_step = 0;
    for band_start in (0..rows).step_by(BAND) {
        let band_end = (band_start + BAND).min(rows);
        // Vertical step i adds input row i (if any) and completes output
        // row i + 1 - half; this band's outputs need steps up to here.
        let step_end = band_end + half - 1;

        // First horizontal pass for every input row those steps read, a
        // band at a time.
        while produced < step_end.min(rows) {
            let n = BAND.min(rows - produced);
            for k in 0..n {
                src.fill_row_with(lanes, produced + k, &mut luma[k * stride..]);
            }
            let (lane_a, lane_b) = lane_in.split_at_mut(LANES * stride);
            lanes.rows_to_lanes(luma, stride, lane_a);
            lanes.rows_to_lanes(&luma[LANES * stride..], stride, lane_b);
            let slot = produced % ring_rows;
            let band_rows = &mut ring[slot * stride..(slot + BAND) * stride];
            lanes.box_lanes_to_rows([lane_a, lane_b], cols, along_rows, band_rows, stride);
            produced += n;
        }

        // First vertical pass: each sub-band's output rows, in lane layout.
        // (A sub-band past the last row keeps stale lanes, never read out.)
        for (sub, sub_lanes) in lane_in.chunks_exact_mut(LANES * stride).enumerate() {
            let sub_start = band_start + sub * LANES;
            if sub_start >= band_end {
                break;
            }
            let sub_end = (sub_start + LANES).min(band_end);
            let sub_step_end = sub_end + half - 1;
            steps.clear();
            steps.extend(
                (next_step..sub_step_end).map(|i| {
                    vertical_step(i, rows, along_cols, half, sub_start, ring_rows, stride)
                }),
            );
            next_step = sub_step_end;
            lanes.vertical_band(ring, &steps, along_cols, sums, block, sub_lanes);
        }

        // Second horizontal pass at the sampled columns, then the second
        // vertical pass over those 64 columns.
        let (lane_a, lane_b) = lane_in.split_at(LANES * stride);
        lanes.box_lanes_sampled([lane_a, lane_b], cols, along_rows, &col_at, &mut sampled);
        let mut band_rows = [[0.0f32; 64]; BAND];
        for (sub, columns) in sampled.iter().enumerate() {
            lanes.sampled_to_rows(columns, &mut band_rows[sub * LANES..]);
        }
        for row in &band_rows[..band_end - band_start] {
            if let Some((o, done)) = v2.push(row) {
                store_sampled(o, done, &row_at, &mut next_out, &mut out);
            }
        }
    }
    while let Some((o, done)) = v2.flush() {
        store_sampled(o, done, &row_at, &mut next_out, &mut out);
    }
    SCRATCH.set(scratch);
    out
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
    /// The filter's buffers (ring, luma band, lane band, sums and a block
    /// for the vertical pass's transpose: about 1.6 MB
    /// for a 4032-pixel-wide image), kept per thread between hashes so a
    /// batch does not allocate and zero them for every image. Old values
    /// never reach a result: the running sums are zeroed, every other
    /// position is written before it is read, except padding rows and
    /// columns, which only feed lanes whose results are dropped.
    static SCRATCH: Cell<Vec<Line>> = const { Cell::new(Vec::new()) };
}

/// Vertical step `i` of `box1DFloat` down a column of `rows` values with
/// window `full`, as a [`Step`] over the ring (row r at slot r % ring_rows).
///
/// Steps below `rows` add row i, and from `full` on subtract row i - full
/// after it; the `half - 1` steps after the last row subtract only. Step i
/// writes output row i + 1 - half (from step half - 1 on), divided by the
/// number of rows in the window.
///
/// Ring size: when the band starting at output row `o` runs, the oldest row
/// it subtracts is o + half - 1 - full and the newest row produced is below
/// o + 32 + half - 1 + 31 (rows are produced a band at a time), so
/// `full + 64` rows always suffice.
fn vertical_step(
    i: usize,
    rows: usize,
    full: usize,
    half: usize,
    band_start: usize,
    ring_rows: usize,
    stride: usize,
) -> Step {
    let at = |r: usize| (r % ring_rows) * stride;
    let (add, sub, window) = if i < rows {
        let sub = (i >= full).then(|| at(i - full));
        (Some(at(i)), sub, (i + 1).min(full))
    } else {
        let k = i - rows;
        (None, Some(at(rows - full + k)), full - 1 - k)
    };
    let out = (i + 1 >= half).then(|| (i + 1 - half - band_start, window));
    Step { add, sub, out }
}

/// Copies row `o` of the final pass into every output row that samples it
/// (several do when the image has fewer than 64 rows). Rows arrive in
/// order and `row_at` ascends, so a cursor (`next`) finds them.
fn store_sampled(
    o: usize,
    row: &[f32],
    row_at: &[usize; 64],
    next: &mut usize,
    out: &mut Downsample,
) {
    while *next < 64 && row_at[*next] == o {
        out[*next].copy_from_slice(&row[..64]);
        *next += 1;
    }
}
