//! Random and skewed lists of stored hashes and query images, shared by
//! `benches/index.rs` and `examples/index_timing.rs` (included by path).

use percept::Hash256;

/// xorshift64: reproducible and fast; quality is irrelevant here.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    pub fn hash(&mut self) -> Hash256 {
        let mut b = [0u8; 32];
        for c in b.chunks_exact_mut(8) {
            c.copy_from_slice(&self.next().to_le_bytes());
        }
        Hash256::from_bytes(b)
    }

    /// `h` with about `k` random bits flipped.
    pub fn near(&mut self, h: Hash256, k: u32) -> Hash256 {
        let mut b = h.to_bytes();
        for _ in 0..k {
            let bit = (self.next() % 256) as usize;
            b[bit / 8] ^= 1 << (bit % 8);
        }
        Hash256::from_bytes(b)
    }
}

/// `n` stored hashes. Random: uniform bits. Skewed (the worst case for a
/// multi-index): half are near-duplicates (about 6 bits apart) in clusters
/// around 1% of the entries, and 10% share one over-popular 32-bit prefix,
/// so slots 0 and 1 have one huge bucket each.
pub fn list(n: usize, skewed: bool, rng: &mut Rng) -> Vec<Hash256> {
    if !skewed {
        return (0..n).map(|_| rng.hash()).collect();
    }
    let mut out = Vec::with_capacity(n);
    let centres: Vec<Hash256> = (0..(n / 100).max(1)).map(|_| rng.hash()).collect();
    while out.len() < n {
        let r = rng.next() % 10;
        let h = if r < 5 {
            let c = centres[(rng.next() as usize) % centres.len()];
            rng.near(c, 6)
        } else if r == 5 {
            let mut b = rng.hash().to_bytes();
            b[..4].copy_from_slice(&[0xde, 0xad, 0xbe, 0xef]);
            Hash256::from_bytes(b)
        } else {
            rng.hash()
        };
        out.push(h);
    }
    out
}

/// An innocent image: 8 unrelated hashes.
pub fn innocent(rng: &mut Rng) -> Vec<Hash256> {
    (0..8).map(|_| rng.hash()).collect()
}

/// A matching image: variant `v` is within ~`bits` bits of `target`.
pub fn matching(rng: &mut Rng, target: Hash256, v: usize, bits: u32) -> Vec<Hash256> {
    let mut q = innocent(rng);
    q[v % 8] = rng.near(target, bits);
    q
}
