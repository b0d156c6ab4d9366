//! The 64x64 -> 16x16 DCT as the reference computes it: `B = (D A) D^T` with
//! D the 16x64 DCT-II matrix (frequencies 1..=16), each dot product summed
//! from k = 0 upward starting at 0.0.

use std::sync::OnceLock;

/// The 16x64 matrix, row-major: `D[i][j] = f32(sqrt(2/64)) * cos(pi/128 *
/// (i+1) * (2j+1))`, the product taken in double and rounded once to float,
/// as the reference's initializer does.
pub(crate) fn dct_matrix() -> &'static [[f32; 64]; 16] {
    static MATRIX: OnceLock<[[f32; 64]; 16]> = OnceLock::new();
    MATRIX.get_or_init(|| {
        const PI: f64 = std::f64::consts::PI;
        let scale = (2.0_f64 / 64.0).sqrt() as f32;
        let mut d = [[0.0f32; 64]; 16];
        for (i, row) in d.iter_mut().enumerate() {
            for (j, x) in row.iter_mut().enumerate() {
                let angle = (PI / 2.0 / 64.0) * (i + 1) as f64 * (2 * j + 1) as f64;
                *x = (scale as f64 * angle.cos()) as f32;
            }
        }
        d
    })
}

/// `B = D A D^T` keeping the reference's summation order.
#[inline(always)]
pub(crate) fn dct64_to_16(a: &[[f32; 64]; 64]) -> [[f32; 16]; 16] {
    let d = dct_matrix();
    // T = D A. The k loop is outermost so the 64 independent j sums run side
    // by side (vectorizable); each still adds k = 0, 1, ..., 63 in order.
    let mut t = [[0.0f32; 64]; 16];
    for (t_row, d_row) in t.iter_mut().zip(d) {
        for (a_row, &dk) in a.iter().zip(d_row) {
            for (tj, &ak) in t_row.iter_mut().zip(a_row) {
                *tj += dk * ak;
            }
        }
    }
    // B = T D^T: B[i][j] = sum_k T[i][k] * D[j][k]. Again the k loop is
    // outside the 16 independent j sums (over D transposed), and each sum
    // still starts at 0.0 and adds k = 0, 1, ..., 63 in order.
    let dt = dct_matrix_transposed();
    let mut b = [[0.0f32; 16]; 16];
    for (b_row, t_row) in b.iter_mut().zip(&t) {
        for (&tk, dt_row) in t_row.iter().zip(dt) {
            for (bj, &dk) in b_row.iter_mut().zip(dt_row) {
                *bj += tk * dk;
            }
        }
    }
    b
}

/// `D` transposed (64x16), so the second product's inner loop runs along
/// memory.
fn dct_matrix_transposed() -> &'static [[f32; 16]; 64] {
    static MATRIX: OnceLock<[[f32; 16]; 64]> = OnceLock::new();
    MATRIX.get_or_init(|| {
        let d = dct_matrix();
        std::array::from_fn(|k| std::array::from_fn(|j| d[j][k]))
    })
}
