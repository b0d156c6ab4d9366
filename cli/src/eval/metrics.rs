//! What `percept eval` measures: recall of transformed copies against their
//! originals, and false positives between distinct originals, at every
//! threshold from 0 to [`MAX_THRESHOLD`]; each with the whole image's
//! dihedral hashes and again with border trim (the hashes of the picture
//! inside uniform borders matched too, as `percept scan --border-trim`
//! does). Also how well a hash's [`Stability`] predicts the copies that
//! miss.

use rayon::prelude::*;

use percept::hash::pdq::Stability;
use percept::input::Region;
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

/// The picture inside an image's uniform borders
/// ([`percept::input::content_region`]) and its eight dihedral hashes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Inner {
    pub region: Region,
    pub dihedral: [Hash256; 8],
    pub quality: u8,
}

/// One original's hashes, quality, stability and file digest.
#[derive(Clone, Debug)]
pub struct Original {
    /// The hash a list would hold (`percept hash`).
    pub hash: Hash256,
    /// The eight dihedral hashes (`percept hash --dihedral` order).
    pub dihedral: [Hash256; 8],
    pub quality: u8,
    /// The stability of [`hash`](Self::hash).
    pub stability: Stability,
    /// The picture inside uniform borders, when the original has one.
    pub inner: Option<Inner>,
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
    /// With border trim: the smaller of `dihedral` and the closest of the
    /// eight hashes of the copy's inner picture, when it has one whose
    /// quality passes the gate (what `percept scan --border-trim` finds).
    pub trim: u32,
    pub original_quality: u8,
    pub original_stability: Stability,
    pub copy_quality: u8,
    /// The quality of the copy's inner picture, when it has one.
    pub inner_quality: Option<u8>,
}

impl Sample {
    /// Compares a copy's own hash, its eight dihedral hashes and those of
    /// its inner picture with the original's hash.
    pub fn new(
        original: &Original,
        copy: &Hash256,
        copy_dihedral: &[Hash256; 8],
        copy_quality: u8,
        copy_inner: Option<&Inner>,
        min_quality: u8,
    ) -> Sample {
        let dihedral = min_distance(copy_dihedral, &original.hash);
        Sample {
            plain: copy.distance(&original.hash),
            dihedral,
            trim: trim_distance(dihedral, copy_inner, &original.hash, min_quality),
            original_quality: original.quality,
            original_stability: original.stability,
            copy_quality,
            inner_quality: copy_inner.map(|i| i.quality),
        }
    }
}

/// The distance with border trim of a query image to a list entry's hash
/// `target`: `whole` (the whole image's dihedral distance), or the closest
/// of the inner picture's eight hashes when that is smaller and the inner
/// picture's quality passes the gate (the scanner matches no query below
/// it).
fn trim_distance(whole: u32, inner: Option<&Inner>, target: &Hash256, min_quality: u8) -> u32 {
    inner
        .filter(|i| i.quality >= min_quality)
        .map_or(whole, |i| whole.min(min_distance(&i.dihedral, target)))
}

fn min_distance(variants: &[Hash256; 8], target: &Hash256) -> u32 {
    variants
        .iter()
        .map(|v| v.distance(target))
        .min()
        .unwrap_or(Hash256::BITS)
}

/// The copies a recall curve counts; every curve, the JSON and the tables
/// are built from [`Group::ALL`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    /// Every copy that was hashed.
    All,
    /// Copies whose original and copy both have quality >= the minimum.
    QualityGated,
    /// The quality-gated copies of originals whose hash is stable
    /// ([`Stability::is_stable`]).
    Stable,
    /// The quality-gated copies of originals whose hash is not.
    Unstable,
}

impl Group {
    pub const ALL: [Group; 4] = [
        Group::QualityGated,
        Group::Stable,
        Group::Unstable,
        Group::All,
    ];

    /// The group's key in report.json.
    pub fn key(self) -> &'static str {
        match self {
            Group::All => "all",
            Group::QualityGated => "quality_gated",
            Group::Stable => "stable",
            Group::Unstable => "unstable",
        }
    }

    /// Its heading in report.md.
    pub fn title(self) -> &'static str {
        match self {
            Group::All => "every hashed copy",
            Group::QualityGated => "quality-gated (original and copy quality >= the minimum)",
            Group::Stable => "quality-gated, stable originals",
            Group::Unstable => "quality-gated, unstable originals",
        }
    }

    fn admits(self, s: &Sample, min_quality: u8) -> bool {
        let gated = s.original_quality >= min_quality && s.copy_quality >= min_quality;
        match self {
            Group::All => true,
            Group::QualityGated => gated,
            Group::Stable => gated && s.original_stability.is_stable(),
            Group::Unstable => gated && !s.original_stability.is_stable(),
        }
    }
}

/// One group's curves, one per way of comparing two images' hashes:
///
/// - `plain`: one hash against the other (a copy's own hash against its
///   original's; `a`'s against `b`'s for a pair);
/// - `dihedral`: the closest of one image's eight dihedral hashes to the
///   other's hash (the copy's to the original's; for a pair, in either
///   direction, whichever is smaller: either image can be the listed one);
/// - `trim`: the smaller of `dihedral` and the closest of the inner
///   picture's dihedral hashes ([`Sample::trim`]; for a pair, in either
///   direction), counted only when the inner picture passes the quality gate.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Curves {
    /// One hash against the other.
    pub plain: Curve,
    /// With dihedral matching.
    pub dihedral: Curve,
    /// With dihedral matching and border trim.
    pub trim: Curve,
}

/// The recall curves of one group of copies.
pub type RecallCurves = Curves;

/// The false-positive curves of one group of pairs of originals.
pub type PairCurves = Curves;

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
    /// Hashed copies with a picture inside uniform borders (each costs one
    /// more hash).
    pub regions: u64,
    /// Of those, the ones whose inner picture passes the quality gate.
    pub regions_usable: u64,
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
        regions: 0,
        regions_usable: 0,
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
        if let Some(q) = s.inner_quality {
            r.regions += 1;
            if q >= min_quality {
                r.regions_usable += 1;
            }
        }
        for (group, curves) in &mut r.groups {
            if group.admits(s, min_quality) {
                curves.plain.add(s.plain);
                curves.dihedral.add(s.dihedral);
                curves.trim.add(s.trim);
            }
        }
    }
    r
}

/// The weak-bit cut-offs the stability predictor is also evaluated at
/// ([`Stability::UNSTABLE_WEAK_BITS`] among them).
pub const PREDICTOR_CUTOFFS: [u16; 6] = [8, 16, 24, 32, 48, 64];

/// One cut-off of the stability predictor: originals with at least
/// `cutoff` weak bits are flagged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PredictorRow {
    pub cutoff: u16,
    /// Originals flagged.
    pub flagged: u64,
    /// Flagged originals whose copy missed.
    pub caught: u64,
}

/// How well the original's stability predicts that a copy misses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Predictor {
    pub threshold: u32,
    /// Originals counted: quality >= the minimum, copy hashed.
    pub originals: u64,
    /// Of those, the ones whose copy is beyond the threshold with dihedral
    /// matching.
    pub missed: u64,
    /// One per cut-off, in the order given.
    pub rows: Vec<PredictorRow>,
}

impl Predictor {
    /// `caught / missed`: the share of the misses the flag announces.
    pub fn catch_rate(&self, row: &PredictorRow) -> Option<f64> {
        (self.missed > 0).then(|| row.caught as f64 / self.missed as f64)
    }

    /// `flagged / originals`: the share of originals the flag marks.
    pub fn flag_rate(&self, row: &PredictorRow) -> Option<f64> {
        (self.originals > 0).then(|| row.flagged as f64 / self.originals as f64)
    }

    /// The row of a cut-off.
    pub fn row(&self, cutoff: u16) -> Option<&PredictorRow> {
        self.rows.iter().find(|r| r.cutoff == cutoff)
    }
}

/// The stability predictor over one transform's copies (`samples[i]` is
/// original i's copy, `None` when it failed): among originals that pass
/// the quality gate, which copies miss at `threshold`, and how many of
/// those and of all the originals each cut-off flags. The copy's own
/// quality does not matter here: the question is whether the original's
/// hash survives the transform.
pub fn predictor(
    samples: &[Option<Sample>],
    min_quality: u8,
    threshold: u32,
    cutoffs: &[u16],
) -> Predictor {
    let mut p = Predictor {
        threshold,
        originals: 0,
        missed: 0,
        rows: cutoffs
            .iter()
            .map(|&cutoff| PredictorRow {
                cutoff,
                flagged: 0,
                caught: 0,
            })
            .collect(),
    };
    for s in samples.iter().flatten() {
        if s.original_quality < min_quality {
            continue;
        }
        p.originals += 1;
        let missed = s.dihedral > threshold;
        p.missed += u64::from(missed);
        for row in &mut p.rows {
            if s.original_stability.weak_bits >= row.cutoff {
                row.flagged += 1;
                row.caught += u64::from(missed);
            }
        }
    }
    p
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

/// Two distinct originals within the listing threshold of each other
/// (with border trim, which includes every pair within it without).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClosePair {
    pub a: usize,
    pub b: usize,
    pub plain: u32,
    pub dihedral: u32,
    pub trim: u32,
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
    /// Non-duplicate pairs whose distance with border trim is within the
    /// listing threshold, in index order, at most the listing cap.
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
    /// Pairs within this distance with border trim (and so every pair
    /// within it with dihedral matching alone) are listed (for review).
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
                a.trim.merge(&b.trim);
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
                let trim =
                    trim_distance(dihedral, a.inner.as_ref(), &b.hash, rules.min_quality).min(
                        trim_distance(dihedral, b.inner.as_ref(), &a.hash, rules.min_quality),
                    );
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
                        curves.trim.add(trim);
                    }
                }
                if trim <= rules.close_threshold {
                    acc.close_total += 1;
                    if acc.close.len() < rules.close_cap {
                        acc.close.push(ClosePair {
                            a: i,
                            b: j,
                            plain,
                            dihedral,
                            trim,
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
            stability: Stability { weak_bits: 0 },
            inner: None,
            digest: [byte; 32],
        }
    }

    fn inner(hash: Hash256, quality: u8) -> Inner {
        Inner {
            region: Region {
                x: 0,
                y: 10,
                width: 64,
                height: 44,
            },
            dihedral: [hash; 8],
            quality,
        }
    }

    /// A copy's distances by hand (no border trim: `trim` = `dihedral`).
    fn sample(plain: u32, dihedral: u32, oq: u8, weak_bits: u16, cq: u8) -> Option<Sample> {
        Some(Sample {
            plain,
            dihedral,
            trim: dihedral,
            original_quality: oq,
            original_stability: Stability { weak_bits },
            copy_quality: cq,
            inner_quality: None,
        })
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
        let s = Sample::new(&o, &copy[0], &copy, 70, None, 50);
        assert_eq!(
            s,
            Sample {
                plain: 30,
                dihedral: 4,
                trim: 4,
                original_quality: 90,
                original_stability: Stability { weak_bits: 0 },
                copy_quality: 70,
                inner_quality: None,
            }
        );
    }

    /// With border trim a copy's distance is the smaller of the whole
    /// image's and the inner picture's, the latter only when its quality
    /// passes the gate.
    #[test]
    fn trim_takes_the_closer_of_whole_and_inner_picture() {
        let o = original(bits(100), 90, 1);
        let whole = [bits(160); 8];
        let mut near = inner(bits(160), 80);
        near.dihedral[3] = bits(103);
        let cases = [
            (Some(near), 3),
            (
                Some(Inner {
                    quality: 49,
                    ..near
                }),
                60,
            ),
            (
                Some(Inner {
                    quality: 50,
                    ..near
                }),
                3,
            ),
            (Some(inner(bits(0), 100)), 60),
            (Some(inner(bits(200), 100)), 60),
            (None, 60),
        ];
        for (copy_inner, trim) in cases {
            let s = Sample::new(&o, &whole[0], &whole, 70, copy_inner.as_ref(), 50);
            assert_eq!(
                (s.plain, s.dihedral, s.trim),
                (60, 60, trim),
                "{copy_inner:?}"
            );
            assert_eq!(s.inner_quality, copy_inner.map(|i| i.quality));
        }
        // The trim curve takes it, and the inner pictures are counted.
        let samples: Vec<Option<Sample>> = cases
            .iter()
            .map(|(i, _)| Some(Sample::new(&o, &whole[0], &whole, 70, i.as_ref(), 50)))
            .collect();
        let r = recall(&samples, 50);
        assert_eq!((r.regions, r.regions_usable), (5, 4));
        let (_, gated) = &r.groups[0];
        assert_eq!(gated.dihedral.within[31], 0);
        assert_eq!(gated.trim.within[31], 2);
        assert_eq!(gated.trim.fraction(31), Some(2.0 / 6.0));
    }

    /// Three originals, four copies by hand: distances 0, 12 and 40 with
    /// good qualities, one copy whose quality fell to 20, one failure, one
    /// original of quality 30.
    #[test]
    fn recall_by_hand() {
        let s = |plain, dihedral, oq, cq| sample(plain, dihedral, oq, 0, cq);
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
        let (g_all, all) = &r.groups[3];
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

    /// Four quality-gated originals, two of them unstable (the cut-off is
    /// 32 weak bits: 31 is stable, 32 is not), and a fifth, unstable, below
    /// the quality gate.
    #[test]
    fn recall_split_by_the_originals_stability() {
        let samples = [
            sample(0, 0, 100, 0, 100),
            sample(20, 20, 90, 31, 90),
            sample(10, 10, 80, 32, 80),
            sample(60, 60, 70, 100, 70),
            sample(90, 90, 30, 200, 90),
        ];
        let r = recall(&samples, 50);
        let group = |g: Group| &r.groups.iter().find(|(k, _)| *k == g).unwrap().1;
        let at31 = |g: Group| (group(g).dihedral.n, group(g).dihedral.fraction(31));
        assert_eq!(at31(Group::Stable), (2, Some(1.0)));
        assert_eq!(at31(Group::Unstable), (2, Some(0.5)));
        assert_eq!(at31(Group::QualityGated), (4, Some(0.75)));
        assert_eq!(at31(Group::All), (5, Some(0.6)));
        // The split covers the quality-gated copies exactly.
        let (stable, unstable) = (group(Group::Stable), group(Group::Unstable));
        let gated = group(Group::QualityGated);
        for t in 0..THRESHOLDS {
            assert_eq!(
                stable.plain.within[t] + unstable.plain.within[t],
                gated.plain.within[t]
            );
        }
        // A copy below the gate keeps its original out of both halves.
        let r = recall(&[sample(0, 0, 100, 40, 20)], 50);
        assert!(r
            .groups
            .iter()
            .all(|(g, c)| (c.plain.n == 1) == (*g == Group::All)));
    }

    /// Six originals pass the gate (one of them with a copy below it, which
    /// does not matter here); three copies miss at 31: those of 10, 40 and
    /// 70 weak bits.
    #[test]
    fn stability_predictor_by_hand() {
        let samples = [
            sample(5, 5, 100, 0, 100),
            sample(40, 40, 100, 10, 100),
            sample(2, 2, 100, 20, 100),
            sample(50, 50, 100, 40, 100),
            sample(100, 100, 100, 70, 100),
            sample(31, 31, 100, 90, 10),
            sample(120, 120, 20, 200, 100),
            None,
        ];
        let p = predictor(&samples, 50, 31, &[8, 16, 32, 64, 100]);
        assert_eq!((p.threshold, p.originals, p.missed), (31, 6, 3));
        let rows: Vec<(u16, u64, u64)> = p
            .rows
            .iter()
            .map(|r| (r.cutoff, r.flagged, r.caught))
            .collect();
        assert_eq!(
            rows,
            vec![(8, 5, 3), (16, 4, 2), (32, 3, 2), (64, 2, 1), (100, 0, 0)]
        );
        let rates = |c: u16| {
            let row = p.row(c).unwrap();
            (p.catch_rate(row), p.flag_rate(row))
        };
        assert_eq!(rates(8), (Some(1.0), Some(5.0 / 6.0)));
        assert_eq!(rates(16), (Some(2.0 / 3.0), Some(4.0 / 6.0)));
        assert_eq!(rates(32), (Some(2.0 / 3.0), Some(0.5)));
        assert_eq!(rates(64), (Some(1.0 / 3.0), Some(2.0 / 6.0)));
        assert_eq!(rates(100), (Some(0.0), Some(0.0)));
        // Nothing missed: no catch rate.
        let p = predictor(&samples[..1], 50, 31, &[0]);
        assert_eq!(
            (p.catch_rate(&p.rows[0]), p.flag_rate(&p.rows[0])),
            (None, Some(1.0))
        );
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
        // No inner pictures: border trim changes nothing.
        assert_eq!(all.trim, all.dihedral);
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
                dihedral: 0,
                trim: 0
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

    /// With border trim a pair's distance also takes, in either direction,
    /// one image's inner picture against the other's hash (the list
    /// entry), when the inner picture passes the gate; inner pictures are
    /// never compared with each other, and duplicates are still decided
    /// without trim.
    #[test]
    fn trim_pair_distance_takes_either_inner_picture_against_the_others_hash() {
        let rules = PairRules {
            min_quality: 50,
            duplicate_distance: 10,
            close_threshold: 31,
            close_cap: 100,
        };
        let all_within = |fp: &FalsePositives, t: usize| {
            let (_, c) = &fp.groups[1];
            (c.dihedral.within[t], c.trim.within[t])
        };
        // A letterboxed copy of B: A's inner picture is 4 bits from B.
        let mut a = original(span(0, 128), 100, 1);
        a.inner = Some(inner(span(62, 190), 80));
        let b = original(span(64, 192), 100, 2);
        for pair in [[a.clone(), b.clone()], [b.clone(), a.clone()]] {
            let fp = false_positives(&pair, rules);
            assert!(fp.duplicates.is_empty());
            assert_eq!(all_within(&fp, 3), (0, 0));
            assert_eq!(all_within(&fp, 4), (0, 1));
            assert_eq!(all_within(&fp, 127), (0, 1));
            assert_eq!(all_within(&fp, 128), (1, 1));
            assert_eq!(fp.close_total, 1);
            assert_eq!(
                (fp.close[0].plain, fp.close[0].dihedral, fp.close[0].trim),
                (128, 128, 4)
            );
        }
        // Below the gate the inner picture is not matched.
        let mut low = a.clone();
        low.inner = Some(inner(span(62, 190), 49));
        let fp = false_positives(&[low, b.clone()], rules);
        assert_eq!(all_within(&fp, 127), (0, 0));
        assert_eq!(fp.close_total, 0);
        // Two originals with the same inner picture and distant wholes:
        // neither inner picture is near the other's hash.
        let mut c = original(span(0, 128), 100, 3);
        let mut d = original(span(64, 192), 100, 4);
        c.inner = Some(inner(span(128, 256), 100));
        d.inner = c.inner;
        let fp = false_positives(&[c, d], rules);
        let (_, all) = &fp.groups[1];
        assert_eq!(all.trim, all.dihedral);
        assert_eq!(all.trim.within[127], 0);
        // The smaller of the two directions.
        let mut e = original(span(0, 128), 100, 5);
        let mut f = original(span(64, 192), 100, 6);
        e.inner = Some(inner(span(44, 172), 100));
        f.inner = Some(inner(span(10, 138), 100));
        let fp = false_positives(&[e, f], rules);
        assert_eq!(all_within(&fp, 19), (0, 0));
        assert_eq!(all_within(&fp, 20), (0, 1));
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
