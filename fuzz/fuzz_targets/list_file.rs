//! Arbitrary bytes as a list file: opening must refuse or accept without a
//! panic; an accepted list (checksum deferred, so corrupt contents get this
//! far) must answer queries and lookups without reading out of bounds.
#![no_main]

use libfuzzer_sys::fuzz_target;
use percept::db::{ChecksumPolicy, ListFile};
use percept::Hash256;

fuzz_target!(|data: &[u8]| {
    let _ = ListFile::from_bytes(data, ChecksumPolicy::OnLoad);
    let Ok(list) = ListFile::from_bytes(data, ChecksumPolicy::Deferred) else {
        return;
    };
    let _ = list.verify_checksum();
    let set = list.known_hashes();
    let mut q = [0u8; 32];
    for (i, b) in data.iter().take(32).enumerate() {
        q[i] = *b;
    }
    let q = Hash256::from_bytes(q);
    for t in [0, 7, 31, 63, 100] {
        let _ = set.matches(&q, t);
    }
    for i in 0..set.len().min(64) {
        let _ = set.entry(i);
        let _ = set.label(i);
    }
    let _ = set.prefilter_is_consistent();
    let _ = list.contains_file_digest(&[0u8; 32]);
});
