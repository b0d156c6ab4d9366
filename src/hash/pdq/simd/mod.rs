//! SIMD backends for the banded filter ([`super::banded`]): one file per
//! instruction set behind the [`Lanes`] trait, plus the kernels they share.
//!
//! A [`Lanes::Col`] holds 16 floats: one column of a 16-row band, one lane
//! per row (or, in the vertical pass, 16 adjacent columns of one row). Lanes
//! never mix: every operation is lane-wise add, subtract, divide, multiply
//! or a transpose (which only moves values). So each lane sees exactly the
//! scalar code's operations in the scalar code's order, and the bits cannot
//! differ. The one exception to "the same operations" is the divide by a
//! box window: [`divide`] replaces it with cheaper operations that give the
//! divide's exact bits (proven by exhaustion). Fused multiply-add is used
//! there and nowhere else.

#[cfg(target_arch = "x86_64")]
pub(crate) mod avx2;
pub(crate) mod divide;
mod kernels;
#[cfg(target_arch = "aarch64")]
pub(crate) mod neon;
pub(crate) mod portable;
#[cfg(target_arch = "x86_64")]
pub(crate) mod sse2;

pub(crate) use kernels::{Step, VERTICAL_BLOCK};

#[cfg(test)]
mod tests;

use super::luma::luma_rgb;

/// Rows in a sub-band, and floats in a [`Lanes::Col`].
pub(crate) const LANES: usize = 16;

/// Sub-bands the horizontal passes run side by side. A running sum's adds
/// wait on each other (6 cycles a step), so one sub-band leaves the vector
/// units idle; two keep them busy.
pub(crate) const SUBBANDS: usize = 2;

/// Rows in a band.
pub(crate) const BAND: usize = SUBBANDS * LANES;

/// The operations the banded filter needs, on 16 lanes at a time.
///
/// A value of an implementing type is a token proving the instruction set
/// is available (only [`Platform`](super::Platform) detection makes one).
/// The kernel methods have default bodies (the generic kernels); a backend
/// that needs a `target_feature` overrides them with the same body compiled
/// under that feature (`kernels::target_feature_kernels!`).
pub(crate) trait Lanes: Copy {
    type Col: Copy;

    fn splat(self, x: f32) -> Self::Col;
    /// The first 16 floats of `s`.
    fn load(self, s: &[f32]) -> Self::Col;
    /// Into the first 16 floats of `s`.
    fn store(self, c: Self::Col, s: &mut [f32]);
    fn add(self, a: Self::Col, b: Self::Col) -> Self::Col;
    fn sub(self, a: Self::Col, b: Self::Col) -> Self::Col;
    fn div(self, a: Self::Col, b: Self::Col) -> Self::Col;
    fn mul(self, a: Self::Col, b: Self::Col) -> Self::Col;

    /// Whether [`Lanes::split_quotient`] is fast (a fused multiply-add
    /// instruction); backends without one divide instead.
    const FUSED_MULTIPLY_ADD: bool = false;

    /// `fma(x, high, x * low)`: with `high + low` the reciprocal of a window
    /// split in two floats, the divide's exact bits (see [`divide`]).
    /// (The default goes through memory and a software fused multiply-add
    /// on each lane: exact, and slow.)
    fn split_quotient(self, x: Self::Col, high: Self::Col, low: Self::Col) -> Self::Col {
        let (mut xs, mut hs, mut ls) = ([0.0; LANES], [0.0; LANES], [0.0; LANES]);
        self.store(x, &mut xs);
        self.store(high, &mut hs);
        self.store(low, &mut ls);
        let mut q = [0.0; LANES];
        for (i, q) in q.iter_mut().enumerate() {
            *q = divide::split_quotient_scalar(xs[i], hs[i], ls[i]);
        }
        self.load(&q)
    }
    /// `dst[j * dst_stride + i] = src[i * src_stride + j]` for `i, j < 16`.
    fn transpose16(self, src: &[f32], src_stride: usize, dst: &mut [f32], dst_stride: usize);

    /// Luma of 8-bit RGB pixels `bpp` bytes apart with the channels at byte
    /// offsets `rgb`, for `out.len()` pixels, as [`luma_rgb`] computes it.
    fn luma_rgb8(self, bytes: &[u8], bpp: usize, rgb: [usize; 3], out: &mut [f32]) {
        luma_rgb8_scalar(bytes, bpp, rgb, out);
    }

    /// Luma of 16 rows of 8-bit RGB pixels (`rows[k]`, `cols` pixels of
    /// `bpp` bytes, channels at byte offsets `rgb`), as [`luma_rgb`]
    /// computes it, straight into lane layout: `lanes[c * 16 + k]` for
    /// `c < cols` (`lanes` holds `stride = lanes.len() / 16` columns, at
    /// least `cols` rounded up to 8). `scratch` (16 rows of `stride`
    /// floats) is for backends that go through rows of luma, the default.
    fn luma_rgb8_lanes(
        self,
        rows: &[&[u8]; LANES],
        bpp: usize,
        rgb: [usize; 3],
        cols: usize,
        lanes: &mut [f32],
        scratch: &mut [f32],
    ) {
        luma_rgb8_lanes_via_rows(self, rows, bpp, rgb, cols, lanes, scratch);
    }

    /// Blocks of outputs in lane layout into rows, see
    /// [`kernels::blocks_to_rows`]. The AVX2 backend compiles it out of
    /// line: it runs once per 16 steps of a loop whose running sums must
    /// stay in registers, and inlined, its 16 registers of transpose made
    /// the compiler keep one sum in memory for the whole loop (measured
    /// there; the other backends keep the default).
    fn blocks_to_rows(self, blocks: &[[[f32; LANES]; LANES]], rows: &mut [f32], stride: usize) {
        kernels::blocks_to_rows(self, blocks, rows, stride);
    }

    /// 16 rows of `stride` floats (a multiple of 16) into lane layout:
    /// `lanes[c * 16 + k] = rows[k * stride + c]`.
    fn rows_to_lanes(self, rows: &[f32], stride: usize, lanes: &mut [f32]) {
        kernels::rows_to_lanes(self, rows, stride, lanes);
    }

    /// The box filter along the 16 rows of each sub-band, given in lane
    /// layout, every output written in row layout (32 rows of `stride`
    /// floats, sub-band `k` from row `16 k`).
    fn box_lanes_to_rows(
        self,
        inputs: [&[f32]; SUBBANDS],
        len: usize,
        full: usize,
        rows: &mut [f32],
        stride: usize,
    ) {
        kernels::box_lanes_to_rows(self, inputs, len, full, rows, stride);
    }

    /// The box filter along the rows of each sub-band, only outputs at `at`
    /// written (`out[k][j]` = sub-band k's 16 outputs at index `at[j]`).
    fn box_lanes_sampled(
        self,
        inputs: [&[f32]; SUBBANDS],
        len: usize,
        full: usize,
        at: &[usize; 64],
        out: &mut [[[f32; LANES]; 64]; SUBBANDS],
    ) {
        kernels::box_lanes_sampled(self, inputs, len, full, at, out);
    }

    /// 64 sampled columns of a sub-band (`columns[j][k]` = row k, column j)
    /// into its 16 rows of 64 (`rows[k][j]`).
    fn sampled_to_rows(self, columns: &[[f32; LANES]; 64], rows: &mut [[f32; 64]]) {
        kernels::sampled_to_rows(self, columns, rows);
    }

    /// Runs `steps` of the vertical box filter over every column, see
    /// [`kernels::vertical_band`].
    fn vertical_band(
        self,
        ring: &[f32],
        steps: &[Step],
        full: usize,
        sums: &mut [f32],
        block: &mut [f32],
        out_lanes: &mut [f32],
    ) {
        kernels::vertical_band(self, ring, steps, full, sums, block, out_lanes);
    }

    /// Runs `steps` of the last vertical pass over the 64 sampled columns,
    /// see [`kernels::vertical_sampled`].
    fn vertical_sampled(
        self,
        ring: &[[f32; 64]],
        steps: &[Step],
        full: usize,
        sums: &mut [f32; 64],
        out: &mut [[f32; 64]; 64],
    ) {
        kernels::vertical_sampled(self, ring, steps, full, sums, out);
    }
}

/// [`Lanes::luma_rgb8_lanes`] through rows of luma: each row's luma into
/// `scratch` ([`Lanes::luma_rgb8`]), then the band into lane layout.
pub(crate) fn luma_rgb8_lanes_via_rows<L: Lanes>(
    l: L,
    rows: &[&[u8]; LANES],
    bpp: usize,
    rgb: [usize; 3],
    cols: usize,
    lanes: &mut [f32],
    scratch: &mut [f32],
) {
    let stride = lanes.len() / LANES;
    for (k, row) in rows.iter().enumerate() {
        l.luma_rgb8(row, bpp, rgb, &mut scratch[k * stride..][..cols]);
    }
    l.rows_to_lanes(scratch, stride, lanes);
}

/// [`luma_rgb`] over a row. The common layouts get a loop with constant
/// offsets, which LLVM vectorizes (deinterleaving loads); others a plain one.
pub(crate) fn luma_rgb8_scalar(bytes: &[u8], bpp: usize, rgb: [usize; 3], out: &mut [f32]) {
    match (bpp, rgb) {
        (3, [0, 1, 2]) => luma_fixed::<3, 0, 1, 2>(bytes, out),
        (4, [0, 1, 2]) => luma_fixed::<4, 0, 1, 2>(bytes, out),
        (4, [2, 1, 0]) => luma_fixed::<4, 2, 1, 0>(bytes, out),
        (4, [1, 2, 3]) => luma_fixed::<4, 1, 2, 3>(bytes, out),
        _ => {
            let [r, g, b] = rgb;
            for (o, px) in out.iter_mut().zip(bytes.chunks_exact(bpp)) {
                *o = luma_rgb(px[r], px[g], px[b]);
            }
        }
    }
}

#[inline(always)]
fn luma_fixed<const BPP: usize, const R: usize, const G: usize, const B: usize>(
    bytes: &[u8],
    out: &mut [f32],
) {
    for (o, px) in out.iter_mut().zip(bytes.chunks_exact(BPP)) {
        *o = luma_rgb(px[R], px[G], px[B]);
    }
}
