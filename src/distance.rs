//! Hamming distance between hashes.
//!
//! [`hamming`] is the one definition every layer above uses; the index layer
//! will add batched SIMD forms beside it, tested equal to it.

use crate::hash::Hash256;

/// Number of differing bits between two 256-bit hashes (0..=256).
#[inline]
pub fn hamming(a: &Hash256, b: &Hash256) -> u32 {
    a.distance(b)
}

/// Whether `a` and `b` are within `threshold` bits of each other.
#[inline]
pub fn within(a: &Hash256, b: &Hash256, threshold: u32) -> bool {
    hamming(a, b) <= threshold
}

/// Hamming distance between two hashes held as four 64-bit words (the
/// index's storage form).
#[inline(always)]
pub fn hamming_words(a: &[u64; 4], b: &[u64; 4]) -> u32 {
    (a[0] ^ b[0]).count_ones()
        + (a[1] ^ b[1]).count_ones()
        + (a[2] ^ b[2]).count_ones()
        + (a[3] ^ b[3]).count_ones()
}
