//! The known-hash set: sorted hashes, ids, optional labels, and the
//! multi-index tables over them.

use rayon::prelude::*;

use super::bloom::{self, Prefilter};
use super::mih::{prefetch_ptr, MihTables, SLOTS};
use super::slab::Slab;
use crate::distance::hamming_words;
use crate::hash::pdq::Dihedral;
use crate::hash::Hash256;

/// The distance at or under which PDQ hashes are usually called a match
/// (Meta's recommended threshold for 256-bit PDQ).
pub const DEFAULT_THRESHOLD: u32 = 31;

/// Above this threshold the pigeonhole radius makes probing cost more than
/// reading every hash, so queries scan linearly.
const MAX_INDEXED_THRESHOLD: u32 = 63;

/// How many candidates ahead of the one being verified are prefetched.
const PREFETCH_AHEAD: usize = 16;

/// One stored hash with its caller-chosen id and optional label.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The stored PDQ hash.
    pub hash: Hash256,
    /// The producer's id for this hash (reported with every match).
    pub id: u64,
    /// The producer's label, if any.
    pub label: Option<String>,
}

/// A stored entry within the threshold of a query.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Match {
    /// Position of the entry in the set (sorted order), for [`KnownHashSet::entry`].
    pub entry: usize,
    /// The entry's id.
    pub id: u64,
    /// Hamming distance to the closest query variant.
    pub distance: u32,
    /// Which query variant was closest (the first, for ties).
    pub variant: Dihedral,
}

/// A query passed more hashes than an image has dihedral variants (8).
///
/// Matches name the closest variant as a [`Dihedral`], so a query holds at
/// most one hash per variant: an image's [`DihedralHashes`](crate::hash::pdq::DihedralHashes)
/// or fewer. More are refused rather than silently ignored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a query holds at most {max} hashes (one per dihedral variant), this one has {given}")]
#[non_exhaustive]
pub struct TooManyVariants {
    /// How many hashes the query had.
    pub given: usize,
    /// The most a query may have: 8.
    pub max: usize,
}

/// The most hashes one query may hold: one per [`Dihedral`] variant.
pub const MAX_VARIANTS: usize = Dihedral::ALL.len();

fn check_variants(variants: &[Hash256]) -> Result<(), TooManyVariants> {
    if variants.len() > MAX_VARIANTS {
        return Err(TooManyVariants {
            given: variants.len(),
            max: MAX_VARIANTS,
        });
    }
    Ok(())
}

/// An immutable set of known hashes, shareable across threads.
#[derive(Clone)]
pub struct KnownHashSet {
    pub(crate) hashes: Slab<[u64; 4]>,
    pub(crate) ids: Slab<u64>,
    /// `len + 1` offsets into `label_bytes`; an empty range is "no label".
    pub(crate) label_offsets: Slab<u64>,
    pub(crate) label_bytes: Slab<u8>,
    pub(crate) mih: MihTables,
    pub(crate) prefilter: Prefilter,
}

/// Whether a query consults the Bloom prefilter before the index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum PrefilterUse {
    /// Where it is measured to pay (see [`KnownHashSet::prefilter_pays`]).
    #[default]
    Auto,
    /// Always (for measurements; the answer is the same).
    Always,
    /// Never (for measurements; the answer is the same).
    Never,
}

/// Size and shape of a set's Bloom prefilter.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PrefilterInfo {
    /// The filter's size in memory (or in the list file).
    pub size_bytes: usize,
    /// Filter bits per stored hash (8 block keys each).
    pub bits_per_entry: f64,
    /// Bits tested per probe (all in one 64-byte line).
    pub bits_per_probe: u32,
}

impl KnownHashSet {
    /// Builds a set. Entries are stored sorted by hash; duplicates are kept
    /// (the same hash may carry several ids).
    ///
    /// # Panics
    /// With more than [`MAX_ENTRIES`](super::MAX_ENTRIES) entries.
    pub fn build(entries: impl IntoIterator<Item = Entry>) -> Self {
        let mut key = [0u8; 16];
        // Without OS randomness the key is still unpredictable enough to be
        // list-specific (it is mixed with the entries' digest below); the
        // filter stays exact whatever the key.
        let _ = getrandom::fill(&mut key);
        Self::build_keyed(entries, key)
    }

    /// [`build`](Self::build) with a chosen prefilter key, for reproducible
    /// list files (the same entries and key give the same bytes).
    ///
    /// # Panics
    /// With more than [`MAX_ENTRIES`](super::MAX_ENTRIES) entries.
    pub fn build_keyed(entries: impl IntoIterator<Item = Entry>, prefilter_key: [u8; 16]) -> Self {
        let mut entries: Vec<Entry> = entries.into_iter().collect();
        entries.sort_by(|a, b| a.hash.cmp(&b.hash).then(a.id.cmp(&b.id)));
        let hashes: Vec<[u64; 4]> = entries.iter().map(|e| e.hash.words()).collect();
        let ids = entries.iter().map(|e| e.id).collect();
        let mut label_offsets = Vec::with_capacity(entries.len() + 1);
        let mut label_bytes = Vec::new();
        label_offsets.push(0u64);
        for e in &entries {
            if let Some(l) = &e.label {
                label_bytes.extend_from_slice(l.as_bytes());
            }
            label_offsets.push(label_bytes.len() as u64);
        }
        let mih = MihTables::build(&hashes);
        let key = [
            u64::from_le_bytes(prefilter_key[..8].try_into().unwrap_or_default()),
            u64::from_le_bytes(prefilter_key[8..].try_into().unwrap_or_default()),
        ];
        let prefilter = Prefilter::build(&hashes, key);
        KnownHashSet {
            hashes: Slab::Owned(hashes),
            ids: Slab::Owned(ids),
            label_offsets: Slab::Owned(label_offsets),
            label_bytes: Slab::Owned(label_bytes),
            mih,
            prefilter,
        }
    }

    /// Number of stored entries.
    pub fn len(&self) -> usize {
        self.hashes.as_slice().len()
    }

    /// Whether the set holds no hash.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Entry `i` (in the set's sorted order), or `None` past the end.
    pub fn entry(&self, i: usize) -> Option<Entry> {
        let w = self.hashes.as_slice().get(i)?;
        let mut bytes = [0u8; 32];
        for (chunk, word) in bytes.chunks_exact_mut(8).zip(w) {
            chunk.copy_from_slice(&word.to_be_bytes());
        }
        Some(Entry {
            hash: Hash256::from_bytes(bytes),
            id: self.ids.as_slice()[i],
            label: self.label(i).map(str::to_string),
        })
    }

    /// The label of entry `i`, if it has one.
    pub fn label(&self, i: usize) -> Option<&str> {
        let off = self.label_offsets.as_slice();
        let (lo, hi) = (*off.get(i)? as usize, *off.get(i + 1)? as usize);
        if lo == hi {
            return None;
        }
        std::str::from_utf8(self.label_bytes.as_slice().get(lo..hi)?).ok()
    }

    /// Bytes held by the hashes, ids, labels and index tables.
    pub fn size_bytes(&self) -> usize {
        self.len() * (32 + 8)
            + self.label_offsets.as_slice().len() * 8
            + self.label_bytes.as_slice().len()
            + self.mih.size_bytes()
            + self.prefilter.size_bytes()
    }

    /// Bytes of the matching structures alone: hashes, index tables and
    /// the prefilter.
    pub fn index_size_bytes(&self) -> usize {
        self.len() * 32 + self.mih.size_bytes() + self.prefilter.size_bytes()
    }

    /// The prefilter's size and shape.
    pub fn prefilter_info(&self) -> PrefilterInfo {
        PrefilterInfo {
            size_bytes: self.prefilter.size_bytes(),
            bits_per_entry: (self.prefilter.size_bytes() * 8) as f64 / self.len().max(1) as f64,
            bits_per_probe: bloom::BITS_PER_PROBE,
        }
    }

    /// The prefilter's key (stored in list files).
    pub fn prefilter_key(&self) -> [u8; 16] {
        let mut k = [0u8; 16];
        k[..8].copy_from_slice(&self.prefilter.key[0].to_le_bytes());
        k[8..].copy_from_slice(&self.prefilter.key[1].to_le_bytes());
        k
    }

    /// Whether the prefilter is rebuilt bit for bit from the stored hashes
    /// and key (a list file's filter can be checked this way).
    pub fn prefilter_is_consistent(&self) -> bool {
        let rebuilt = Prefilter::build(self.hashes.as_slice(), self.prefilter.key);
        rebuilt.words.as_slice() == self.prefilter.words.as_slice()
    }

    /// Whether, at this threshold, consulting the prefilter is expected to
    /// cost less than the index work it can save. It probes 8 block keys
    /// per query hash at radius `T / 8`: 8 probes below T = 8, 264 below 16,
    /// thousands above; the index reads about `16 x probes x N / 2^dir_bits`
    /// candidates. Measured (docs/index-design.md): it pays below T = 8
    /// at every size tried, and nowhere from T = 8 up.
    pub fn prefilter_pays(&self, threshold: u32) -> bool {
        threshold < 8 && !self.is_empty()
    }

    /// How many of `variants` (at most 8) the prefilter alone proves to have
    /// no stored hash within `threshold` (0..=31); for measurements.
    pub fn prefilter_rejections(
        &self,
        variants: &[Hash256],
        threshold: u32,
    ) -> Result<usize, TooManyVariants> {
        check_variants(variants)?;
        let radius = (threshold / 8).min(3);
        Ok(variants
            .iter()
            .filter(|q| !self.prefilter.may_contain_near(&q.words(), radius))
            .count())
    }

    /// The same as [`prefilter_rejections`](Self::prefilter_rejections),
    /// probing with plain word operations instead of `bitvec` (for the
    /// bench that compares the two).
    #[doc(hidden)]
    pub fn prefilter_rejections_words(
        &self,
        variants: &[Hash256],
        threshold: u32,
    ) -> Result<usize, TooManyVariants> {
        check_variants(variants)?;
        let radius = (threshold / 8).min(3);
        Ok(variants
            .iter()
            .filter(|q| !self.prefilter.may_contain_near_words(&q.words(), radius))
            .count())
    }

    /// Every entry within `threshold` of `hash`.
    pub fn matches(&self, hash: &Hash256, threshold: u32) -> Vec<Match> {
        self.search(std::slice::from_ref(hash), threshold, PrefilterUse::Auto)
    }

    /// Every entry within `threshold` of any of `variants` (at most 8, in
    /// [`Dihedral::ALL`] order: pass an image's dihedral hashes), each entry
    /// once with its smallest distance. Sorted by distance, then entry.
    /// More than 8 hashes is an error ([`TooManyVariants`]).
    pub fn matches_any(
        &self,
        variants: &[Hash256],
        threshold: u32,
    ) -> Result<Vec<Match>, TooManyVariants> {
        self.matches_any_with(variants, threshold, PrefilterUse::Auto)
    }

    /// [`matches_any`](Self::matches_any) with the prefilter forced on or
    /// off (the answer is the same; only the time differs).
    pub fn matches_any_with(
        &self,
        variants: &[Hash256],
        threshold: u32,
        prefilter: PrefilterUse,
    ) -> Result<Vec<Match>, TooManyVariants> {
        check_variants(variants)?;
        Ok(self.search(variants, threshold, prefilter))
    }

    /// At most [`MAX_VARIANTS`] variants (checked by the callers).
    fn search(&self, variants: &[Hash256], threshold: u32, prefilter: PrefilterUse) -> Vec<Match> {
        let mut out = Vec::new();
        if threshold > MAX_INDEXED_THRESHOLD {
            self.linear_into(variants, threshold, &mut out);
        } else {
            let use_filter = threshold < 32
                && match prefilter {
                    PrefilterUse::Auto => self.prefilter_pays(threshold),
                    PrefilterUse::Always => true,
                    PrefilterUse::Never => false,
                };
            self.indexed_into(variants, threshold, use_filter, &mut out);
        }
        finish(&mut out);
        out
    }

    /// The same answer as [`matches_any`](Self::matches_any) by reading every
    /// stored hash: the brute-force reference, and the baseline in benches.
    pub fn matches_linear(
        &self,
        variants: &[Hash256],
        threshold: u32,
    ) -> Result<Vec<Match>, TooManyVariants> {
        check_variants(variants)?;
        let mut out = Vec::new();
        self.linear_into(variants, threshold, &mut out);
        finish(&mut out);
        Ok(out)
    }

    /// [`matches_any`](Self::matches_any) for many images, on all cores
    /// (rayon's global pool: call it only where a batch may use threads).
    pub fn matches_batch(
        &self,
        queries: &[Vec<Hash256>],
        threshold: u32,
    ) -> Result<Vec<Vec<Match>>, TooManyVariants> {
        queries
            .par_iter()
            .map(|q| self.matches_any(q, threshold))
            .collect()
    }

    // The dispatch below is spelled out twice on purpose: routing both
    // through one `#[target_feature]` helper taking a closure compiles the
    // closure body without popcnt (measured: the linear scan 2.5x slower).
    fn indexed_into(
        &self,
        variants: &[Hash256],
        threshold: u32,
        use_filter: bool,
        out: &mut Vec<Match>,
    ) {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("popcnt") {
            // SAFETY: the CPU supports popcnt (checked just above).
            unsafe { self.indexed_popcnt(variants, threshold, use_filter, out) };
            return;
        }
        self.indexed_generic(variants, threshold, use_filter, out);
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "popcnt")]
    unsafe fn indexed_popcnt(
        &self,
        variants: &[Hash256],
        threshold: u32,
        use_filter: bool,
        out: &mut Vec<Match>,
    ) {
        self.indexed_generic(variants, threshold, use_filter, out);
    }

    #[inline(always)]
    fn indexed_generic(
        &self,
        variants: &[Hash256],
        threshold: u32,
        use_filter: bool,
        out: &mut Vec<Match>,
    ) {
        let hashes = self.hashes.as_slice();
        let ids = self.ids.as_slice();
        let radius = threshold / SLOTS as u32;
        let mut probes = Vec::new();
        let mut candidates = Vec::new();
        for (v, q) in variants.iter().enumerate() {
            let q = q.words();
            // Pigeonhole over 8 blocks: a stored hash within T has a block
            // within T / 8 bits, so an all-negative probe set rules out
            // every stored hash for this variant.
            if use_filter && !self.prefilter.may_contain_near(&q, threshold / 8) {
                continue;
            }
            candidates.clear();
            self.mih
                .gather_candidates(hashes.len(), &q, radius, &mut probes, &mut candidates);
            // Candidates sit at random places in the hash array: keep
            // PREFETCH_AHEAD of their cache lines in flight while verifying.
            for &c in candidates.iter().take(PREFETCH_AHEAD) {
                prefetch_ptr(hashes.get(c as usize));
            }
            for (i, &c) in candidates.iter().enumerate() {
                if let Some(&ahead) = candidates.get(i + PREFETCH_AHEAD) {
                    prefetch_ptr(hashes.get(ahead as usize));
                }
                let e = c as usize;
                // `get`: candidates from an unverified list file may be junk.
                let Some(h) = hashes.get(e) else { continue };
                let d = hamming_words(h, &q);
                if d <= threshold {
                    out.push(Match {
                        entry: e,
                        id: ids.get(e).copied().unwrap_or_default(),
                        distance: d,
                        variant: Dihedral::ALL[v],
                    });
                }
            }
        }
    }

    fn linear_into(&self, variants: &[Hash256], threshold: u32, out: &mut Vec<Match>) {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("popcnt") {
            // SAFETY: the CPU supports popcnt (checked just above).
            unsafe { self.linear_popcnt(variants, threshold, out) };
            return;
        }
        self.linear_generic(variants, threshold, out);
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "popcnt")]
    unsafe fn linear_popcnt(&self, variants: &[Hash256], threshold: u32, out: &mut Vec<Match>) {
        self.linear_generic(variants, threshold, out);
    }

    /// One pass over the hashes, all variants per stored hash, so memory is
    /// read once whatever the number of variants.
    #[inline(always)]
    fn linear_generic(&self, variants: &[Hash256], threshold: u32, out: &mut Vec<Match>) {
        let qs: Vec<[u64; 4]> = variants.iter().map(Hash256::words).collect();
        let ids = self.ids.as_slice();
        for (e, h) in self.hashes.as_slice().iter().enumerate() {
            for (v, q) in qs.iter().enumerate() {
                let d = hamming_words(h, q);
                if d <= threshold {
                    out.push(Match {
                        entry: e,
                        id: ids[e],
                        distance: d,
                        variant: Dihedral::ALL[v],
                    });
                }
            }
        }
    }
}

/// Keeps one match per entry (smallest distance, then first variant) and
/// sorts by distance, then entry.
fn finish(out: &mut Vec<Match>) {
    out.sort_unstable_by_key(|m| (m.entry, m.distance, m.variant as u8));
    out.dedup_by_key(|m| m.entry);
    out.sort_unstable_by_key(|m| (m.distance, m.entry));
}
