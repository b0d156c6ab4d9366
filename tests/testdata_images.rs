//! The bundled sample images against `pdqhash` (Meta's C++ core behind
//! Python), whose outputs `scripts/testdata_expected.py` wrote to
//! `testdata/expected-pdqhash.csv`.

use std::path::PathBuf;

use percept::hash::pdq::{self, Profile};
use percept::input::{decode_file, DecodeOptions};
use percept::Hash256;

fn testdata() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata")
}

#[test]
fn sample_images_match_pdqhash() {
    let text = std::fs::read_to_string(testdata().join("expected-pdqhash.csv")).unwrap();
    let mut rows = 0;
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let img = decode_file(
            testdata().join("images").join(f[0]),
            &DecodeOptions::default(),
        )
        .unwrap();
        let single = pdq::hash(&img.view(), Profile::FullResolution);
        let dih = pdq::hash_dihedral(&img.view(), Profile::FullResolution);
        let want = Hash256::from_hex(f[1]).unwrap();
        // JPEG pixels come from different decoders (Pillow vs image-rs).
        let bound = if f[0].ends_with(".jpg") { 8 } else { 0 };
        assert!(
            single.hash.distance(&want) <= bound,
            "{}: {} vs {}",
            f[0],
            single.hash,
            want
        );
        assert_eq!(single.quality.to_string(), f[2], "{}", f[0]);
        for i in 0..8 {
            let want = Hash256::from_hex(f[3 + i]).unwrap();
            assert!(
                dih.hashes[i].distance(&want) <= bound,
                "{} variant {i}",
                f[0]
            );
        }
        rows += 1;
    }
    assert!(rows >= 5);
}

#[test]
fn rotated_and_mirrored_copies_are_found_by_dihedral_hashes() {
    let load = |name: &str| {
        let img = decode_file(
            testdata().join("images").join(name),
            &DecodeOptions::default(),
        )
        .unwrap();
        pdq::hash_dihedral(&img.view(), Profile::FullResolution)
    };
    let original = load("waves-320x240.png");
    let rotated = load("waves-320x240-rot90.png").get(pdq::Dihedral::Original);
    let mirrored = load("waves-320x240-mirrored.png").get(pdq::Dihedral::Original);
    let orig = original.get(pdq::Dihedral::Original);
    // Unrelated-looking as hashes...
    assert!(orig.distance(&rotated) > 64, "{}", orig.distance(&rotated));
    assert!(
        orig.distance(&mirrored) > 64,
        "{}",
        orig.distance(&mirrored)
    );
    // ...but the matching dihedral variant of the original is (nearly) equal;
    // float sums run the other way round, so a few bits may differ.
    let best = |h: Hash256| {
        original
            .hashes
            .iter()
            .map(|v| v.distance(&h))
            .min()
            .unwrap()
    };
    assert!(best(rotated) <= 4, "rotated: {}", best(rotated));
    assert!(best(mirrored) <= 4, "mirrored: {}", best(mirrored));
}
