//! The banded filter's kernels, written once over [`Lanes`] and compiled
//! per backend (`#[inline(always)]`, so each backend's `target_feature`
//! applies to the whole loop).
//!
//! The box recurrence here is `box1DFloat`'s four phases (see
//! [`super::super::boxfilter`]), with each float replaced by 16 lanes.

use super::{Lanes, LANES};
use crate::hash::pdq::boxfilter::half_window;

#[inline(always)]
pub(crate) fn rows_to_lanes<L: Lanes>(l: L, rows: &[f32], stride: usize, lanes: &mut [f32]) {
    debug_assert_eq!(stride % LANES, 0);
    for c0 in (0..stride).step_by(LANES) {
        l.transpose16(&rows[c0..], stride, &mut lanes[c0 * LANES..], LANES);
    }
}

/// Where [`box_recurrence`] sends output `o`'s running sum and window.
/// (A trait, not a closure: closures would be compiled outside the
/// backend's `target_feature` and lose its intrinsics' inlining.)
trait Emit<L: Lanes> {
    fn emit(&mut self, l: L, o: usize, sum: L::Col, window: f32);
}

/// Only the outputs at `at` (ascending; it repeats an index when len < 64).
struct SampledOutputs<'a> {
    at: &'a [usize; 64],
    out: &'a mut [[f32; LANES]; 64],
    next: usize,
}

impl<L: Lanes> Emit<L> for SampledOutputs<'_> {
    #[inline(always)]
    fn emit(&mut self, l: L, o: usize, sum: L::Col, window: f32) {
        while self.next < 64 && self.at[self.next] == o {
            l.store(l.div(sum, l.splat(window)), &mut self.out[self.next]);
            self.next += 1;
        }
    }
}

/// `box1DFloat` over `len` positions of lane layout.
#[inline(always)]
fn box_recurrence<L: Lanes>(l: L, input: &[f32], len: usize, full: usize, sink: &mut impl Emit<L>) {
    let half = half_window(full);
    let input = &input[..len * LANES];
    let mut sum = l.splat(0.0);
    // Phase 1: accumulate, no output.
    for ri in 0..half - 1 {
        sum = l.add(sum, l.load(&input[ri * LANES..]));
    }
    // Phase 2: growing window.
    let mut oi = 0;
    for ri in half - 1..full {
        sum = l.add(sum, l.load(&input[ri * LANES..]));
        sink.emit(l, oi, sum, (ri + 1) as f32);
        oi += 1;
    }
    // Phase 3: add the entering value, then subtract the leaving one.
    let entering = input[full * LANES..].chunks_exact(LANES);
    let leaving = input.chunks_exact(LANES);
    for (x, y) in entering.zip(leaving) {
        sum = l.add(sum, l.load(x));
        sum = l.sub(sum, l.load(y));
        sink.emit(l, oi, sum, full as f32);
        oi += 1;
    }
    // Phase 4: subtract only, shrinking window.
    for k in 0..half - 1 {
        sum = l.sub(sum, l.load(&input[(len - full + k) * LANES..]));
        sink.emit(l, oi, sum, (full - 1 - k) as f32);
        oi += 1;
    }
    debug_assert_eq!(oi, len);
}

/// Every output, divided by its window, gathered 16 at a time into a block
/// that is transposed back into row layout.
struct RowOutputs<'a> {
    rows: &'a mut [f32],
    stride: usize,
    block: [[f32; LANES]; LANES],
}

impl<L: Lanes> Emit<L> for RowOutputs<'_> {
    #[inline(always)]
    fn emit(&mut self, l: L, o: usize, sum: L::Col, window: f32) {
        l.store(l.div(sum, l.splat(window)), &mut self.block[o % LANES]);
        if o % LANES == LANES - 1 {
            let c0 = o + 1 - LANES;
            l.transpose16(
                self.block.as_flattened(),
                LANES,
                &mut self.rows[c0..],
                self.stride,
            );
        }
    }
}

/// The box filter along 16 rows held in lane layout, every output written
/// back in row layout: 16 rows of `stride` floats (a multiple of 16, at
/// least `len`; columns past `len` get values of no meaning).
#[inline(always)]
pub(crate) fn box_lanes_to_rows<L: Lanes>(
    l: L,
    input: &[f32],
    len: usize,
    full: usize,
    rows: &mut [f32],
    stride: usize,
) {
    let mut sink = RowOutputs {
        rows,
        stride,
        block: [[0.0; LANES]; LANES],
    };
    box_recurrence(l, input, len, full, &mut sink);
    if len % LANES != 0 {
        let c0 = len - len % LANES;
        l.transpose16(
            sink.block.as_flattened(),
            LANES,
            &mut sink.rows[c0..],
            stride,
        );
    }
}

#[inline(always)]
pub(crate) fn box_lanes_sampled<L: Lanes>(
    l: L,
    input: &[f32],
    len: usize,
    full: usize,
    at: &[usize; 64],
    out: &mut [[f32; LANES]; 64],
) {
    box_recurrence(
        l,
        input,
        len,
        full,
        &mut SampledOutputs { at, out, next: 0 },
    );
}

/// One step of the vertical box filter, the same for every column: add the
/// row at float offset `add` of the ring, then subtract the row at `sub`,
/// then (if `out` is set) write `sum / window` as output row `k` of the band.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Step {
    pub(crate) add: Option<usize>,
    pub(crate) sub: Option<usize>,
    pub(crate) out: Option<(usize, f32)>,
}

/// Runs `steps` over every column, carrying the running sums in `sums`,
/// and writes the band's output rows in lane layout (`out_lanes[c * 16 + k]`
/// = output row k at column c). `block` is scratch space of
/// [`VERTICAL_BLOCK`] floats; output rows no step writes get whatever it
/// held (the caller drops them).
///
/// Columns go 128 at a time (8 independent sums per step, so the adds do
/// not wait on each other), then 16 at a time for the rest.
#[inline(always)]
pub(crate) fn vertical_band<L: Lanes>(
    l: L,
    ring: &[f32],
    steps: &[Step],
    sums: &mut [f32],
    block: &mut [f32],
    out_lanes: &mut [f32],
) {
    let width = sums.len();
    debug_assert_eq!(width % LANES, 0);
    let wide_end = width - width % (WIDE * LANES);
    for c0 in (0..wide_end).step_by(WIDE * LANES) {
        vertical_chunk::<L, WIDE>(l, ring, steps, c0, sums, block, out_lanes);
    }
    for c0 in (wide_end..width).step_by(LANES) {
        vertical_chunk::<L, 1>(l, ring, steps, c0, sums, block, out_lanes);
    }
}

/// Column groups of 16 in one [`vertical_chunk`].
const WIDE: usize = 8;

/// Floats of scratch [`vertical_band`] needs.
pub(crate) const VERTICAL_BLOCK: usize = LANES * LANES * WIDE;

/// [`vertical_band`] for columns `c0..c0 + 16 * N`.
#[inline(always)]
fn vertical_chunk<L: Lanes, const N: usize>(
    l: L,
    ring: &[f32],
    steps: &[Step],
    c0: usize,
    sums: &mut [f32],
    block: &mut [f32],
    out_lanes: &mut [f32],
) {
    let sums = &mut sums[c0..c0 + N * LANES];
    let mut acc = [l.splat(0.0); N];
    for (j, a) in acc.iter_mut().enumerate() {
        *a = l.load(&sums[j * LANES..]);
    }
    // Output row k, columns c0.., at block[k * N * 16..].
    let block = &mut block[..LANES * LANES * N];
    for s in steps {
        if let Some(a) = s.add {
            let row = &ring[a + c0..a + c0 + N * LANES];
            for (j, acc) in acc.iter_mut().enumerate() {
                *acc = l.add(*acc, l.load(&row[j * LANES..]));
            }
        }
        if let Some(b) = s.sub {
            let row = &ring[b + c0..b + c0 + N * LANES];
            for (j, acc) in acc.iter_mut().enumerate() {
                *acc = l.sub(*acc, l.load(&row[j * LANES..]));
            }
        }
        if let Some((k, window)) = s.out {
            let window = l.splat(window);
            for (j, acc) in acc.iter().enumerate() {
                l.store(l.div(*acc, window), &mut block[(k * N + j) * LANES..]);
            }
        }
    }
    for (j, a) in acc.iter().enumerate() {
        l.store(*a, &mut sums[j * LANES..]);
    }
    for j in 0..N {
        l.transpose16(
            &block[j * LANES..],
            N * LANES,
            &mut out_lanes[(c0 + j * LANES) * LANES..],
            LANES,
        );
    }
}
