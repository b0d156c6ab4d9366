//! Known-hash search latency per image (8 dihedral hashes): the multi-index
//! search and the linear scan at T = 31 on 1 M stored hashes, random and
//! skewed (10 M too with PERCEPT_BENCH_10M=1; it needs ~2 GB and a minute to
//! build), innocent and matching images; and the Bloom prefilter at T = 7,
//! on and off, probing with word operations and with `bitvec`.
//! `scripts/compare_index.py` puts FAISS beside these numbers.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use percept::index::{Entry, KnownHashSet, PrefilterUse};

#[path = "support/lists.rs"]
mod lists;
use lists::{list, Rng};

fn build(n: usize, skewed: bool, rng: &mut Rng) -> (KnownHashSet, Vec<percept::Hash256>) {
    let hashes = list(n, skewed, rng);
    let set = KnownHashSet::build_keyed(
        hashes.iter().enumerate().map(|(i, &hash)| Entry {
            hash,
            id: i as u64,
            label: None,
        }),
        [7; 16],
    );
    (set, hashes)
}

fn search(c: &mut Criterion) {
    let mut sizes = vec![1_000_000usize];
    if std::env::var_os("PERCEPT_BENCH_10M").is_some() {
        sizes.push(10_000_000);
    }
    let mut group = c.benchmark_group("known_hash_search_t31");
    group.sample_size(20);
    for n in sizes {
        for skewed in [false, true] {
            let kind = if skewed { "skewed" } else { "random" };
            let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ n as u64);
            let (set, hashes) = build(n, skewed, &mut rng);
            let innocent = lists::innocent(&mut rng);
            let matching = lists::matching(&mut rng, hashes[n / 3], 2, 10);
            assert!(set.matches_any(&innocent, 31).unwrap().is_empty());
            assert!(!set.matches_any(&matching, 31).unwrap().is_empty());
            for (what, q) in [("innocent", &innocent), ("matching", &matching)] {
                let id = format!("{kind}/{what}/{n}");
                group.bench_with_input(BenchmarkId::new("indexed", &id), q, |b, q| {
                    b.iter(|| set.matches_any(black_box(q), 31))
                });
            }
            group.bench_with_input(
                BenchmarkId::new("linear", format!("{kind}/innocent/{n}")),
                &innocent,
                |b, q| b.iter(|| set.matches_linear(black_box(q), 31)),
            );
        }
    }
    group.finish();
}

fn prefilter(c: &mut Criterion) {
    let n = 1_000_000;
    let mut rng = Rng(0x5151_7e57_0000_0001);
    let (set, _) = build(n, false, &mut rng);
    let queries: Vec<Vec<percept::Hash256>> = (0..64).map(|_| lists::innocent(&mut rng)).collect();
    let mut group = c.benchmark_group("prefilter_t7_1m_64_innocent_images");
    group.sample_size(30);
    for (name, use_) in [("on", PrefilterUse::Always), ("off", PrefilterUse::Never)] {
        group.bench_function(name, |b| {
            b.iter(|| {
                for q in &queries {
                    black_box(set.matches_any_with(black_box(q), 7, use_).unwrap());
                }
            })
        });
    }
    group.bench_function("probe_bitvec", |b| {
        b.iter(|| {
            queries
                .iter()
                .map(|q| set.prefilter_rejections(black_box(q), 7).unwrap())
                .sum::<usize>()
        })
    });
    group.bench_function("probe_words", |b| {
        b.iter(|| {
            queries
                .iter()
                .map(|q| set.prefilter_rejections_words(black_box(q), 7).unwrap())
                .sum::<usize>()
        })
    });
    group.finish();
}

criterion_group!(benches, search, prefilter);
criterion_main!(benches);
