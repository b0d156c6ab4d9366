//! Times the known-hash set on random lists, for `scripts/compare_index.py`.
//!
//! Usage: index_timing N QUERIES THRESHOLD [random|skewed] [HASHFILE]
//! Prints one JSON object: build time, bytes per hash, and per-image
//! (8 variants) latency of the indexed and the linear search.
//! With HASHFILE, the list's hashes are written there (32 bytes each, binary
//! form) so another implementation can be timed on the same data.

use std::io::Write;
use std::time::Instant;

use percept::index::{Entry, KnownHashSet};
use percept::Hash256;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn hash(&mut self) -> Hash256 {
        let mut b = [0u8; 32];
        for c in b.chunks_exact_mut(8) {
            c.copy_from_slice(&self.next().to_le_bytes());
        }
        Hash256::from_bytes(b)
    }
    /// `h` with about `k` random bits flipped.
    fn near(&mut self, h: Hash256, k: u32) -> Hash256 {
        let mut b = h.to_bytes();
        for _ in 0..k {
            let bit = (self.next() % 256) as usize;
            b[bit / 8] ^= 1 << (bit % 8);
        }
        Hash256::from_bytes(b)
    }
}

/// Skewed: clusters of near-duplicates (a few bits apart) around 1% of the
/// entries, and 10% of entries sharing one over-popular value in slot 0 and 1.
fn list(n: usize, skewed: bool, rng: &mut Rng) -> Vec<Hash256> {
    if !skewed {
        return (0..n).map(|_| rng.hash()).collect();
    }
    let mut out = Vec::with_capacity(n);
    let centres: Vec<Hash256> = (0..n / 100).map(|_| rng.hash()).collect();
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

fn main() {
    let a: Vec<String> = std::env::args().collect();
    let n: usize = a[1].parse().unwrap();
    let queries: usize = a[2].parse().unwrap();
    let t: u32 = a[3].parse().unwrap();
    let skewed = a.get(4).is_some_and(|s| s == "skewed");
    let mut rng = Rng(0x2545_f491_4f6c_dd1d ^ n as u64);
    let hashes = list(n, skewed, &mut rng);
    if let Some(path) = a.get(5) {
        let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
        for h in &hashes {
            f.write_all(h.as_bytes()).unwrap();
        }
    }
    // Queries: half are 8 unrelated hashes (an innocent image), half have one
    // variant within ~10 bits of a stored hash (a match).
    let qs: Vec<Vec<Hash256>> = (0..queries)
        .map(|i| {
            let mut v: Vec<Hash256> = (0..8).map(|_| rng.hash()).collect();
            if i % 2 == 1 {
                let target = hashes[(rng.next() as usize) % n];
                v[(i / 2) % 8] = rng.near(target, 10);
            }
            v
        })
        .collect();
    let start = Instant::now();
    let set = KnownHashSet::build(hashes.iter().enumerate().map(|(i, &hash)| Entry {
        hash,
        id: i as u64,
        label: None,
    }));
    let build_s = start.elapsed().as_secs_f64();
    let time = |f: &dyn Fn(&[Hash256]) -> usize, which: &[usize]| -> (f64, usize) {
        let mut found = 0;
        let start = Instant::now();
        for &i in which {
            found += f(&qs[i]);
        }
        (start.elapsed().as_secs_f64() / which.len() as f64, found)
    };
    let innocent: Vec<usize> = (0..queries).step_by(2).collect();
    let matching: Vec<usize> = (1..queries).step_by(2).collect();
    let indexed = |q: &[Hash256]| set.matches_any(q, t).len();
    let linear = |q: &[Hash256]| set.matches_linear(q, t).len();
    let (ti, fi) = time(&indexed, &innocent);
    let (tm, fm) = time(&indexed, &matching);
    let few: Vec<usize> = matching.iter().copied().take(4).collect();
    let (tl, _) = time(&linear, &few);
    println!(
        "{}",
        serde_json::json!({
            "n": n, "threshold": t, "skewed": skewed, "build_s": build_s,
            "index_bytes_per_hash": set.index_size_bytes() as f64 / n as f64,
            "indexed_nonmatching_s": ti, "indexed_matching_s": tm,
            "matches_nonmatching": fi, "matches_matching": fm,
            "linear_s": tl,
        })
    );
}
