//! Hash bits from a 16x16 DCT, and the eight dihedral variants, which the
//! reference derives from the one DCT by transposes and sign flips.

use super::median::torben_median;
use crate::hash::Hash256;

/// The eight symmetries of the square, in the reference's output order.
///
/// Displays as [`name`](Dihedral::name) (`orig`, `rot90`, …), which is also
/// its serde form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Dihedral {
    /// The image as it is.
    #[cfg_attr(feature = "serde", serde(rename = "orig"))]
    Original,
    /// Rotated a quarter turn counter-clockwise.
    #[cfg_attr(feature = "serde", serde(rename = "rot90"))]
    Rotate90,
    /// Rotated a half turn.
    #[cfg_attr(feature = "serde", serde(rename = "rot180"))]
    Rotate180,
    /// Rotated three quarter turns counter-clockwise.
    #[cfg_attr(feature = "serde", serde(rename = "rot270"))]
    Rotate270,
    /// Mirrored left to right.
    #[cfg_attr(feature = "serde", serde(rename = "flipx"))]
    FlipX,
    /// Mirrored top to bottom.
    #[cfg_attr(feature = "serde", serde(rename = "flipy"))]
    FlipY,
    /// Mirrored across the main diagonal (transposed).
    #[cfg_attr(feature = "serde", serde(rename = "flipplus1"))]
    FlipPlus1,
    /// Mirrored across the anti-diagonal.
    #[cfg_attr(feature = "serde", serde(rename = "flipminus1"))]
    FlipMinus1,
}

impl std::fmt::Display for Dihedral {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl Dihedral {
    /// All eight, in output order.
    pub const ALL: [Dihedral; 8] = [
        Dihedral::Original,
        Dihedral::Rotate90,
        Dihedral::Rotate180,
        Dihedral::Rotate270,
        Dihedral::FlipX,
        Dihedral::FlipY,
        Dihedral::FlipPlus1,
        Dihedral::FlipMinus1,
    ];

    /// Short name as the reference's tools print it.
    pub fn name(self) -> &'static str {
        match self {
            Dihedral::Original => "orig",
            Dihedral::Rotate90 => "rot90",
            Dihedral::Rotate180 => "rot180",
            Dihedral::Rotate270 => "rot270",
            Dihedral::FlipX => "flipx",
            Dihedral::FlipY => "flipy",
            Dihedral::FlipPlus1 => "flipplus1",
            Dihedral::FlipMinus1 => "flipminus1",
        }
    }

    /// (transpose?, negate coefficient (i, j)?) for this variant. Odd
    /// frequencies change sign under a flip of their axis.
    fn transform(self, i: usize, j: usize) -> (bool, bool) {
        let (oi, oj) = (i & 1 == 1, j & 1 == 1);
        match self {
            Dihedral::Original => (false, false),
            Dihedral::Rotate90 => (true, !oj),
            Dihedral::Rotate180 => (false, oi != oj),
            Dihedral::Rotate270 => (true, !oi),
            Dihedral::FlipX => (false, !oi),
            Dihedral::FlipY => (false, !oj),
            Dihedral::FlipPlus1 => (true, false),
            Dihedral::FlipMinus1 => (true, oi != oj),
        }
    }
}

/// The 16x16 DCT of `variant`, from the original's.
pub(crate) fn apply(dct: &[[f32; 16]; 16], variant: Dihedral) -> [[f32; 16]; 16] {
    let mut out = [[0.0f32; 16]; 16];
    for (i, row) in dct.iter().enumerate() {
        for (j, &x) in row.iter().enumerate() {
            let (transpose, negate) = variant.transform(i, j);
            let v = if negate { -x } else { x };
            if transpose {
                out[j][i] = v;
            } else {
                out[i][j] = v;
            }
        }
    }
    out
}

/// Bit `16 i + j` is set when coefficient (i, j) is strictly above the median.
pub(crate) fn bits(dct: &[[f32; 16]; 16]) -> Hash256 {
    let flat = dct.as_flattened();
    let median = torben_median(flat);
    let mut h = Hash256::ZERO;
    for (k, &x) in flat.iter().enumerate() {
        if x > median {
            h.set_bit(k);
        }
    }
    h
}
