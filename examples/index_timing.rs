//! Times the known-hash set on random lists, for `scripts/compare_index.py`.
//!
//! Usage: index_timing N QUERIES THRESHOLD [random|skewed] [HASHFILE]
//! Prints one JSON object: build time, bytes per hash, and per-image
//! (8 variants) latency of the indexed and the linear search.
//! With HASHFILE, the list's hashes are written there (32 bytes each, binary
//! form) so another implementation can be timed on the same data.

use std::io::Write;
use std::time::Instant;

use percept::index::{bloom, Entry, KnownHashSet, PrefilterUse};
use percept::Hash256;

#[path = "../benches/support/lists.rs"]
mod lists;
use lists::{list, Rng};

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
            if i % 2 == 1 {
                let target = hashes[(rng.next() as usize) % n];
                lists::matching(&mut rng, target, i / 2, 10)
            } else {
                lists::innocent(&mut rng)
            }
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
    let indexed = |q: &[Hash256]| set.matches_any(q, t).unwrap().len();
    let linear = |q: &[Hash256]| set.matches_linear(q, t).unwrap().len();
    let (ti, fi) = time(&indexed, &innocent);
    let (tm, fm) = time(&indexed, &matching);
    let few: Vec<usize> = matching.iter().copied().take(4).collect();
    let (tl, _) = time(&linear, &few);
    // The Bloom prefilter, forced on and off, on the innocent images.
    let with = |q: &[Hash256]| {
        set.matches_any_with(q, t, PrefilterUse::Always)
            .unwrap()
            .len()
    };
    let without = |q: &[Hash256]| {
        set.matches_any_with(q, t, PrefilterUse::Never)
            .unwrap()
            .len()
    };
    let (t_on, f_on) = time(&with, &innocent);
    let (t_off, f_off) = time(&without, &innocent);
    assert_eq!(f_on, f_off);
    let rejected: Vec<usize> = innocent
        .iter()
        .map(|&i| set.prefilter_rejections(&qs[i], t).unwrap())
        .collect();
    let images_rejected = rejected.iter().filter(|&&r| r == 8).count();
    let variants_rejected: usize = rejected.iter().sum();
    let pf = set.prefilter_info();
    println!(
        "{}",
        serde_json::json!({
            "n": n, "threshold": t, "skewed": skewed, "build_s": build_s,
            "index_bytes_per_hash": set.index_size_bytes() as f64 / n as f64,
            "indexed_nonmatching_s": ti, "indexed_matching_s": tm,
            "matches_nonmatching": fi, "matches_matching": fm,
            "linear_s": tl,
            "prefilter_auto": set.prefilter_pays(t),
            "prefilter_on_nonmatching_s": t_on, "prefilter_off_nonmatching_s": t_off,
            "prefilter_bits_per_entry": pf.bits_per_entry,
            "prefilter_probes_per_image": 8 * bloom::probes_per_hash((t / 8).min(3)),
            "prefilter_rejected_images": images_rejected as f64 / innocent.len() as f64,
            "prefilter_rejected_variants": variants_rejected as f64 / (8 * innocent.len()) as f64,
        })
    );
}
