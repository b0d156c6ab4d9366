//! The reference pipeline, shaped like Meta's C++ core: a full-resolution
//! luma plane, two full float planes for the box passes, then decimation.
//!
//! It is the legible oracle the fast path ([`super::stream`]) is tested
//! against, and the baseline the benchmarks compare with. It holds two
//! `rows x cols` float planes (about 97 MB for a 12 MP photo).

use super::boxfilter::{box_row, window_size};
use super::luma::LumaSource;
use super::{decimation_indices, Downsample, NUM_JAROSZ_PASSES};

/// The 64x64 downsample exactly as `jaroszFilterFloat` + `decimateFloat`
/// compute it (or the copy the single-hash path makes for 64x64 input).
pub(crate) fn downsample(src: &LumaSource, single_hash_shortcut: bool) -> Box<Downsample> {
    let (rows, cols) = (src.rows(), src.cols());
    let mut plane1 = vec![0.0f32; rows * cols];
    for (r, row) in plane1.chunks_exact_mut(cols).enumerate() {
        src.fill_row(r, row);
    }
    let mut out = Box::new([[0.0f32; 64]; 64]);
    if single_hash_shortcut && rows == 64 && cols == 64 {
        for (o, row) in out.iter_mut().zip(plane1.chunks_exact(64)) {
            o.copy_from_slice(row);
        }
        return out;
    }
    let along_rows = window_size(cols, 64);
    let along_cols = window_size(rows, 64);
    let mut plane2 = vec![0.0f32; rows * cols];
    let mut column_in = vec![0.0f32; rows];
    let mut column_out = vec![0.0f32; rows];
    for _ in 0..NUM_JAROSZ_PASSES {
        for (src_row, dst_row) in plane1.chunks_exact(cols).zip(plane2.chunks_exact_mut(cols)) {
            box_row(src_row, dst_row, along_rows);
        }
        for c in 0..cols {
            for r in 0..rows {
                column_in[r] = plane2[r * cols + c];
            }
            box_row(&column_in, &mut column_out, along_cols);
            for r in 0..rows {
                plane1[r * cols + c] = column_out[r];
            }
        }
    }
    let row_at = decimation_indices(rows);
    let col_at = decimation_indices(cols);
    for (o, &r) in out.iter_mut().zip(&row_at) {
        for (x, &c) in o.iter_mut().zip(&col_at) {
            *x = plane1[r * cols + c];
        }
    }
    out
}
