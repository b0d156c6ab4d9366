//! What `percept eval` measures: recall of transformed copies against their
//! originals, and false positives between distinct originals, at every
//! threshold from 0 to [`MAX_THRESHOLD`].

use rayon::prelude::*;

use percept::Hash256;

/// Curves run over thresholds `0..=MAX_THRESHOLD`.
pub const MAX_THRESHOLD: u32 = 128;

/// Number of thresholds on a curve.
pub const THRESHOLDS: usize = MAX_THRESHOLD as usize + 1;

/// How many of `n` distances are within each threshold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Curve {
    /// Distances added.
    pub n: u64,
    /// `within[t]`: distances `<= t`.
    pub within: [u64; THRESHOLDS],
}

impl Default for Curve {
    fn default() -> Self {
        Curve {
            n: 0,
            within: [0; THRESHOLDS],
        }
    }
}

impl Curve {
    fn add(&mut self, distance: u32) {
        self.n += 1;
        for w in self.within.iter_mut().skip(distance as usize) {
            *w += 1;
        }
    }

    fn merge(&mut self, other: &Curve) {
        self.n += other.n;
        for (a, b) in self.within.iter_mut().zip(&other.within) {
            *a += b;
        }
    }

    /// `within[t] / n` for every threshold; `None` when nothing was added.
    pub fn fractions(&self) -> Vec<Option<f64>> {
        self.within
            .iter()
            .map(|&w| (self.n > 0).then(|| w as f64 / self.n as f64))
            .collect()
    }

    /// `within[t] / n` at one threshold.
    pub fn fraction(&self, t: u32) -> Option<f64> {
        (self.n > 0).then(|| self.within[t as usize] as f64 / self.n as f64)
    }
}

/// One original's hashes, quality and file digest.
#[derive(Clone, Debug)]
pub struct Original {
    /// The hash a list would hold (`percept hash`).
    pub hash: Hash256,
    /// The eight dihedral hashes (`percept hash --dihedral` order).
    pub dihedral: [Hash256; 8],
    pub quality: u8,
    /// BLAKE3 of the file's bytes.
    pub digest: [u8; 32],
}

/// One transformed copy compared with its original.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sample {
    /// The copy's hash against the original's hash.
    pub plain: u32,
    /// The closest of the copy's eight dihedral hashes to the original's
    /// hash (what `percept scan` finds).
    pub dihedral: u32,
    pub original_quality: u8,
    pub copy_quality: u8,
}

impl Sample {
    /// Compares a copy's own hash and its eight dihedral hashes with the
    /// original's hash.
    pub fn new(
        original: &Original,
        copy: &Hash256,
        copy_dihedral: &[Hash256; 8],
        copy_quality: u8,
    ) -> Sample {
        Sample {
            plain: copy.distance(&original.hash),
            dihedral: min_distance(copy_dihedral, &original.hash),
            original_quality: original.quality,
            copy_quality,
        }
    }
}

fn min_distance(variants: &[Hash256; 8], target: &Hash256) -> u32 {
    variants
        .iter()
        .map(|v| v.distance(target))
        .min()
        .unwrap_or(Hash256::BITS)
}

/// The copies a recall curve counts.
///
/// Extension point: when the library reports whether a hash is stable
/// under small changes, `Sample` gains a `stable: bool` and this enum
/// gains the two groups that split `QualityGated` by it; every curve, the
/// JSON and the tables are built from [`Group::ALL`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    /// Every copy that was hashed.
    All,
    /// Copies whose original and copy both have quality >= the minimum.
    QualityGated,
}

impl Group {
    pub const ALL: [Group; 2] = [Group::QualityGated, Group::All];

    /// The group's key in report.json.
    pub fn key(self) -> &'static str {
        match self {
            Group::All => "all",
            Group::QualityGated => "quality_gated",
        }
    }

    /// Its heading in report.md.
    pub fn title(self) -> &'static str {
        match self {
            Group::All => "every hashed copy",
            Group::QualityGated => "quality-gated (original and copy quality >= the minimum)",
        }
    }

    fn admits(self, s: &Sample, min_quality: u8) -> bool {
        match self {
            Group::All => true,
            Group::QualityGated => {
                s.original_quality >= min_quality && s.copy_quality >= min_quality
            }
        }
    }
}

/// The two curves of one group of copies.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RecallCurves {
    /// Copy hash against original hash.
    pub plain: Curve,
    /// Closest dihedral hash of the copy against the original hash.
    pub dihedral: Curve,
}

/// Recall of one transform over the corpus.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recall {
    /// Copies compared (made, decoded and hashed).
    pub hashed: u64,
    /// Copies that could not be made, decoded or hashed: in no curve.
    pub failed: u64,
    /// Left out of the quality-gated curves because the original's quality
    /// is below the minimum.
    pub low_quality_original: u64,
    /// Left out of the quality-gated curves because the copy's quality is
    /// below the minimum while the original's is not.
    pub low_quality_copy: u64,
    /// One entry per [`Group::ALL`].
    pub groups: Vec<(Group, RecallCurves)>,
}

/// Recall of one transform: `samples[i]` is original i's copy, `None` when
/// it failed.
pub fn recall(samples: &[Option<Sample>], min_quality: u8) -> Recall {
    let mut r = Recall {
        hashed: 0,
        failed: 0,
        low_quality_original: 0,
        low_quality_copy: 0,
        groups: Group::ALL
            .iter()
            .map(|&g| (g, RecallCurves::default()))
            .collect(),
    };
    for s in samples {
        let Some(s) = s else {
            r.failed += 1;
            continue;
        };
        r.hashed += 1;
        if s.original_quality < min_quality {
            r.low_quality_original += 1;
        } else if s.copy_quality < min_quality {
            r.low_quality_copy += 1;
        }
        for (group, curves) in &mut r.groups {
            if group.admits(s, min_quality) {
                curves.plain.add(s.plain);
                curves.dihedral.add(s.dihedral);
            }
        }
    }
    r
}

/// Two originals treated as the same picture: left out of the false
/// positives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DuplicatePair {
    pub a: usize,
    pub b: usize,
    /// Identical bytes.
    pub same_bytes: bool,
    pub plain: u32,
    pub dihedral: u32,
}

/// Two distinct originals within the listing threshold of each other.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClosePair {
    pub a: usize,
    pub b: usize,
    pub plain: u32,
    pub dihedral: u32,
}

/// The pair curves of one group of originals.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PairCurves {
    /// `a`'s hash against `b`'s.
    pub plain: Curve,
    /// The closest of `a`'s dihedral hashes to `b`'s hash, or of `b`'s to
    /// `a`'s, whichever is smaller (either image can be the one on the
    /// list).
    pub dihedral: Curve,
}

/// False positives between distinct originals.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FalsePositives {
    /// All unordered pairs of originals, n (n - 1) / 2.
    pub pairs: u64,
    /// Pairs left out as duplicates, by index.
    pub duplicates: Vec<DuplicatePair>,
    /// Pair curves for [`PairGroup::ALL`]; duplicates are in none.
    pub groups: Vec<(PairGroup, PairCurves)>,
    /// Non-duplicate pairs whose dihedral distance is within the listing
    /// threshold, in index order, at most the listing cap.
    pub close: Vec<ClosePair>,
    /// How many such pairs there are in all.
    pub close_total: u64,
}

/// The pairs a false-positive curve counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PairGroup {
    /// Every pair that is not a duplicate.
    All,
    /// Pairs of originals that both have quality >= the minimum.
    QualityGated,
}

impl PairGroup {
    pub const ALL: [PairGroup; 2] = [PairGroup::QualityGated, PairGroup::All];

    pub fn key(self) -> &'static str {
        match self {
            PairGroup::All => "all",
            PairGroup::QualityGated => "quality_gated",
        }
    }

    fn admits(self, a: &Original, b: &Original, min_quality: u8) -> bool {
        match self {
            PairGroup::All => true,
            PairGroup::QualityGated => a.quality >= min_quality && b.quality >= min_quality,
        }
    }
}

/// How pairs of originals are judged.
#[derive(Clone, Copy, Debug)]
pub struct PairRules {
    pub min_quality: u8,
    /// Two originals whose bytes are identical, or which both pass the
    /// quality gate and whose dihedral distance is at most this, are the
    /// same picture: a duplicate pair, not a false positive.
    pub duplicate_distance: u32,
    /// Pairs within this dihedral distance are listed (for review).
    pub close_threshold: u32,
    /// At most this many are listed.
    pub close_cap: usize,
}

#[derive(Default)]
struct PairPartial {
    duplicates: Vec<DuplicatePair>,
    groups: Vec<PairCurves>,
    close: Vec<ClosePair>,
    close_total: u64,
}

impl PairPartial {
    fn merge(mut self, other: PairPartial, cap: usize) -> PairPartial {
        self.duplicates.extend(other.duplicates);
        if self.groups.is_empty() {
            self.groups = other.groups;
        } else {
            for (a, b) in self.groups.iter_mut().zip(&other.groups) {
                a.plain.merge(&b.plain);
                a.dihedral.merge(&b.dihedral);
            }
        }
        self.close.extend(other.close);
        self.close.truncate(cap);
        self.close_total += other.close_total;
        self
    }
}

/// Every unordered pair of `originals`, on the rayon pool.
pub fn false_positives(originals: &[Original], rules: PairRules) -> FalsePositives {
    let n = originals.len();
    let partial = (0..n)
        .into_par_iter()
        .fold(PairPartial::default, |mut acc, i| {
            if acc.groups.is_empty() {
                acc.groups = vec![PairCurves::default(); PairGroup::ALL.len()];
            }
            let a = &originals[i];
            for (j, b) in originals.iter().enumerate().skip(i + 1) {
                let plain = a.hash.distance(&b.hash);
                let dihedral = min_distance(&a.dihedral, &b.hash)
                    .min(min_distance(&b.dihedral, &a.hash))
                    .min(plain);
                let same_bytes = a.digest == b.digest;
                let both_reliable =
                    a.quality >= rules.min_quality && b.quality >= rules.min_quality;
                if same_bytes || (both_reliable && dihedral <= rules.duplicate_distance) {
                    acc.duplicates.push(DuplicatePair {
                        a: i,
                        b: j,
                        same_bytes,
                        plain,
                        dihedral,
                    });
                    continue;
                }
                for (group, curves) in PairGroup::ALL.iter().zip(&mut acc.groups) {
                    if group.admits(a, b, rules.min_quality) {
                        curves.plain.add(plain);
                        curves.dihedral.add(dihedral);
                    }
                }
                if dihedral <= rules.close_threshold {
                    acc.close_total += 1;
                    if acc.close.len() < rules.close_cap {
                        acc.close.push(ClosePair {
                            a: i,
                            b: j,
                            plain,
                            dihedral,
                        });
                    }
                }
            }
            acc
        })
        .reduce(PairPartial::default, |a, b| a.merge(b, rules.close_cap));
    let mut duplicates = partial.duplicates;
    duplicates.sort_by_key(|d| (d.a, d.b));
    let mut close = partial.close;
    close.sort_by_key(|c| (c.a, c.b));
    let groups = if partial.groups.is_empty() {
        vec![PairCurves::default(); PairGroup::ALL.len()]
    } else {
        partial.groups
    };
    FalsePositives {
        pairs: (n as u64) * (n as u64).saturating_sub(1) / 2,
        duplicates,
        groups: PairGroup::ALL.iter().copied().zip(groups).collect(),
        close,
        close_total: partial.close_total,
    }
}

/// The largest rate that zero events in `n` trials leave plausible at 95 %
/// confidence (the rule of three: 3 / n); `None` for no trials.
pub fn rule_of_three(n: u64) -> Option<f64> {
    (n > 0).then(|| 3.0 / n as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A hash with the first `k` bits set.
    fn bits(k: usize) -> Hash256 {
        let mut h = Hash256::ZERO;
        for i in 0..k {
            h.set_bit(i);
        }
        h
    }

    /// A hash with bits `from..to` set.
    fn span(from: usize, to: usize) -> Hash256 {
        let mut h = Hash256::ZERO;
        for i in from..to {
            h.set_bit(i);
        }
        h
    }

    fn original(hash: Hash256, quality: u8, byte: u8) -> Original {
        Original {
            hash,
            dihedral: [hash; 8],
            quality,
            digest: [byte; 32],
        }
    }

    #[test]
    fn curves_are_cumulative() {
        let mut c = Curve::default();
        for d in [0, 5, 5, 40, 200] {
            c.add(d);
        }
        assert_eq!(c.n, 5);
        assert_eq!(c.within[0], 1);
        assert_eq!(c.within[4], 1);
        assert_eq!(c.within[5], 3);
        assert_eq!(c.within[39], 3);
        assert_eq!(c.within[40], 4);
        // 200 is beyond every threshold on the curve.
        assert_eq!(c.within[128], 4);
        assert_eq!(c.fraction(5), Some(0.6));
        assert_eq!(Curve::default().fraction(5), None);
        assert_eq!(c.fractions().len(), THRESHOLDS);
    }

    #[test]
    fn sample_takes_the_closest_dihedral_variant() {
        let o = original(bits(100), 90, 1);
        // Own hash 30 bits away; one variant 4 bits away.
        let mut copy = [bits(130); 8];
        copy[5] = bits(104);
        let s = Sample::new(&o, &copy[0], &copy, 70);
        assert_eq!(
            s,
            Sample {
                plain: 30,
                dihedral: 4,
                original_quality: 90,
                copy_quality: 70
            }
        );
    }

    /// Three originals, four copies by hand: distances 0, 12 and 40 with
    /// good qualities, one copy whose quality fell to 20, one failure, one
    /// original of quality 30.
    #[test]
    fn recall_by_hand() {
        let s = |plain, dihedral, oq, cq| {
            Some(Sample {
                plain,
                dihedral,
                original_quality: oq,
                copy_quality: cq,
            })
        };
        let samples = [
            s(0, 0, 100, 100),
            s(12, 12, 80, 90),
            s(128, 40, 60, 60),
            s(3, 3, 100, 20),
            None,
            s(9, 9, 30, 100),
        ];
        let r = recall(&samples, 50);
        assert_eq!((r.hashed, r.failed), (5, 1));
        assert_eq!((r.low_quality_original, r.low_quality_copy), (1, 1));
        let (g_gated, gated) = &r.groups[0];
        let (g_all, all) = &r.groups[1];
        assert_eq!((*g_all, *g_gated), (Group::All, Group::QualityGated));
        // Every hashed copy: distances 0, 12, 128, 3, 9 (plain).
        assert_eq!(all.plain.n, 5);
        assert_eq!(all.plain.fraction(0), Some(0.2));
        assert_eq!(all.plain.fraction(8), Some(0.4));
        assert_eq!(all.plain.fraction(12), Some(0.8));
        assert_eq!(all.plain.fraction(127), Some(0.8));
        assert_eq!(all.plain.fraction(128), Some(1.0));
        assert_eq!(all.dihedral.fraction(40), Some(1.0));
        // Gated: only the first three (0, 12, 128 plain; 0, 12, 40 dihedral).
        assert_eq!(gated.plain.n, 3);
        assert_eq!(gated.plain.within[31], 2);
        assert_eq!(gated.dihedral.within[31], 2);
        assert_eq!(gated.dihedral.within[40], 3);
        assert_eq!(gated.plain.within[40], 2);
    }

    /// Four originals: A and B 20 bits apart, C 100 from A, D a byte copy
    /// of A. A low-quality E is 0 bits from C.
    #[test]
    fn false_positives_by_hand() {
        let a = original(span(0, 128), 100, 1);
        let b = original(span(20, 148), 90, 2);
        let c = original(span(100, 228), 80, 3);
        let d = original(span(0, 128), 100, 1);
        let e = original(span(100, 228), 10, 5);
        let rules = PairRules {
            min_quality: 50,
            duplicate_distance: 10,
            close_threshold: 31,
            close_cap: 100,
        };
        let fp = false_positives(&[a, b, c, d, e], rules);
        assert_eq!(fp.pairs, 10);
        // A-D (same bytes) only: C-E is 0 bits apart but E is below the
        // quality gate, so it stays a false positive, counted in "all".
        assert_eq!(
            fp.duplicates,
            vec![DuplicatePair {
                a: 0,
                b: 3,
                same_bytes: true,
                plain: 0,
                dihedral: 0
            }]
        );
        let (_, gated) = &fp.groups[0];
        let (_, all) = &fp.groups[1];
        // Distances of the 9 pairs left: A-B 40, A-C 200, A-E 200, B-C 160,
        // B-D 40, B-E 160, C-D 200, C-E 0, D-E 200.
        assert_eq!(all.plain.n, 9);
        assert_eq!(all.plain.within[0], 1);
        assert_eq!(all.plain.within[39], 1);
        assert_eq!(all.plain.within[40], 3);
        assert_eq!(all.plain.within[128], 3);
        // Gated: A, B, C, D: A-B 40, A-C, B-C, B-D 40, C-D.
        assert_eq!(gated.plain.n, 5);
        assert_eq!(gated.plain.within[40], 2);
        assert_eq!(gated.plain.fraction(40), Some(0.4));
        // Listed within 31: C-E only.
        assert_eq!(fp.close_total, 1);
        assert_eq!(
            fp.close,
            vec![ClosePair {
                a: 2,
                b: 4,
                plain: 0,
                dihedral: 0
            }]
        );
    }

    #[test]
    fn dihedral_pair_distance_takes_either_direction() {
        // A's rot90 variant is 8 bits from B's hash; B's variants are all
        // B's hash, 128 bits from A's.
        let mut a = original(span(0, 128), 100, 1);
        a.dihedral[1] = span(60, 188);
        let b = original(span(64, 192), 100, 2);
        let rules = PairRules {
            min_quality: 50,
            duplicate_distance: 10,
            close_threshold: 31,
            close_cap: 100,
        };
        let fp = false_positives(&[b.clone(), a.clone()], rules);
        assert_eq!(fp.duplicates.len(), 1);
        assert_eq!(
            (fp.duplicates[0].plain, fp.duplicates[0].dihedral),
            (128, 8)
        );
        // With a smaller duplicate distance the pair is a false positive
        // from 8 with dihedral matching and from 128 without.
        let fp = false_positives(
            &[a, b],
            PairRules {
                duplicate_distance: 4,
                ..rules
            },
        );
        let (_, all) = &fp.groups[1];
        assert!(fp.duplicates.is_empty());
        assert_eq!((all.dihedral.within[7], all.dihedral.within[8]), (0, 1));
        assert_eq!((all.plain.within[127], all.plain.within[128]), (0, 1));
    }

    #[test]
    fn close_pairs_are_capped_but_counted() {
        let many: Vec<Original> = (0..6)
            .map(|i| original(span(0, 128 + 12 * i), 100, i as u8))
            .collect();
        let rules = PairRules {
            min_quality: 50,
            duplicate_distance: 10,
            close_threshold: 31,
            close_cap: 2,
        };
        let fp = false_positives(&many, rules);
        // Neighbours are 12 apart, two steps 24, three 36: 5 + 4 pairs.
        assert_eq!(fp.close_total, 9);
        assert_eq!(fp.close.len(), 2);
        assert_eq!((fp.close[0].a, fp.close[0].b), (0, 1));
        assert_eq!((fp.close[1].a, fp.close[1].b), (0, 2));
    }

    #[test]
    fn rule_of_three_bound() {
        assert_eq!(rule_of_three(300), Some(0.01));
        assert_eq!(rule_of_three(0), None);
    }
}
