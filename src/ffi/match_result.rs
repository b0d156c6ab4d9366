//! `percept_match_result`: a matcher's answer for one image; `percept_verdict`.

use super::pdq::{percept_dihedral, stability_fields};
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
    /// 1 when the closest entry was found from the picture inside the
    /// image's uniform borders (`border_trim`), not the whole image
    /// (valid when `match_count` > 0, else 0).
    pub best_trimmed: u32,
    /// The image hash's weak bits, as in `percept_pdq_hash` (0..=256), or
    /// `PERCEPT_WEAK_BITS_UNKNOWN` when nothing was hashed (`exact_file`
    /// is 1) or the hash passed in did not say.
    pub weak_bits: u32,
    /// 1 when the hash is stable (`weak_bits` <
    /// `PERCEPT_UNSTABLE_WEAK_BITS`), 0 when unstable or unknown. An
    /// unstable hash's re-encoded copies often fail to match, so a no-match
    /// says less; the verdict is not changed.
    pub stable: u32,
    /// 1 when `border_trim` found uniform borders around a picture and
    /// matched that picture's hashes too; the `content_*` fields are then
    /// valid (else 0).
    pub has_content_region: u32,
    /// Left edge of the picture inside the borders, in pixels.
    pub content_x: u32,
    /// Top edge of the picture inside the borders, in pixels.
    pub content_y: u32,
    /// Width of the picture inside the borders, in pixels.
    pub content_width: u32,
    /// Height of the picture inside the borders, in pixels.
    pub content_height: u32,
    /// PDQ quality of the picture inside the borders, 0..=100 (its hashes
    /// are matched only when this passes `min_quality`), or -1 when
    /// `has_content_region` is 0.
    pub content_quality: i32,
}

impl From<&ScanResult> for percept_match_result {
    fn from(r: &ScanResult) -> Self {
        let best = r.best();
        let (weak_bits, stable) = stability_fields(r.stability);
        let (x, y, width, height) = r
            .content_region
            .map_or((0, 0, 0, 0), |g| (g.x, g.y, g.width, g.height));
        // Regions lie inside images whose sides are at most u32::MAX
        // (decode limits and the pixel functions' u32 sides).
        let side = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
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
            best_trimmed: best.is_some_and(|m| m.trimmed).into(),
            weak_bits,
            stable,
            has_content_region: r.content_region.is_some().into(),
            content_x: side(x),
            content_y: side(y),
            content_width: side(width),
            content_height: side(height),
            content_quality: r.content_quality.map_or(-1, i32::from),
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
