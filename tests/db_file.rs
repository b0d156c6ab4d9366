//! The list file: round trip, zero copy, and refusal of every malformed form.

use percept::db::{ChecksumPolicy, DbError, FileEntry, ListContents, ListFile};
use percept::index::{Entry, KnownHashSet};
use percept::Hash256;

fn sample_set(n: u64) -> KnownHashSet {
    KnownHashSet::build((0..n).map(|i| {
        let mut b = [0u8; 32];
        for (j, x) in b.iter_mut().enumerate() {
            *x = (i.wrapping_mul(2654435761).wrapping_add(j as u64 * 97) >> (j % 7)) as u8;
        }
        Entry {
            hash: Hash256::from_bytes(b),
            id: 500 + i,
            label: (i % 3 == 0).then(|| format!("item {i}")),
        }
    }))
}

fn sample_bytes() -> Vec<u8> {
    let set = sample_set(40);
    ListContents {
        set: &set,
        file_digests: &[[7u8; 32], [1u8; 32]],
        files: &[],
        list_version: 42,
    }
    .to_bytes()
}

#[test]
fn round_trip_from_file_is_zero_copy_and_answers_the_same() {
    let set = sample_set(3000);
    let dir = std::env::temp_dir().join(format!("percept-db-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("list.pcl");
    percept::db::write_list(
        &ListContents {
            set: &set,
            file_digests: &[[9u8; 32]],
            files: &[],
            list_version: 7,
        },
        &path,
    )
    .unwrap();
    for policy in [ChecksumPolicy::OnLoad, ChecksumPolicy::Deferred] {
        let list = ListFile::open(&path, policy).unwrap();
        assert!(list.is_zero_copy());
        list.verify_checksum().unwrap();
        let loaded = list.known_hashes();
        assert_eq!(loaded.len(), set.len());
        for i in 0..set.len() {
            assert_eq!(loaded.entry(i), set.entry(i));
        }
        for i in (0..set.len()).step_by(97) {
            let q = set.entry(i).unwrap().hash;
            assert_eq!(loaded.matches(&q, 31), set.matches(&q, 31));
        }
        assert!(list.contains_file_digest(&[9u8; 32]));
        assert!(!list.contains_file_digest(&[8u8; 32]));
        assert_eq!(list.info().list_version, 7);
        assert_eq!(list.info().entries, 3000);
        assert_eq!(list.info().checksum.len(), 64);
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn from_bytes_round_trip() {
    let bytes = sample_bytes();
    let list = ListFile::from_bytes(&bytes, ChecksumPolicy::OnLoad).unwrap();
    assert_eq!(list.info().file_digests, 2);
    assert!(list.contains_file_digest(&[1u8; 32]));
    assert_eq!(list.known_hashes().len(), 40);
}

fn open(bytes: &[u8]) -> Result<ListFile, DbError> {
    ListFile::from_bytes(bytes, ChecksumPolicy::OnLoad)
}

fn patch_u32(b: &mut [u8], at: usize, v: u32) {
    b[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

fn patch_u64(bytes: &mut [u8], at: usize, v: u64) {
    bytes[at..at + 8].copy_from_slice(&v.to_le_bytes());
}

#[test]
fn every_truncation_point_is_refused() {
    let bytes = sample_bytes();
    for len in 0..bytes.len() {
        let err = open(&bytes[..len])
            .err()
            .unwrap_or_else(|| panic!("truncated to {len} opened"));
        assert!(matches!(err, DbError::Truncated(_)), "at {len}: {err}");
    }
}

#[test]
fn every_flipped_byte_is_refused() {
    let bytes = sample_bytes();
    for at in 0..bytes.len() {
        let mut b = bytes.clone();
        b[at] ^= 0x40;
        assert!(open(&b).is_err(), "flip at {at} accepted");
        if at >= bytes.len() - 32 {
            assert!(matches!(open(&b), Err(DbError::ChecksumMismatch)));
        }
    }
}

#[test]
fn malformed_headers_get_their_own_errors() {
    let good = sample_bytes();
    type Case = (
        &'static str,
        Box<dyn Fn(&mut Vec<u8>)>,
        fn(&DbError) -> bool,
    );
    let cases: Vec<Case> = vec![
        ("bad magic", Box::new(|b| b[0] = b'X'), |e| {
            matches!(e, DbError::BadMagic)
        }),
        ("future version", Box::new(|b| b[8] = 4), |e| {
            matches!(e, DbError::UnsupportedVersion(4))
        }),
        (
            "version 2 with version 3's sections",
            Box::new(|b| b[8] = 2),
            |e| matches!(e, DbError::Malformed(_)),
        ),
        ("pre-release version 1", Box::new(|b| b[8] = 1), |e| {
            matches!(e, DbError::UnsupportedVersion(1))
        }),
        (
            "section count without the prefilter",
            Box::new(|b| patch_u32(b, 40, 7)),
            |e| matches!(e, DbError::Malformed(_)),
        ),
        (
            "prefilter section of the wrong size",
            Box::new(|b| {
                // The last section table entry is the prefilter's bits.
                let at = 64 + 32 * 8;
                assert_eq!(b[at], 9);
                let count = u64::from_le_bytes(b[at + 24..at + 32].try_into().unwrap());
                patch_u64(b, at + 24, count + 8);
                patch_u64(b, at + 16, (count + 8) * 8);
            }),
            |e| matches!(e, DbError::Malformed(_)),
        ),
        (
            "entry count off by one",
            Box::new(|b| patch_u64(b, 24, 41)),
            |e| matches!(e, DbError::Malformed(_)),
        ),
        (
            "oversized entry count",
            Box::new(|b| patch_u64(b, 24, u64::MAX)),
            |e| matches!(e, DbError::TooManyEntries(_)),
        ),
        (
            "oversized digest count",
            Box::new(|b| patch_u64(b, 32, u64::MAX / 2)),
            |e| matches!(e, DbError::Malformed(_)),
        ),
        (
            "digest count off by one",
            Box::new(|b| patch_u64(b, 32, 3)),
            |e| matches!(e, DbError::Malformed(_)),
        ),
        (
            "longer than header says",
            Box::new(|b| b.extend_from_slice(&[0; 64])),
            |e| matches!(e, DbError::Malformed(_)),
        ),
        (
            "section offset misaligned",
            Box::new(|b| {
                let o = u64::from_le_bytes(b[72..80].try_into().unwrap());
                patch_u64(b, 72, o + 8)
            }),
            |e| matches!(e, DbError::Malformed(_)),
        ),
        (
            "section past the end",
            Box::new(|b| patch_u64(b, 72, 1 << 40)),
            |e| matches!(e, DbError::Malformed(_)),
        ),
        (
            "section length overflow",
            Box::new(|b| patch_u64(b, 80, u64::MAX)),
            |e| matches!(e, DbError::Malformed(_)),
        ),
        ("duplicate section", Box::new(|b| b[96] = 1), |e| {
            matches!(e, DbError::Malformed(_))
        }),
        ("unknown section", Box::new(|b| b[96] = 99), |e| {
            matches!(e, DbError::Malformed(_))
        }),
        (
            "flipped checksum",
            Box::new(|b| {
                let n = b.len();
                b[n - 1] ^= 1
            }),
            |e| matches!(e, DbError::ChecksumMismatch),
        ),
        (
            "flipped hash bit",
            Box::new(|b| {
                let o = u64::from_le_bytes(b[72..80].try_into().unwrap()) as usize;
                b[o] ^= 1
            }),
            |e| matches!(e, DbError::ChecksumMismatch),
        ),
    ];
    for (name, patch, ok) in cases {
        let mut b = good.clone();
        patch(&mut b);
        match open(&b) {
            Ok(_) => panic!("{name}: accepted"),
            Err(e) => assert!(ok(&e), "{name}: wrong error {e:?}"),
        }
    }
}

/// With a deferred checksum, structure is still checked and a corrupted
/// body answers (wrongly, perhaps) without reading out of bounds.
#[test]
fn deferred_checksum_never_reads_out_of_bounds() {
    let good = sample_bytes();
    let q = sample_set(40).entry(5).unwrap().hash;
    for at in (64 + 7 * 32)..good.len() - 32 {
        for flip in [0x01u8, 0x80, 0xff] {
            let mut b = good.clone();
            b[at] ^= flip;
            if let Ok(list) = ListFile::from_bytes(&b, ChecksumPolicy::Deferred) {
                let _ = list.known_hashes().matches(&q, 63);
                let _ = list.known_hashes().entry(3);
                assert!(list.verify_checksum().is_err());
            }
        }
    }
}

#[test]
fn exact_file_entries_keep_ids_and_labels() {
    let set = sample_set(5);
    let files = [
        FileEntry {
            digest: [3u8; 32],
            id: Some(77),
            label: Some("known file".into()),
        },
        FileEntry {
            digest: [3u8; 32],
            id: Some(78),
            label: None,
        },
        FileEntry {
            digest: [1u8; 32],
            id: None,
            label: Some("no id".into()),
        },
    ];
    // A bare digest that also has an entry is stored once, with the entry.
    let bytes = ListContents {
        set: &set,
        file_digests: &[[3u8; 32], [9u8; 32]],
        files: &files,
        list_version: 1,
    }
    .to_bytes();
    let list = open(&bytes).unwrap();
    assert_eq!(list.info().format_version, 3);
    assert_eq!(list.info().file_digests, 4);
    let mut found = list.file_matches(&[3u8; 32]);
    found.sort();
    assert_eq!(found, files[..2].to_vec());
    assert_eq!(list.file_matches(&[1u8; 32]), vec![files[2].clone()]);
    assert_eq!(
        list.file_matches(&[9u8; 32]),
        vec![FileEntry {
            digest: [9u8; 32],
            id: None,
            label: None
        }]
    );
    assert!(list.file_matches(&[2u8; 32]).is_empty());
}

/// A list written by the previous format (version 2: exact-file digests
/// without ids or labels), kept in testdata/, still opens and answers.
#[test]
fn format_2_lists_are_still_read() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/sample-list-format2.pcl");
    let old = ListFile::open(&path, ChecksumPolicy::OnLoad).unwrap();
    let new = ListFile::open(
        path.with_file_name("sample-list.pcl"),
        ChecksumPolicy::OnLoad,
    )
    .unwrap();
    assert_eq!(old.info().format_version, 2);
    assert_eq!(new.info().format_version, 3);
    let (a, b) = (old.known_hashes(), new.known_hashes());
    assert_eq!(a.len(), b.len());
    for i in 0..a.len() {
        assert_eq!(a.entry(i), b.entry(i));
    }
    assert_eq!(old.file_digests(), new.file_digests());
    let d = old.file_digests()[0];
    assert_eq!(old.file_matches(&d)[0].id, None);
    assert_eq!(new.file_matches(&d)[0].id, Some(2));
}
