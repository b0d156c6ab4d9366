//! A keyed Bloom prefilter over 32-bit block keys.
//!
//! The 256 bits are also cut into 8 blocks of 32 bits. If a stored hash is
//! within distance T of a query, some block differs in at most `T / 8` bits
//! (pigeonhole), so the key `(block, stored block value)` is one of the
//! query's block values flipped in at most `T / 8` bits. Every stored key is
//! in the filter; when none of the query's probes is, no stored hash can be
//! within T, and the multi-index search is skipped. A Bloom filter has no
//! false negatives, so this never loses a match; false positives only cost
//! the search that would have run anyway.
//!
//! Why 32-bit keys and not the index's 16-bit slot keys: at a million
//! entries every 16-bit value of every slot is taken, so a filter over them
//! would answer "present" to every probe. 32-bit keys stay sparse up to
//! billions of entries, but the number of probes grows with the radius:
//! 8 per query hash at radius 0 (T < 8), 264 at radius 1 (T < 16), 4,232
//! at radius 2 and 43,912 at radius 3 (T = 31). The index decides per query
//! whether probing is cheaper than searching (see `KnownHashSet`).
//!
//! Layout: a blocked Bloom filter (Putze et al.): each key picks one 512-bit
//! line and sets [`BITS_PER_PROBE`] bits inside it, so a probe touches one
//! cache line. The line and bits come from SipHash-1-3 under a 128-bit key
//! stored with the list: without the key, nobody can compute offline which
//! images collide with the filter. The filter is a pure function of the
//! stored hashes and the key, so anyone holding the list can rebuild and
//! compare it.
//!
//! Bit `i` of the filter is bit `i % 8` (least significant first) of byte
//! `i / 8` of the stored words' little-endian bytes, which on a
//! little-endian machine is bit `i % 64` of word `i / 64`. `bitvec` views
//! the words as bytes: its `u64` store exists only on 64-bit targets, and
//! the byte view gives the same bits on every target (32-bit Android too)
//! without changing the list format.

use bitvec::prelude::{BitSlice, Lsb0};
use siphasher::sip::SipHasher13;
use std::hash::Hasher;

use super::slab::Slab;

/// 32-bit blocks per hash.
pub(crate) const BLOCKS: usize = 8;
/// Filter bits per stored key (8 keys per stored hash).
pub const BITS_PER_KEY: usize = 10;
/// Bits set (and tested) per key, all in one line.
pub const BITS_PER_PROBE: u32 = 7;
const LINE_WORDS: usize = 8; // 512 bits
const LINE_BITS: u64 = 512;

/// Number of u64 words of the filter for `n` stored hashes.
pub(crate) fn words_for(n: usize) -> usize {
    let bits = n.saturating_mul(BLOCKS * BITS_PER_KEY);
    let lines = bits.div_ceil(LINE_BITS as usize).max(1);
    lines.saturating_mul(LINE_WORDS)
}

/// The 32-bit value of block `b` (0 = most significant bits).
#[inline(always)]
pub(crate) fn block_key(words: &[u64; 4], b: usize) -> u32 {
    (words[b / 2] >> (32 - 32 * (b % 2))) as u32
}

/// Probes per query hash at a block radius (0..=3): the keys within that
/// many bits of each of the 8 block values.
pub fn probes_per_hash(radius: u32) -> usize {
    let per_block = match radius {
        0 => 1,
        1 => 1 + 32,
        2 => 1 + 32 + 496,
        _ => 1 + 32 + 496 + 4960,
    };
    BLOCKS * per_block
}

/// The filter: a 128-bit key and the bit array, owned or in a mapped file.
#[derive(Clone)]
pub(crate) struct Prefilter {
    pub(crate) key: [u64; 2],
    pub(crate) words: Slab<u64>,
}

impl Prefilter {
    /// Builds the filter of `hashes` under `key`.
    pub(crate) fn build(hashes: &[[u64; 4]], key: [u64; 2]) -> Self {
        let mut words = vec![0u64; words_for(hashes.len())];
        let lines = (words.len() / LINE_WORDS) as u64;
        // Bits are addressed through `bitvec` (over the bytes, see the
        // module docs) when building and probing; measured against plain
        // word operations (benches/index.rs, `probe_bitvec` vs
        // `probe_words`), it costs nothing measurable.
        let bits = BitSlice::<u8, Lsb0>::from_slice_mut(bytemuck::cast_slice_mut(&mut words));
        for h in hashes {
            for b in 0..BLOCKS {
                let (line, mut pos, step) = locate(key, b, block_key(h, b), lines);
                for _ in 0..BITS_PER_PROBE {
                    bits.set((line * LINE_BITS + pos) as usize, true);
                    pos = (pos + step) % LINE_BITS;
                }
            }
        }
        Prefilter {
            key,
            words: Slab::Owned(words),
        }
    }

    pub(crate) fn size_bytes(&self) -> usize {
        self.words.as_slice().len() * 8
    }

    /// Whether key `(block, value)` may be stored (never false when it is),
    /// with plain word operations.
    #[inline(always)]
    fn probe_words(&self, words: &[u64], lines: u64, block: usize, value: u32) -> bool {
        let (line, mut pos, step) = locate(self.key, block, value, lines);
        let base = (line as usize) * LINE_WORDS;
        let Some(w) = words.get(base..base + LINE_WORDS) else {
            return true; // a malformed filter can only cost time, never a match
        };
        for _ in 0..BITS_PER_PROBE {
            if u64::from_le(w[(pos / 64) as usize]) & (1u64 << (pos % 64)) == 0 {
                return false;
            }
            pos = (pos + step) % LINE_BITS;
        }
        true
    }

    /// False only when no stored hash can be within `radius * 8 + 7` of
    /// `q`: no block value within `radius` bits of `q`'s is in the filter.
    pub(crate) fn may_contain_near(&self, q: &[u64; 4], radius: u32) -> bool {
        let words = self.words.as_slice();
        let lines = (words.len() / LINE_WORDS) as u64;
        let bits = BitSlice::<u8, Lsb0>::from_slice(bytemuck::cast_slice(words));
        (0..BLOCKS).any(|b| {
            within(radius, block_key(q, b), &mut |k| {
                let (line, mut pos, step) = locate(self.key, b, k, lines);
                (0..BITS_PER_PROBE).all(|_| {
                    // Past the end (a malformed filter) reads as set: it can
                    // only cost time, never a match.
                    let hit = bits
                        .get((line * LINE_BITS + pos) as usize)
                        .is_none_or(|bit| *bit);
                    pos = (pos + step) % LINE_BITS;
                    hit
                })
            })
        })
    }

    /// The same test with plain word operations, for the bench that
    /// compares them with `bitvec`.
    pub(crate) fn may_contain_near_words(&self, q: &[u64; 4], radius: u32) -> bool {
        let words = self.words.as_slice();
        let lines = (words.len() / LINE_WORDS) as u64;
        if lines == 0 {
            return true;
        }
        (0..BLOCKS).any(|b| {
            let v = block_key(q, b);
            within(radius, v, &mut |k| self.probe_words(words, lines, b, k))
        })
    }
}

/// Calls `probe` on every 32-bit value within `radius` bits of `v` (closest
/// first) until one returns true; returns whether one did.
fn within(radius: u32, v: u32, probe: &mut impl FnMut(u32) -> bool) -> bool {
    if probe(v) {
        return true;
    }
    if radius == 0 {
        return false;
    }
    for i in 0..32 {
        let v1 = v ^ (1 << i);
        if probe(v1) {
            return true;
        }
        if radius >= 2 {
            for j in i + 1..32 {
                let v2 = v1 ^ (1 << j);
                if probe(v2) {
                    return true;
                }
                if radius >= 3 {
                    for k in j + 1..32 {
                        if probe(v2 ^ (1 << k)) {
                            return true;
                        }
                    }
                }
            }
        }
    }
    false
}

/// Line, first bit and bit step (odd, so the 7 bits are distinct) of a key.
#[inline(always)]
fn locate(key: [u64; 2], block: usize, value: u32, lines: u64) -> (u64, u64, u64) {
    let mut h = SipHasher13::new_with_keys(key[0], key[1]);
    h.write(&((block as u64) << 32 | value as u64).to_le_bytes());
    let x = h.finish();
    // Multiply-shift maps the low 32 bits onto 0..lines without a division.
    let line = ((x & 0xffff_ffff) * lines) >> 32;
    let pos = (x >> 32) & (LINE_BITS - 1);
    let step = ((x >> 41) & (LINE_BITS - 1)) | 1;
    (line, pos, step)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rng(s: &mut u64) -> u64 {
        *s ^= *s << 13;
        *s ^= *s >> 7;
        *s ^= *s << 17;
        *s
    }

    #[test]
    fn stored_keys_are_always_found_and_random_ones_mostly_not() {
        let mut s = 0x1234_5678_9abc_def1;
        let hashes: Vec<[u64; 4]> = (0..5000)
            .map(|_| [rng(&mut s), rng(&mut s), rng(&mut s), rng(&mut s)])
            .collect();
        let f = Prefilter::build(&hashes, [7, 11]);
        for h in &hashes {
            assert!(f.may_contain_near(h, 0));
            assert!(f.may_contain_near_words(h, 0));
        }
        let mut hits = 0;
        for _ in 0..20_000 {
            let q = [rng(&mut s), rng(&mut s), rng(&mut s), rng(&mut s)];
            let a = f.may_contain_near(&q, 0);
            assert_eq!(a, f.may_contain_near_words(&q, 0));
            hits += a as u32;
        }
        // 8 probes per query at ~1% false positives each: ~8% pass.
        assert!(hits < 20_000 / 6, "{hits} of 20000 random queries passed");
    }

    #[test]
    fn a_near_hash_passes_at_the_pigeonhole_radius() {
        let mut s = 0x0f0f_1234_5555_9999;
        let hashes: Vec<[u64; 4]> = (0..300)
            .map(|_| [rng(&mut s), rng(&mut s), rng(&mut s), rng(&mut s)])
            .collect();
        let f = Prefilter::build(&hashes, [1, 2]);
        for (i, h) in hashes.iter().enumerate() {
            for radius in 0..=2u32 {
                // Flip radius + 1 bits in every block except one, radius in it:
                // distance 7 * (radius + 1) + radius = 8 * radius + 7.
                let mut q = *h;
                for b in 0..BLOCKS {
                    let flips = if b == i % BLOCKS { radius } else { radius + 1 };
                    for k in 0..flips as usize {
                        let bit = b * 32 + (k * 7 + i) % 32; // distinct bits
                        q[bit / 64] ^= 1u64 << (63 - bit % 64);
                    }
                }
                assert!(f.may_contain_near(&q, radius), "hash {i} radius {radius}");
            }
        }
    }

    #[test]
    fn bits_keep_the_list_format_layout() {
        // The stored words must not depend on how `bitvec` addresses them:
        // bit i is bit i % 64 of little-endian word i / 64, as in list files
        // written before the byte view.
        let mut s = 0x7777_0000_1234_abcd;
        let hashes: Vec<[u64; 4]> = (0..700)
            .map(|_| [rng(&mut s), rng(&mut s), rng(&mut s), rng(&mut s)])
            .collect();
        let key = [3, 5];
        let f = Prefilter::build(&hashes, key);
        let mut expect = vec![0u64; words_for(hashes.len())];
        let lines = (expect.len() / LINE_WORDS) as u64;
        for h in &hashes {
            for b in 0..BLOCKS {
                let (line, mut pos, step) = locate(key, b, block_key(h, b), lines);
                for _ in 0..BITS_PER_PROBE {
                    let i = line * LINE_BITS + pos;
                    expect[(i / 64) as usize] |= 1u64 << (i % 64);
                    pos = (pos + step) % LINE_BITS;
                }
            }
        }
        let expect: Vec<u64> = expect.into_iter().map(u64::to_le).collect();
        assert_eq!(f.words.as_slice(), &expect[..]);
    }

    #[test]
    fn different_keys_give_different_filters() {
        let hashes = [[1u64, 2, 3, 4], [5, 6, 7, 8]];
        let a = Prefilter::build(&hashes, [1, 2]);
        let b = Prefilter::build(&hashes, [1, 3]);
        assert_ne!(a.words.as_slice(), b.words.as_slice());
        assert_eq!(words_for(0), 8);
        assert_eq!(words_for(1_000_000), 1_000_000 * 80 / 64);
        assert_eq!(probes_per_hash(3), 43_912);
    }
}
