//! The banded filter's kernels, written once over [`Lanes`] and compiled
//! per backend (`#[inline(always)]`, so each backend's `target_feature`
//! applies to the whole loop).
//!
//! The box recurrence here is `box1DFloat`'s four phases (see
//! [`super::super::boxfilter`]), with each float replaced by 16 lanes.

use super::divide::{with_divisor, Divide, Plain};
use super::{Lanes, LANES};
use crate::hash::pdq::boxfilter::half_window;

/// Overrides the listed [`Lanes`] kernel methods for a backend whose
/// instructions need target features the build does not enable: each
/// method `name` calls `kernels::name` (`self` first, then the listed
/// arguments) inside an `unsafe fn` compiled with `$features` enabled.
/// The kernels are `#[inline(always)]`, so their loops, and the backend's
/// `#[inline(always)]` lane operations in them, are compiled with those
/// features. Attributes written before a method's `fn` go on that compiled
/// function (`#[inline(never)]`, say).
///
/// The invocation starts `unsafe Backend, "features";`: every call the
/// overrides make is sound only if a value of `Backend` exists only where
/// the CPU has all of `features`, which the invocation's `// SAFETY:`
/// comment shows.
#[cfg(target_arch = "x86_64")] // the only backends behind detection are x86's
macro_rules! target_feature_kernels {
    (
        unsafe $backend:ty, $features:literal;
        $( $(#[$attr:meta])* fn $name:ident($($arg:ident: $ty:ty),* $(,)?); )+
    ) => {
        $(
            fn $name(self, $($arg: $ty),*) {
                $(#[$attr])*
                #[target_feature(enable = $features)]
                unsafe fn run(l: $backend, $($arg: $ty),*) {
                    $crate::hash::pdq::simd::kernels::$name(l, $($arg),*)
                }
                // SAFETY: `self` proves the CPU has the features `run` is
                // compiled with (shown where this macro is invoked).
                unsafe { run(self, $($arg),*) }
            }
        )+
    };
}
#[cfg(target_arch = "x86_64")]
pub(crate) use target_feature_kernels;

#[inline(always)]
pub(crate) fn rows_to_lanes<L: Lanes>(l: L, rows: &[f32], stride: usize, lanes: &mut [f32]) {
    debug_assert_eq!(stride % LANES, 0);
    for c0 in (0..stride).step_by(LANES) {
        l.transpose16(&rows[c0..], stride, &mut lanes[c0 * LANES..], LANES);
    }
}

/// Where [`box_recurrence`] sends output `o` of each of its `K` sub-bands.
/// (A trait, not a closure: closures would be compiled outside the
/// backend's `target_feature` and lose its intrinsics' inlining.)
trait Emit<L: Lanes, const K: usize> {
    /// Outputs between two calls of [`Emit::block_done`] (a power of two).
    const BLOCK: usize;
    /// Output `o` of sub-band `k` is `by.quotient(sums[k])`.
    fn store<D: Divide<L>>(&mut self, l: L, o: usize, sums: [L::Col; K], by: D);
    /// Called after output `o` when `o + 1` is a multiple of `BLOCK`.
    fn block_done(&mut self, l: L, o: usize);
    /// [`Emit::store`], then [`Emit::block_done`] where due.
    #[inline(always)]
    fn emit<D: Divide<L>>(&mut self, l: L, o: usize, sums: &[L::Col; K], by: D) {
        self.store(l, o, *sums, by);
        if (o + 1) % Self::BLOCK == 0 {
            self.block_done(l, o);
        }
    }
}

/// Only the outputs at `at` (ascending; it repeats an index when len < 64).
struct SampledOutputs<'a, const K: usize> {
    at: &'a [usize; 64],
    out: &'a mut [[[f32; LANES]; 64]; K],
    next: usize,
}

impl<L: Lanes, const K: usize> Emit<L, K> for SampledOutputs<'_, K> {
    const BLOCK: usize = 1 << (usize::BITS - 1);

    #[inline(always)]
    fn block_done(&mut self, _: L, _: usize) {}

    #[inline(always)]
    fn store<D: Divide<L>>(&mut self, l: L, o: usize, sums: [L::Col; K], by: D) {
        while self.next < 64 && self.at[self.next] == o {
            for (out, sum) in self.out.iter_mut().zip(sums) {
                l.store(by.quotient(l, sum), &mut out[self.next]);
            }
            self.next += 1;
        }
    }
}

/// `box1DFloat` over `len` positions of lane layout, on `K` sub-bands side
/// by side (independent sums, so one's adds run while another's wait), the
/// full window divided by `by`.
#[inline(always)]
fn box_recurrence<L: Lanes, D: Divide<L>, E: Emit<L, K>, const K: usize>(
    l: L,
    inputs: [&[f32]; K],
    len: usize,
    full: usize,
    by: D,
    sink: &mut E,
) {
    let half = half_window(full);
    let inputs = inputs.map(|input| &input[..len * LANES]);
    let mut sums = [l.splat(0.0); K];
    // Phase 1: accumulate, no output.
    for ri in 0..half - 1 {
        for (k, sum) in sums.iter_mut().enumerate() {
            *sum = l.add(*sum, load_at(l, inputs[k], ri));
        }
    }
    // Phase 2: growing window.
    let mut oi = 0;
    for ri in half - 1..full {
        for (k, sum) in sums.iter_mut().enumerate() {
            *sum = l.add(*sum, load_at(l, inputs[k], ri));
        }
        sink.emit(l, oi, &sums, plain(l, ri + 1));
        oi += 1;
    }
    // Phase 3: add the entering value, then subtract the leaving one.
    // (Positions as arrays of exactly `n` columns, so the loop needs no
    // bounds checks.)
    let n = len - full;
    let entering = inputs.map(|input| &columns(&input[full * LANES..])[..n]);
    let leaving = inputs.map(|input| &columns(input)[..n]);
    // Runs of steps up to the sink's block ends, so the step loop itself
    // never branches to the block's work.
    let mut start = 0;
    while start < n {
        let end = n.min(start + E::BLOCK - oi % E::BLOCK);
        for j in start..end {
            for (k, sum) in sums.iter_mut().enumerate() {
                *sum = l.sub(l.add(*sum, l.load(&entering[k][j])), l.load(&leaving[k][j]));
            }
            sink.store(l, oi + (j - start), sums, by);
        }
        oi += end - start;
        start = end;
        if oi % E::BLOCK == 0 {
            sink.block_done(l, oi - 1);
        }
    }
    // Phase 4: subtract only, shrinking window.
    for j in 0..half - 1 {
        for (k, sum) in sums.iter_mut().enumerate() {
            *sum = l.sub(*sum, load_at(l, inputs[k], len - full + j));
        }
        sink.emit(l, oi, &sums, plain(l, full - 1 - j));
        oi += 1;
    }
    debug_assert_eq!(oi, len);
}

/// A lane-layout input as its columns of 16 (a partial last one dropped).
#[inline(always)]
fn columns(input: &[f32]) -> &[[f32; LANES]] {
    bytemuck::cast_slice(&input[..input.len() / LANES * LANES])
}

/// Position `i` of a lane-layout input.
#[inline(always)]
fn load_at<L: Lanes>(l: L, input: &[f32], i: usize) -> L::Col {
    l.load(&input[i * LANES..])
}

/// The plain divide by a window of `window` values.
#[inline(always)]
fn plain<L: Lanes>(l: L, window: usize) -> Plain<L::Col> {
    Plain(l.splat(window as f32))
}

/// Every output, divided by its window, gathered 16 at a time into a block
/// per sub-band that is transposed back into row layout.
struct RowOutputs<'a, const K: usize> {
    rows: &'a mut [f32],
    stride: usize,
    blocks: [[[f32; LANES]; LANES]; K],
}

impl<const K: usize> RowOutputs<'_, K> {
    /// Writes the blocks to columns `c0..c0 + 16` of the rows.
    #[inline(always)]
    fn flush<L: Lanes>(&mut self, l: L, c0: usize) {
        l.blocks_to_rows(&self.blocks, &mut self.rows[c0..], self.stride);
    }
}

impl<L: Lanes, const K: usize> Emit<L, K> for RowOutputs<'_, K> {
    const BLOCK: usize = LANES;

    #[inline(always)]
    fn store<D: Divide<L>>(&mut self, l: L, o: usize, sums: [L::Col; K], by: D) {
        for (block, sum) in self.blocks.iter_mut().zip(sums) {
            l.store(by.quotient(l, sum), &mut block[o % LANES]);
        }
    }

    #[inline(always)]
    fn block_done(&mut self, l: L, o: usize) {
        self.flush(l, o + 1 - LANES);
    }
}

/// Block `k` (`blocks[k][c][r]` = row r, column c) transposed into rows
/// `16 k..16 k + 16` of `rows` (`stride` floats apart), columns `0..16`.
#[inline(always)]
pub(crate) fn blocks_to_rows<L: Lanes>(
    l: L,
    blocks: &[[[f32; LANES]; LANES]],
    rows: &mut [f32],
    stride: usize,
) {
    for (k, block) in blocks.iter().enumerate() {
        l.transpose16(
            block.as_flattened(),
            LANES,
            &mut rows[k * LANES * stride..],
            stride,
        );
    }
}

/// The box filter along `K` sub-bands of 16 rows held in lane layout,
/// every output written back in row layout: `16 K` rows of `stride` floats
/// (a multiple of 16, at least `len`; columns past `len` get values of no
/// meaning), sub-band `k` from row `16 k`.
#[inline(always)]
pub(crate) fn box_lanes_to_rows<L: Lanes, const K: usize>(
    l: L,
    inputs: [&[f32]; K],
    len: usize,
    full: usize,
    rows: &mut [f32],
    stride: usize,
) {
    let mut sink = RowOutputs {
        rows,
        stride,
        blocks: [[[0.0; LANES]; LANES]; K],
    };
    with_divisor!(l, full, |by| box_recurrence(
        l, inputs, len, full, by, &mut sink
    ));
    if len % LANES != 0 {
        sink.flush(l, len - len % LANES);
    }
}

#[inline(always)]
pub(crate) fn box_lanes_sampled<L: Lanes, const K: usize>(
    l: L,
    inputs: [&[f32]; K],
    len: usize,
    full: usize,
    at: &[usize; 64],
    out: &mut [[[f32; LANES]; 64]; K],
) {
    let mut sink = SampledOutputs { at, out, next: 0 };
    with_divisor!(l, full, |by| box_recurrence(
        l, inputs, len, full, by, &mut sink
    ));
}

#[inline(always)]
pub(crate) fn sampled_to_rows<L: Lanes>(
    l: L,
    columns: &[[f32; LANES]; 64],
    rows: &mut [[f32; 64]],
) {
    let rows = rows[..LANES].as_flattened_mut();
    for j0 in (0..64).step_by(LANES) {
        l.transpose16(columns[j0..].as_flattened(), LANES, &mut rows[j0..], 64);
    }
}

/// One step of the vertical box filter, the same for every column: add the
/// row at float offset `add` of the ring, then subtract the row at `sub`,
/// then (if `out` is set to `(k, window)`) write `sum / window` as output
/// row `k` of the band.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Step {
    pub(crate) add: Option<usize>,
    pub(crate) sub: Option<usize>,
    pub(crate) out: Option<(usize, usize)>,
}

/// Runs `steps` (of a filter with window `full`) over every column,
/// carrying the running sums in `sums`,
/// and writes the band's output rows in lane layout (`out_lanes[c * 16 + k]`
/// = output row k at column c). `block` is scratch space of
/// [`VERTICAL_BLOCK`] floats; output rows no step writes get whatever it
/// held (the caller drops them).
///
/// Columns go 64 at a time (4 independent sums of 16 lanes per step, so the
/// adds do not wait on each other; on AVX2 that is 8 of its 16 registers,
/// 8 sums spilled to the stack and ran 20 % slower), then 16 at a time for
/// the rest.
#[inline(always)]
pub(crate) fn vertical_band<L: Lanes>(
    l: L,
    ring: &[f32],
    steps: &[Step],
    full: usize,
    sums: &mut [f32],
    block: &mut [f32],
    out_lanes: &mut [f32],
) {
    let width = sums.len();
    debug_assert_eq!(width % LANES, 0);
    let wide_end = width - width % (WIDE * LANES);
    let buffers = VerticalBuffers {
        ring,
        steps,
        full,
        sums,
        block,
        out_lanes,
    };
    with_divisor!(l, full, |by| {
        let mut b = buffers;
        for c0 in (0..wide_end).step_by(WIDE * LANES) {
            vertical_chunk::<L, _, WIDE>(l, by, c0, &mut b);
        }
        for c0 in (wide_end..width).step_by(LANES) {
            vertical_chunk::<L, _, 1>(l, by, c0, &mut b);
        }
    })
}

/// [`vertical_band`]'s arguments.
struct VerticalBuffers<'a> {
    ring: &'a [f32],
    steps: &'a [Step],
    full: usize,
    sums: &'a mut [f32],
    block: &'a mut [f32],
    out_lanes: &'a mut [f32],
}

/// Column groups of 16 in one [`vertical_chunk`].
const WIDE: usize = 4;

/// Floats of scratch [`vertical_band`] needs.
pub(crate) const VERTICAL_BLOCK: usize = LANES * LANES * WIDE;

/// [`vertical_band`] for columns `c0..c0 + 16 * N`.
#[inline(always)]
fn vertical_chunk<L: Lanes, D: Divide<L>, const N: usize>(
    l: L,
    by: D,
    c0: usize,
    b: &mut VerticalBuffers,
) {
    // Output row k, columns c0.., at block[k * N * 16..].
    let block = &mut b.block[..LANES * LANES * N];
    let sums = &mut b.sums[c0..c0 + N * LANES];
    run_steps::<L, D, N>(l, by, b.steps, b.full, &b.ring[c0..], sums, block);
    for j in 0..N {
        l.transpose16(
            &block[j * LANES..],
            N * LANES,
            &mut b.out_lanes[(c0 + j * LANES) * LANES..],
            LANES,
        );
    }
}

/// Runs `steps` (of a filter with window `full`) over `16 N` columns: the
/// running sums start from and return to `sums`, a step's rows are at its
/// float offsets into `ring`, and output row `k` goes to
/// `out[k * 16 N..]`. The loop of both vertical passes.
#[inline(always)]
fn run_steps<L: Lanes, D: Divide<L>, const N: usize>(
    l: L,
    by: D,
    steps: &[Step],
    full: usize,
    ring: &[f32],
    sums: &mut [f32],
    out: &mut [f32],
) {
    let mut acc = [l.splat(0.0); N];
    for (j, a) in acc.iter_mut().enumerate() {
        *a = l.load(&sums[j * LANES..]);
    }
    for s in steps {
        if let Some(a) = s.add {
            let row = &ring[a..a + N * LANES];
            for (j, acc) in acc.iter_mut().enumerate() {
                *acc = l.add(*acc, l.load(&row[j * LANES..]));
            }
        }
        if let Some(b) = s.sub {
            let row = &ring[b..b + N * LANES];
            for (j, acc) in acc.iter_mut().enumerate() {
                *acc = l.sub(*acc, l.load(&row[j * LANES..]));
            }
        }
        if let Some((k, window)) = s.out {
            let row = &mut out[k * N * LANES..][..N * LANES];
            if window == full {
                for (j, acc) in acc.iter().enumerate() {
                    l.store(by.quotient(l, *acc), &mut row[j * LANES..]);
                }
            } else {
                let by = plain(l, window);
                for (j, acc) in acc.iter().enumerate() {
                    l.store(by.quotient(l, *acc), &mut row[j * LANES..]);
                }
            }
        }
    }
    for (j, a) in acc.iter().enumerate() {
        l.store(*a, &mut sums[j * LANES..]);
    }
}

/// The last vertical pass over the 64 sampled columns: runs `steps` over
/// `ring` (rows of 64 floats; a step's offsets count floats, row r at
/// `64 r`), carrying the running sums in `sums`, and writes
/// `sum / window` to `out[k]` for each step whose `out` is `(k, window)`.
/// `full` is the filter's window.
#[inline(always)]
pub(crate) fn vertical_sampled<L: Lanes>(
    l: L,
    ring: &[[f32; 64]],
    steps: &[Step],
    full: usize,
    sums: &mut [f32; 64],
    out: &mut [[f32; 64]; 64],
) {
    const N: usize = 64 / LANES;
    with_divisor!(l, full, |by| run_steps::<L, _, N>(
        l,
        by,
        steps,
        full,
        ring.as_flattened(),
        sums,
        out.as_flattened_mut()
    ));
}
