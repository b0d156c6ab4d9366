//! The one-call paths of the Rust API (Scanner::open, scan_file,
//! pdq::hash_file), the crate-level error, Display and serde forms, and
//! the refusal of over-long index queries.

use std::path::{Path, PathBuf};

use percept::db::{DbError, FileEntry};
use percept::hash::pdq::{Dihedral, Profile};
use percept::index::{Entry, KnownHashSet, TooManyVariants};
use percept::input::{decode_file, DecodeOptions, InputError};
use percept::{pdq, Error, Hash256, ScanOptions, ScanResult, Scanner, Verdict};

fn testdata(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata")
        .join(rel)
}

#[test]
fn open_and_scan_file_in_two_calls() {
    let scanner = Scanner::open(testdata("sample-list.pcl"), ScanOptions::default()).unwrap();
    let result = scanner
        .scan_file(testdata("images/waves-320x240-rot90.png"))
        .unwrap();
    assert_eq!(result.verdict, Verdict::Match);
    assert!(result.is_match());
    let best = result.best().unwrap();
    // The label travels inside the match, as the list stores it
    // (testdata/sample-list.csv).
    assert_eq!(
        best.label.as_deref(),
        Some("testdata/images/waves-320x240.png")
    );
    assert_eq!(best.distance, 0);
    assert_ne!(best.variant, Dihedral::Original);
    // Paths as &str, String and PathBuf all work.
    let again = Scanner::open("testdata/sample-list.pcl", ScanOptions::default()).unwrap();
    let by_str = again
        .scan_file("testdata/images/waves-320x240-rot90.png")
        .unwrap();
    assert_eq!(by_str, result);
    let unrelated = scanner
        .scan_file(String::from("testdata/images/unrelated-240x160.png"))
        .unwrap();
    assert_eq!(unrelated.verdict, Verdict::NoMatch);
    assert!(unrelated.matches.is_empty());
}

#[test]
fn hash_file_is_decode_then_full_resolution_hash() {
    let path = testdata("images/waves-320x240-q85.jpg");
    let image = decode_file(&path, &DecodeOptions::default()).unwrap();
    let expected = pdq::hash(&image.view(), Profile::FullResolution);
    assert_eq!(pdq::hash_file(&path).unwrap(), expected);
    assert_eq!(
        pdq::hash_bytes(&std::fs::read(&path).unwrap()).unwrap(),
        expected
    );
}

#[test]
fn one_error_type_wraps_each_layer() {
    let missing_list = Scanner::open("testdata/no-such-list.pcl", ScanOptions::default());
    assert!(
        matches!(missing_list, Err(Error::List(DbError::Io(_)))),
        "{missing_list:?}"
    );

    let mut options = ScanOptions::default();
    options.threshold = 300;
    let bad_options = Scanner::open(testdata("sample-list.pcl"), options);
    let Err(Error::Options(e)) = bad_options else {
        panic!("expected an options error")
    };
    assert_eq!((e.name, e.value, e.max), ("threshold", 300, 255));

    let scanner = Scanner::open(testdata("sample-list.pcl"), ScanOptions::default()).unwrap();
    let missing_image: Result<ScanResult, Error> = scanner
        .scan_file(testdata("images/no-such-image.png"))
        .map_err(Error::from);
    assert!(matches!(
        missing_image,
        Err(Error::Input(InputError::Io(_)))
    ));
    // The message is the inner error's own.
    let not_an_image = scanner.scan_file(testdata("sample-list.csv")).unwrap_err();
    assert_eq!(
        Error::from(not_an_image).to_string(),
        InputError::UnrecognisedFormat.to_string()
    );
}

#[test]
fn scan_file_refuses_a_file_over_the_input_limit_before_reading_it() {
    let mut options = ScanOptions::default();
    options.decode.limits.max_input_bytes = 100;
    let scanner = Scanner::open(testdata("sample-list.pcl"), options).unwrap();
    let err = scanner
        .scan_file(testdata("images/waves-320x240.png"))
        .unwrap_err();
    assert!(matches!(err, InputError::TooLarge(_)), "{err:?}");
}

#[test]
fn verdicts_and_variants_display_as_the_cli_prints_them() {
    let shown: Vec<String> = [Verdict::Match, Verdict::NoMatch, Verdict::Unreliable]
        .iter()
        .map(|v| v.to_string())
        .collect();
    assert_eq!(shown, ["match", "no-match", "unreliable"]);
    let names: Vec<String> = Dihedral::ALL.iter().map(|d| d.to_string()).collect();
    assert_eq!(
        names,
        [
            "orig",
            "rot90",
            "rot180",
            "rot270",
            "flipx",
            "flipy",
            "flipplus1",
            "flipminus1"
        ]
    );
}

#[test]
fn a_query_of_more_than_eight_hashes_is_refused() {
    let hashes: Vec<Hash256> = (0..9u8)
        .map(|i| {
            let mut h = Hash256::ZERO;
            h.set_bit(i as usize * 20);
            h
        })
        .collect();
    let set = KnownHashSet::build(hashes.iter().enumerate().map(|(i, h)| Entry {
        hash: *h,
        id: i as u64,
        label: None,
    }));
    // Eight are answered in full; the ninth hash is not dropped silently.
    assert_eq!(set.matches_any(&hashes[..8], 0).unwrap().len(), 8);
    let refused: TooManyVariants = set.matches_any(&hashes, 0).unwrap_err();
    assert_eq!((refused.given, refused.max), (9, 8));
    assert!(set.matches_linear(&hashes, 0).is_err());
    assert!(set.prefilter_rejections(&hashes, 0).is_err());
    assert!(set
        .matches_batch(&[hashes[..1].to_vec(), hashes.clone()], 0)
        .is_err());
    let e: Error = set.matches_any(&hashes, 0).unwrap_err().into();
    assert_eq!(
        e.to_string(),
        "a query holds at most 8 hashes (one per dihedral variant), this one has 9"
    );
}

#[test]
fn serde_forms_are_readable_and_round_trip() {
    let scanner = Scanner::open(testdata("sample-list.pcl"), ScanOptions::default()).unwrap();
    let result = scanner
        .scan_file(testdata("images/waves-320x240-mirrored.png"))
        .unwrap();
    let json = serde_json::to_value(&result).unwrap();
    assert_eq!(json["verdict"], "match");
    assert_eq!(
        json["matches"][0]["variant"],
        result.matches[0].variant.name()
    );
    assert_eq!(
        json["matches"][0]["label"],
        "testdata/images/waves-320x240.png"
    );
    let back: ScanResult = serde_json::from_value(json).unwrap();
    assert_eq!(back, result);

    let hash = pdq::hash_file(testdata("images/waves-320x240.png")).unwrap();
    let json = serde_json::to_value(hash).unwrap();
    assert_eq!(json["hash"], hash.hash.to_hex());
    assert_eq!(json["quality"], hash.quality);
    assert_eq!(serde_json::from_value::<pdq::PdqHash>(json).unwrap(), hash);
    assert!(serde_json::from_str::<Hash256>("\"abc\"").is_err());

    let file = FileEntry {
        digest: *blake3::hash(b"known file").as_bytes(),
        id: Some(7),
        label: Some("case 7".into()),
    };
    let json = serde_json::to_value(&file).unwrap();
    assert_eq!(
        json["digest"],
        blake3::hash(b"known file").to_hex().as_str()
    );
    assert_eq!(serde_json::from_value::<FileEntry>(json).unwrap(), file);
}

#[test]
fn stability_flags_a_symmetric_pattern_and_not_a_photo_like_image() {
    let checker = pdq::hash_file(testdata(
        "reference/generated/synthetic/syn-checker-rgb-300x200.png",
    ))
    .unwrap();
    assert!(!checker.stability.is_stable(), "{:?}", checker.stability);
    assert_eq!(checker.quality, 100, "quality does not see it");
    let waves = testdata("images/waves-320x240.png");
    let photo = pdq::hash_file(&waves).unwrap();
    assert!(photo.stability.is_stable(), "{:?}", photo.stability);
    // The dihedral function reports the same stability (one DCT), and a
    // scan carries it.
    let image = decode_file(&waves, &DecodeOptions::default()).unwrap();
    let d = pdq::hash_dihedral(&image.view(), Profile::FullResolution);
    assert_eq!(d.stability, Some(photo.stability));
    let scanner = Scanner::open(testdata("sample-list.pcl"), ScanOptions::default()).unwrap();
    assert_eq!(
        scanner.scan_file(&waves).unwrap().stability,
        Some(photo.stability)
    );
    // Too small to hash: every bit weak.
    let tiny = pdq::hash_file(testdata("images/tiny-4x4.png")).unwrap();
    assert_eq!(tiny.stability, pdq::Stability::NO_HASH);
}
