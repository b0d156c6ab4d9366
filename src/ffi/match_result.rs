//! `percept_match_result`: a matcher's answer for one image; `percept_verdict`.

use super::pdq::percept_dihedral;
use crate::scan::{ScanResult, Verdict};

/// The answer for one image (`PERCEPT_VERDICT_*`).
pub type percept_verdict = u32;

/// Nothing on the list within the threshold.
pub const PERCEPT_VERDICT_NO_MATCH: percept_verdict = 0;
/// The file's bytes, or a hash within the threshold, are on the list.
pub const PERCEPT_VERDICT_MATCH: percept_verdict = 1;
/// The image's PDQ quality is below the minimum: no verdict either way.
pub const PERCEPT_VERDICT_UNRELIABLE: percept_verdict = 2;

/// A matcher's answer for one image.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct percept_match_result {
    /// Number of list entries within the threshold (0 unless the verdict
    /// is a match by hash).
    pub match_count: u64,
    /// The closest entry's id, as given when the list was built (valid when
    /// `match_count` > 0, else 0).
    pub best_id: u64,
    /// The closest entry's position in the list, for
    /// `percept_matcher_entry_label` (valid when `match_count` > 0, else 0).
    pub best_entry: u64,
    /// `PERCEPT_VERDICT_*`.
    pub verdict: percept_verdict,
    /// 1 when the verdict came from the list's exact-file digests (the
    /// encoded bytes are a listed file; nothing was decoded), else 0.
    pub exact_file: u32,
    /// The image's PDQ quality, 0..=100, or -1 when nothing was hashed
    /// (`exact_file` is 1).
    pub quality: i32,
    /// Hamming distance from the closest entry to the closest of the image's
    /// hashes (valid when `match_count` > 0, else 0).
    pub best_distance: u32,
    /// `PERCEPT_DIHEDRAL_*`: which rotation/flip of the image was closest
    /// (valid when `match_count` > 0, else 0).
    pub best_variant: percept_dihedral,
}

impl From<&ScanResult> for percept_match_result {
    fn from(r: &ScanResult) -> Self {
        let best = r.best();
        percept_match_result {
            match_count: r.matches.len() as u64,
            best_id: best.map_or(0, |m| m.id),
            best_entry: best.map_or(0, |m| m.entry as u64),
            verdict: match r.verdict {
                Verdict::NoMatch => PERCEPT_VERDICT_NO_MATCH,
                Verdict::Match => PERCEPT_VERDICT_MATCH,
                Verdict::Unreliable => PERCEPT_VERDICT_UNRELIABLE,
            },
            exact_file: r.exact_file.into(),
            quality: r.quality.map_or(-1, i32::from),
            best_distance: best.map_or(0, |m| m.distance),
            best_variant: best.map_or(0, |m| m.variant as percept_dihedral),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::pdq::*;
    use crate::hash::pdq::Dihedral;

    #[test]
    fn dihedral_constants_follow_the_rust_order() {
        let constants = [
            PERCEPT_DIHEDRAL_ORIGINAL,
            PERCEPT_DIHEDRAL_ROTATE90,
            PERCEPT_DIHEDRAL_ROTATE180,
            PERCEPT_DIHEDRAL_ROTATE270,
            PERCEPT_DIHEDRAL_FLIP_X,
            PERCEPT_DIHEDRAL_FLIP_Y,
            PERCEPT_DIHEDRAL_FLIP_PLUS1,
            PERCEPT_DIHEDRAL_FLIP_MINUS1,
        ];
        for (i, (v, c)) in Dihedral::ALL.iter().zip(constants).enumerate() {
            assert_eq!(*v as percept_dihedral, c);
            assert_eq!(c as usize, i);
        }
    }
}
