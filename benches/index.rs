//! Known-hash search latency per image (8 dihedral hashes) at T = 31:
//! the multi-index search and the linear scan, on 1 M random stored hashes
//! (10 M too with PERCEPT_BENCH_10M=1; it needs ~2 GB and a minute to build).
//! `scripts/compare_index.py` puts FAISS beside these numbers.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use percept::index::{Entry, KnownHashSet};
use percept::Hash256;

struct Rng(u64);
impl Rng {
    fn hash(&mut self) -> Hash256 {
        let mut b = [0u8; 32];
        for c in b.chunks_exact_mut(8) {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            c.copy_from_slice(&self.0.to_le_bytes());
        }
        Hash256::from_bytes(b)
    }
}

fn search(c: &mut Criterion) {
    let mut sizes = vec![1_000_000usize];
    if std::env::var_os("PERCEPT_BENCH_10M").is_some() {
        sizes.push(10_000_000);
    }
    let mut group = c.benchmark_group("known_hash_search_t31");
    group.sample_size(20);
    for n in sizes {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ n as u64);
        let set = KnownHashSet::build((0..n).map(|i| Entry {
            hash: rng.hash(),
            id: i as u64,
            label: None,
        }));
        let innocent: Vec<Hash256> = (0..8).map(|_| rng.hash()).collect();
        group.bench_with_input(BenchmarkId::new("indexed", n), &innocent, |b, q| {
            b.iter(|| set.matches_any(black_box(q), 31))
        });
        group.bench_with_input(BenchmarkId::new("linear", n), &innocent, |b, q| {
            b.iter(|| set.matches_linear(black_box(q), 31))
        });
    }
    group.finish();
}

criterion_group!(benches, search);
criterion_main!(benches);
