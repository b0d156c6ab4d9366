//! The known-hash set returns exactly the entries a brute-force scan finds.

mod common;

use percept::hash::pdq::Dihedral;
use percept::index::{Entry, KnownHashSet, Match, PrefilterUse};
use percept::Hash256;
use proptest::prelude::*;

/// `h` with `k` distinct bits flipped, chosen by `picks`.
fn flip(h: Hash256, k: usize, picks: &[u8]) -> Hash256 {
    let mut bytes = h.to_bytes();
    let mut order: Vec<usize> = (0..256).collect();
    for (i, &p) in picks.iter().enumerate().take(256) {
        order.swap(i, i + (p as usize) % (256 - i));
    }
    for &bit in &order[..k] {
        bytes[31 - bit / 8] ^= 1 << (bit % 8);
    }
    Hash256::from_bytes(bytes)
}

/// Independent brute force: (id, distance, variant index) per entry within T.
fn brute(entries: &[Entry], queries: &[Hash256], t: u32) -> Vec<(u64, u32, usize)> {
    let mut out: Vec<(u64, u32, usize)> = entries
        .iter()
        .filter_map(|e| {
            let (v, d) = queries
                .iter()
                .enumerate()
                .map(|(v, q)| (v, e.hash.distance(q)))
                .min_by_key(|&(v, d)| (d, v))?;
            (d <= t).then_some((e.id, d, v))
        })
        .collect();
    out.sort();
    out
}

fn got(set: &KnownHashSet, matches: &[Match]) -> Vec<(u64, u32, usize)> {
    let mut out: Vec<(u64, u32, usize)> = matches
        .iter()
        .map(|m| {
            assert_eq!(set.entry(m.entry).unwrap().id, m.id);
            (
                m.id,
                m.distance,
                Dihedral::ALL.iter().position(|v| *v == m.variant).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

fn hash_strategy() -> impl Strategy<Value = Hash256> {
    any::<[u8; 32]>().prop_map(Hash256::from_bytes)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn equals_brute_force(
        random in proptest::collection::vec(hash_strategy(), 0..1500),
        queries in proptest::collection::vec(hash_strategy(), 1..=8),
        picks in proptest::collection::vec(any::<u8>(), 256),
        t in prop_oneof![Just(0u32), Just(1), Just(7), Just(8), Just(15), Just(16), Just(31), Just(32), Just(47), 0u32..=63, Just(64), Just(90)],
    ) {
        // Plant a stored hash at every distance 0..=t+1 from some query.
        let mut hashes = random;
        for k in 0..=(t as usize + 1).min(256) {
            let q = queries[k % queries.len()];
            hashes.push(flip(q, k, &picks[k % 7..]));
        }
        // And an exact duplicate under another id.
        hashes.push(queries[0]);
        let entries: Vec<Entry> = hashes
            .iter()
            .enumerate()
            .map(|(i, &hash)| Entry { hash, id: 1000 + i as u64, label: (i % 3 == 0).then(|| format!("e{i}")) })
            .collect();
        let set = KnownHashSet::build(entries.clone());
        let expect = brute(&entries, &queries, t);
        prop_assert_eq!(got(&set, &set.matches_any(&queries, t).unwrap()), expect.clone());
        // The Bloom prefilter never changes the answer, forced on or off.
        for use_ in [PrefilterUse::Always, PrefilterUse::Never] {
            prop_assert_eq!(got(&set, &set.matches_any_with(&queries, t, use_).unwrap()), expect.clone());
        }
        prop_assert_eq!(got(&set, &set.matches_linear(&queries, t).unwrap()), expect);
    }
}

#[test]
fn labels_and_ids_survive_sorting() {
    let entries: Vec<Entry> = (0..50u64)
        .map(|i| Entry {
            hash: flip(Hash256::ZERO, (i * 5 % 200) as usize, &[i as u8; 256]),
            id: i,
            label: (i % 2 == 0).then(|| format!("label {i}")),
        })
        .collect();
    let set = KnownHashSet::build(entries.clone());
    for i in 0..set.len() {
        let e = set.entry(i).unwrap();
        let original = entries.iter().find(|o| o.id == e.id).unwrap();
        assert_eq!(&e, original);
    }
    assert!(set.entry(set.len()).is_none());
}

fn read_hashes(name: &str) -> Vec<Hash256> {
    let text = std::fs::read_to_string(
        common::reference_dir()
            .join("data/reg-test-input")
            .join(name),
    )
    .unwrap();
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| Hash256::from_hex(l.trim()).unwrap())
        .collect()
}

/// Meta's MIH regression lists against the brute-force table in generated/.
#[test]
fn needles_vs_haystack_matches_reference_table() {
    let haystack = read_hashes("haystack.txt");
    let needles = read_hashes("needles.txt");
    let set = KnownHashSet::build(haystack.iter().enumerate().map(|(i, &hash)| Entry {
        hash,
        id: i as u64,
        label: None,
    }));
    let table = std::fs::read_to_string(
        common::reference_dir().join("generated/needles-vs-haystack-within-63.tsv"),
    )
    .unwrap();
    let pairs: Vec<(usize, u64, u32)> = table
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("needle_index"))
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (
                f[0].parse().unwrap(),
                f[1].parse().unwrap(),
                f[2].parse().unwrap(),
            )
        })
        .collect();
    for t in [31u32, 63] {
        let mut expect: Vec<(usize, u64, u32)> =
            pairs.iter().copied().filter(|p| p.2 <= t).collect();
        expect.sort();
        let mut found = Vec::new();
        for (n, needle) in needles.iter().enumerate() {
            for m in set.matches(needle, t) {
                found.push((n, m.id, m.distance));
            }
        }
        found.sort();
        assert_eq!(found, expect, "threshold {t}");
        if t == 31 {
            assert_eq!(found.len(), 250);
        }
    }
}

/// A list large enough for full 16-bit directories, against the linear scan.
#[test]
fn large_list_equals_linear_scan() {
    let mut state = 0x1234_5678_9abc_def1u64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut random_hash = || {
        let mut b = [0u8; 32];
        for chunk in b.chunks_exact_mut(8) {
            chunk.copy_from_slice(&next().to_le_bytes());
        }
        Hash256::from_bytes(b)
    };
    let queries: Vec<Hash256> = (0..8).map(|_| random_hash()).collect();
    let mut hashes: Vec<Hash256> = (0..300_000).map(|_| random_hash()).collect();
    let picks: Vec<u8> = (0..256).map(|i| (i * 37 % 251) as u8).collect();
    for k in 0..=64 {
        hashes.push(flip(queries[k % 8], k, &picks));
    }
    let set = KnownHashSet::build(hashes.iter().enumerate().map(|(i, &hash)| Entry {
        hash,
        id: i as u64,
        label: None,
    }));
    for t in [0u32, 7, 15, 31, 47, 63] {
        let indexed = set.matches_any(&queries, t).unwrap();
        assert_eq!(
            indexed,
            set.matches_linear(&queries, t).unwrap(),
            "threshold {t}"
        );
        let filtered = set
            .matches_any_with(&queries, t, PrefilterUse::Always)
            .unwrap();
        assert_eq!(indexed, filtered, "threshold {t}, prefilter on");
        assert!(indexed.len() > t as usize, "planted matches found at {t}");
    }
}

/// The prefilter rejects most innocent query hashes where it is used, and
/// never one with a stored hash within the threshold.
#[test]
fn prefilter_rejects_innocent_hashes_and_never_a_near_one() {
    let mut state = 0x0bad_cafe_1234_5678u64;
    let mut random_hash = || {
        let mut b = [0u8; 32];
        for chunk in b.chunks_exact_mut(8) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            chunk.copy_from_slice(&state.to_le_bytes());
        }
        Hash256::from_bytes(b)
    };
    let hashes: Vec<Hash256> = (0..20_000).map(|_| random_hash()).collect();
    let set = KnownHashSet::build(hashes.iter().enumerate().map(|(i, &hash)| Entry {
        hash,
        id: i as u64,
        label: None,
    }));
    let info = set.prefilter_info();
    assert!((79.0..=82.0).contains(&info.bits_per_entry), "{info:?}");
    assert!(set.prefilter_pays(7) && !set.prefilter_pays(8) && !set.prefilter_pays(31));
    let innocent: Vec<Hash256> = (0..4000).map(|_| random_hash()).collect();
    let rejected: usize = innocent
        .chunks(8)
        .map(|q| set.prefilter_rejections(q, 7).unwrap())
        .sum();
    // About 1% false positives per probe, 8 probes per hash.
    assert!(rejected > 4000 * 85 / 100, "{rejected} of 4000 rejected");
    let picks: Vec<u8> = (0..256).map(|i| (i * 91 % 253) as u8).collect();
    for (i, h) in hashes.iter().enumerate().take(2000) {
        let t = (i % 32) as u32;
        let near = flip(*h, t as usize, &picks[i % 50..]);
        assert_eq!(
            set.prefilter_rejections(&[near], t).unwrap(),
            0,
            "entry {i} at {t}"
        );
    }
    assert!(set.prefilter_is_consistent());
}
