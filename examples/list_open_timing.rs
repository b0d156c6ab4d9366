//! Times opening a list file of N random hashes: mapped with structural
//! checks only, and with the BLAKE3 checksum verified.
//!
//! Usage: list_open_timing N [DIR]

use std::time::Instant;

use percept::db::{write_list, ChecksumPolicy, ListContents, ListFile};
use percept::index::{Entry, KnownHashSet};
use percept::Hash256;

fn main() {
    let a: Vec<String> = std::env::args().collect();
    let n: usize = a[1].parse().unwrap();
    let dir = a
        .get(2)
        .map(std::path::PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    let mut s = 0x9e37_79b9_7f4a_7c15u64;
    let set = KnownHashSet::build((0..n).map(|i| {
        let mut b = [0u8; 32];
        for c in b.chunks_exact_mut(8) {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            c.copy_from_slice(&s.to_le_bytes());
        }
        Entry {
            hash: Hash256::from_bytes(b),
            id: i as u64,
            label: None,
        }
    }));
    let path = dir.join(format!("list-open-timing-{n}.pcl"));
    write_list(
        &ListContents {
            set: &set,
            file_digests: &[],
            files: &[],
            list_version: 1,
        },
        &path,
    )
    .unwrap();
    drop(set);
    let size = std::fs::metadata(&path).unwrap().len();
    let t = Instant::now();
    let list = ListFile::open(&path, ChecksumPolicy::Deferred).unwrap();
    let deferred = t.elapsed();
    assert!(list.is_zero_copy());
    let t = Instant::now();
    list.verify_checksum().unwrap();
    let verify = t.elapsed();
    drop(list);
    let t = Instant::now();
    let _ = ListFile::open(&path, ChecksumPolicy::OnLoad).unwrap();
    let onload = t.elapsed();
    println!(
        "{n} entries, {size} bytes: open (deferred) {:.2} ms, verify {:.0} ms, open (on load) {:.0} ms",
        deferred.as_secs_f64() * 1e3,
        verify.as_secs_f64() * 1e3,
        onload.as_secs_f64() * 1e3
    );
    std::fs::remove_file(&path).unwrap();
}
