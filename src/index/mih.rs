//! Multi-index hashing (Norouzi et al.; Meta's MIH uses the same split):
//! the 256 bits are cut into 16 slots of 16 bits. If two hashes are within
//! distance T, then by pigeonhole at least one slot differs in at most
//! `floor(T / 16)` bits, so probing every slot at that radius finds every
//! match; verification with the full distance removes the rest. Exact by
//! construction: no match is missed and none is invented.
//!
//! Storage: the hashes themselves are kept sorted, which makes them slot 0's
//! table; for slots 1..16 a permutation lists entries sorted by that slot's
//! key. A directory per slot maps the top `dir_bits` of a key to a range of
//! that order. Permutation entries are 3-byte (lists below 2^24 entries),
//! the directory is sized to about one bucket per four entries, so the index
//! costs 45 bytes per hash plus at most ~4 MB of directories.

use super::slab::Slab;

pub(crate) const SLOTS: usize = 16;
pub(crate) const SLOT_BITS: u32 = 16;
/// Largest list the 3-byte permutation entries can address.
pub const MAX_ENTRIES: usize = (1 << 24) - 1;

/// The 16-bit key of slot `s` (0 = most significant bits).
#[inline(always)]
pub(crate) fn slot_key(words: &[u64; 4], s: usize) -> u32 {
    ((words[s / 4] >> (48 - 16 * (s % 4))) & 0xffff) as u32
}

/// Directory bits for `n` entries: about four entries per bucket, at most
/// a full 16-bit directory, at least 2 bits.
pub(crate) fn dir_bits_for(n: usize) -> u32 {
    let log2 = usize::BITS - n.max(1).leading_zeros() - 1;
    log2.saturating_sub(2).clamp(2, SLOT_BITS)
}

/// Reads entry `i` of a packed little-endian u24 array.
#[inline(always)]
fn u24_at(bytes: &[u8], i: usize) -> u32 {
    let p = &bytes[3 * i..3 * i + 3];
    p[0] as u32 | (p[1] as u32) << 8 | (p[2] as u32) << 16
}

/// The per-slot tables. `dir` holds `SLOTS` directories of `2^dir_bits + 1`
/// offsets; `perm` holds slots 1..16's orders as packed u24.
#[derive(Clone)]
pub(crate) struct MihTables {
    pub(crate) dir_bits: u32,
    pub(crate) dir: Slab<u32>,
    pub(crate) perm: Slab<u8>,
}

impl MihTables {
    /// Builds the tables for hashes already sorted (so by slot 0 too).
    pub(crate) fn build(hashes: &[[u64; 4]]) -> Self {
        let n = hashes.len();
        assert!(n <= MAX_ENTRIES, "{n} entries exceed the index limit");
        let dir_bits = dir_bits_for(n);
        let buckets = 1usize << dir_bits;
        let shift = SLOT_BITS - dir_bits;
        let mut dir = vec![0u32; SLOTS * (buckets + 1)];
        let mut perm = vec![0u8; 3 * (SLOTS - 1) * n];
        for s in 0..SLOTS {
            let d = &mut dir[s * (buckets + 1)..(s + 1) * (buckets + 1)];
            for h in hashes {
                d[(slot_key(h, s) >> shift) as usize + 1] += 1;
            }
            for b in 0..buckets {
                d[b + 1] += d[b];
            }
            if s == 0 {
                continue; // the sorted hashes are slot 0's order
            }
            // Counting sort, stable: entries with equal keys stay in index order.
            let mut next: Vec<u32> = d[..buckets].to_vec();
            let p = &mut perm[3 * (s - 1) * n..3 * s * n];
            for (i, h) in hashes.iter().enumerate() {
                let b = (slot_key(h, s) >> shift) as usize;
                let at = next[b] as usize;
                next[b] += 1;
                p[3 * at..3 * at + 3].copy_from_slice(&(i as u32).to_le_bytes()[..3]);
            }
        }
        MihTables {
            dir_bits,
            dir: Slab::Owned(dir),
            perm: Slab::Owned(perm),
        }
    }

    /// Bytes the tables occupy.
    pub(crate) fn size_bytes(&self) -> usize {
        self.dir.as_slice().len() * 4 + self.perm.as_slice().len()
    }

    /// Appends to `out` every entry that shares a slot with `q` at distance
    /// <= `radius` on that slot's directory bits. An entry can appear more
    /// than once (from several slots).
    ///
    /// Three passes, each asking for the next pass's cache lines before
    /// reading them, so that the ~800 (radius 1) random reads of a query
    /// overlap instead of queueing one after another: bucket numbers (and
    /// their directory lines), bucket ranges (and their permutation lines),
    /// then the entry numbers. The caller prefetches the hashes themselves.
    #[inline(always)]
    pub(crate) fn gather_candidates(
        &self,
        n: usize,
        q: &[u64; 4],
        radius: u32,
        scratch: &mut Vec<[u32; 3]>,
        out: &mut Vec<u32>,
    ) {
        let dir = self.dir.as_slice();
        let perm = self.perm.as_slice();
        let stride = (1usize << self.dir_bits) + 1;
        let shift = SLOT_BITS - self.dir_bits;
        let masks = super::masks::within(self.dir_bits, radius);
        scratch.clear();
        for s in 0..SLOTS {
            let key = slot_key(q, s) >> shift;
            for &m in masks {
                let at = s * stride + (key ^ m as u32) as usize;
                prefetch_ptr(dir.get(at));
                scratch.push([s as u32, at as u32, 0]);
            }
        }
        for probe in scratch.iter_mut() {
            let (s, at) = (probe[0] as usize, probe[1] as usize);
            // Clamped so that a corrupted (not yet verified) list file can
            // give wrong candidates but never an out-of-bounds read.
            let hi = dir.get(at + 1).map_or(0, |&v| (v as usize).min(n));
            let lo = dir.get(at).map_or(0, |&v| (v as usize).min(hi));
            if s > 0 && lo < hi {
                let base = 3 * (s - 1) * n;
                prefetch_ptr(perm.get(base + 3 * lo));
                prefetch_ptr(perm.get(base + 3 * hi - 1));
            }
            *probe = [s as u32, lo as u32, hi as u32];
        }
        for &[s, lo, hi] in scratch.iter() {
            let (s, lo, hi) = (s as usize, lo as usize, hi as usize);
            if s == 0 {
                // The sorted hashes are slot 0's order.
                out.extend(lo as u32..hi as u32);
            } else {
                let p = &perm[3 * (s - 1) * n..3 * s * n];
                out.extend((lo..hi).map(|i| u24_at(p, i)));
            }
        }
    }
}

/// A hint to load the cache line holding `*p`; no effect on results, and
/// nothing at all where no prefetch instruction is available.
#[inline(always)]
pub(crate) fn prefetch_ptr<T>(p: Option<&T>) {
    #[cfg(target_arch = "x86_64")]
    if let Some(r) = p {
        // SAFETY: prefetching is a hint that never faults, and SSE is part of
        // the x86-64 baseline; the pointer comes from a live reference.
        unsafe {
            std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
                (r as *const T).cast(),
            )
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}
