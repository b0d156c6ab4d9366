//! The streaming PDQ filter: the same four box passes as the reference, run
//! as a pipeline over rows, so no full-resolution plane exists. The scalar
//! version (below) takes one row at a time; [`super::banded`] takes 16 on a
//! SIMD backend, chosen here by [`Platform`].
//!
//! Row r of the luma goes through the first horizontal pass, into the first
//! vertical pass (which holds `window` rows); each row that pass completes
//! goes through the second horizontal pass, of which only the 64 decimated
//! columns are kept, into the second vertical pass over those 64 columns; the
//! rows it completes that decimation samples are the 64x64 output. Every
//! output value sees exactly the reference's operations in the reference's
//! order, so the results are bit-identical.
//!
//! Extra memory is O(cols x window): about 0.5 MB for a 4032x3024 photo.

use super::boxfilter::{box_row, window_size, VerticalBox};
use super::luma::LumaSource;
use super::platform::Platform;
use super::{banded, simd};
use super::{decimation_indices, Downsample};

/// The 64x64 downsample on `platform` (the portable one if this CPU cannot
/// run it).
pub(crate) fn downsample(
    src: &LumaSource,
    single_hash_shortcut: bool,
    platform: Platform,
) -> Box<Downsample> {
    let (rows, cols) = (src.rows(), src.cols());
    if single_hash_shortcut && rows == 64 && cols == 64 {
        let mut out = Box::new([[0.0f32; 64]; 64]);
        for (r, o) in out.iter_mut().enumerate() {
            src.fill_row(r, o);
        }
        return out;
    }
    match platform {
        Platform::Scalar => downsample_scalar(src),
        #[cfg(target_arch = "x86_64")]
        Platform::Avx2 => match simd::avx2::Avx2::new() {
            Some(avx2) => banded::downsample(avx2, src),
            None => banded::downsample(simd::portable::Portable, src),
        },
        #[cfg(target_arch = "x86_64")]
        Platform::Sse2 => banded::downsample(simd::sse2::Sse2, src),
        #[cfg(target_arch = "aarch64")]
        Platform::Neon => banded::downsample(simd::neon::Neon, src),
        _ => banded::downsample(simd::portable::Portable, src),
    }
}

/// One row at a time, scalar: the baseline the banded backends are
/// checked against.
fn downsample_scalar(src: &LumaSource) -> Box<Downsample> {
    let (rows, cols) = (src.rows(), src.cols());
    let mut out = Box::new([[0.0f32; 64]; 64]);
    let mut luma = vec![0.0f32; cols];
    let along_rows = window_size(cols, 64);
    let along_cols = window_size(rows, 64);
    let row_at = decimation_indices(rows);
    let col_at = decimation_indices(cols);

    let mut h1 = vec![0.0f32; cols];
    let mut h2 = vec![0.0f32; cols];
    let mut h2_sampled = [0.0f32; 64];
    let mut v1 = VerticalBox::new(cols, rows, along_cols);
    let mut v2 = VerticalBox::sampled(64, rows, along_cols, &row_at);

    // The second horizontal pass and the second vertical pass, for one row
    // completed by the first vertical pass.
    let mut second_pass = |row: &[f32], v2: &mut VerticalBox, out: &mut Downsample| {
        box_row(row, &mut h2, along_rows);
        for (s, &c) in h2_sampled.iter_mut().zip(&col_at) {
            *s = h2[c];
        }
        if let Some((o, done)) = v2.push(&h2_sampled) {
            store_sampled(o, done, &row_at, out);
        }
    };

    for r in 0..rows {
        src.fill_row(r, &mut luma);
        box_row(&luma, &mut h1, along_rows);
        if let Some((_, row)) = v1.push(&h1) {
            second_pass(row, &mut v2, &mut out);
        }
    }
    while let Some((_, row)) = v1.flush() {
        second_pass(row, &mut v2, &mut out);
    }
    while let Some((o, done)) = v2.flush() {
        store_sampled(o, done, &row_at, &mut out);
    }
    out
}

/// Copies row `o` of the final pass into every output row that samples it
/// (several do when the image has fewer than 64 rows).
fn store_sampled(o: usize, row: &[f32], row_at: &[usize; 64], out: &mut Downsample) {
    for (dst, _) in out.iter_mut().zip(row_at).filter(|(_, &r)| r == o) {
        dst.copy_from_slice(&row[..64]);
    }
}
