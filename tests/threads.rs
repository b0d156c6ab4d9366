//! No hidden threads: building the index, writing and opening a large list,
//! checking its checksum, hashing and scanning through the Rust API all run
//! on the calling thread. Parallel work happens only where the caller asks
//! for it (`KnownHashSet::matches_batch`, the CLI's `--threads`).
//!
//! One test in its own binary, so that no other test's threads are counted.
//! Threads are counted in /proc/self/task (Linux and Android).
#![cfg(any(target_os = "linux", target_os = "android"))]

use std::sync::Arc;

use percept::db::{ChecksumPolicy, ListContents, ListFile};
use percept::hash::pdq::{self, Profile};
use percept::index::{Entry, KnownHashSet};
use percept::input::{decode_file, DecodeOptions};
use percept::scan::{ScanOptions, Scanner};
use percept::Hash256;

/// The threads of this process (Linux, Android: /proc/self/task).
fn threads() -> usize {
    std::fs::read_dir("/proc/self/task")
        .expect("/proc/self/task")
        .count()
}

#[test]
fn opening_a_large_list_and_scanning_start_no_threads() {
    let start = threads();
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let entries: Vec<Entry> = (0..150_000u64)
        .map(|id| {
            let words = [next(), next(), next(), next()];
            let mut bytes = [0u8; 32];
            for (chunk, w) in bytes.chunks_exact_mut(8).zip(words) {
                chunk.copy_from_slice(&w.to_be_bytes());
            }
            Entry {
                hash: Hash256::from_bytes(bytes),
                id,
                label: None,
            }
        })
        .collect();
    let set = KnownHashSet::build(entries);
    let bytes = ListContents {
        set: &set,
        file_digests: &[[7u8; 32]],
        files: &[],
        list_version: 1,
    }
    .to_bytes();
    assert!(bytes.len() > 4 << 20, "list of {} bytes", bytes.len());
    assert_eq!(threads(), start, "building the list");

    let path = std::env::temp_dir().join(format!("percept-threads-{}.pcl", std::process::id()));
    std::fs::write(&path, &bytes).unwrap();
    let list = Arc::new(ListFile::open(&path, ChecksumPolicy::OnLoad).unwrap());
    assert_eq!(threads(), start, "opening the list");
    list.verify_checksum().unwrap();
    let from_bytes = ListFile::from_bytes(&bytes, ChecksumPolicy::OnLoad).unwrap();
    assert_eq!(from_bytes.info().entries, 150_000);
    assert_eq!(threads(), start, "checking the checksum");

    let scanner = Scanner::new(list, ScanOptions::default()).unwrap();
    let images = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/images");
    for name in [
        "waves-320x240.png",
        "waves-320x240-q85.jpg",
        "unrelated-200x200.jpg",
    ] {
        let file = std::fs::read(images.join(name)).unwrap();
        scanner.scan_bytes(&file).unwrap();
        let img = decode_file(images.join(name), &DecodeOptions::default()).unwrap();
        let view = img.view();
        pdq::hash(&view, Profile::FullResolution);
        pdq::hash_dihedral(&view, Profile::Cli512);
        scanner.scan_pixels(&view);
    }
    assert_eq!(threads(), start, "hashing and scanning");
    std::fs::remove_file(&path).unwrap();
}
