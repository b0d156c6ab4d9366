//! How firmly a hash's bits are set.
//!
//! Bit k of a PDQ hash says whether DCT value k lies above the median of
//! the 256 values. A value close to the median is decided by rounding:
//! re-encoding, resizing or any tiny edit can move it across, flipping the
//! bit. A photo has few such values; a flat or symmetric drawing (a flag,
//! an icon, a tiled pattern) can have dozens or, by symmetry, a hundred
//! values exactly at the median, and then even a JPEG quality-90 copy
//! lands beyond the match threshold. Quality does not see this: such
//! drawings usually have quality 100.
//!
//! [`Stability::weak_bits`] counts the values within [`Stability::WEAK_MARGIN`]
//! of the median, from the DCT the hash is computed from; the hash and
//! the quality are unchanged.

use super::median::torben_median;

/// How many of a hash's 256 bits are weak: set by values so close to the
/// median that a re-encoded copy can flip them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Stability {
    /// DCT values within [`WEAK_MARGIN`](Self::WEAK_MARGIN) of the median
    /// (0..=256; 256 for an image too small to hash).
    pub weak_bits: u16,
}

impl Stability {
    /// The margin, in the DCT's own units (luma 0..=255 through PDQ's
    /// 64x64 to 16x16 DCT), within which a value counts as weak.
    pub const WEAK_MARGIN: f32 = 0.3;

    /// At this many weak bits or more a hash is unstable: a re-encoded
    /// copy of the image is likely to land beyond the match threshold.
    pub const UNSTABLE_WEAK_BITS: u16 = 32;

    /// The stability of an image too small to hash (every bit is weak).
    pub const NO_HASH: Stability = Stability { weak_bits: 256 };

    /// Whether the hash is stable: fewer than
    /// [`UNSTABLE_WEAK_BITS`](Self::UNSTABLE_WEAK_BITS) weak bits.
    pub fn is_stable(self) -> bool {
        self.weak_bits < Self::UNSTABLE_WEAK_BITS
    }

    /// The stability of the hash computed from `dct` (the original
    /// orientation's values, before thresholding).
    pub(crate) fn of(dct: &[[f32; 16]; 16]) -> Self {
        let flat = dct.as_flattened();
        let median = torben_median(flat);
        let weak = flat
            .iter()
            .filter(|&&v| (v - median).abs() <= Self::WEAK_MARGIN)
            .count();
        Stability {
            weak_bits: weak as u16,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_at_the_median_are_weak() {
        // Spread values: none within the margin but the median itself.
        let mut dct = [[0.0f32; 16]; 16];
        for (k, v) in dct.as_flattened_mut().iter_mut().enumerate() {
            *v = k as f32 * 10.0;
        }
        assert_eq!(Stability::of(&dct).weak_bits, 1);
        assert!(Stability::of(&dct).is_stable());
        // Half the values exactly equal (a symmetric image's zeros).
        for v in dct.as_flattened_mut().iter_mut().step_by(2) {
            *v = 0.0;
        }
        let s = Stability::of(&dct);
        assert_eq!(s.weak_bits, 128);
        assert!(!s.is_stable());
        assert!(!Stability::NO_HASH.is_stable());
    }
}
