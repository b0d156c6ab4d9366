//! The known-hash list file: a versioned, checksummed binary format that is
//! memory-mapped, not parsed, so a 10 M-entry list opens in milliseconds.
//!
//! Layout (all integers little-endian; every section starts on a 64-byte
//! boundary so arrays can be used in place):
//!
//! | offset | size | field |
//! | --- | --- | --- |
//! | 0 | 8 | magic `PRCPTLST` |
//! | 8 | 4 | format version (3; 2 is still read: it has no exact-file ids or labels; 1, never released, had no prefilter) |
//! | 12 | 4 | MIH directory bits |
//! | 16 | 8 | list version (set by the list's producer, increases with each release) |
//! | 24 | 8 | entry count N |
//! | 32 | 8 | exact-file digest count D |
//! | 40 | 4 | section count S |
//! | 44 | 4 | reserved (0) |
//! | 48 | 8 | total file length |
//! | 56 | 8 | reserved (0) |
//! | 64 | 32 x S | section table: kind u32, reserved u32, offset u64, length in bytes u64, element count u64 |
//! | ... | | sections, each 64-byte aligned, zero padding between |
//! | end - 32 | 32 | BLAKE3 of every byte before it: the list's root digest |
//! | (optional) | 104 | signature block, after the total length (see `sign`) |
//!
//! Sections: `HASHES` (N x 4 u64 words, sorted), `IDS` (N x u64),
//! `LABEL_OFFSETS` ((N+1) x u64), `LABEL_BYTES` (UTF-8), `MIH_DIRECTORY`
//! (16 x (2^bits + 1) x u32), `MIH_PERMUTATION` (15 x N x 3 bytes),
//! `FILE_DIGESTS` (D x 32 bytes, sorted), `PREFILTER_KEY` (2 x u64: the
//! SipHash-1-3 key of the Bloom prefilter), `PREFILTER_BITS`
//! (`ceil(N x 80 / 512)` (at least 1) 512-bit lines as u64 words; see
//! `index::bloom`), and since version 3 `FILE_IDS` (D x u64, `u64::MAX` for
//! none), `FILE_LABEL_OFFSETS` ((D+1) x u64) and `FILE_LABEL_BYTES`
//! (UTF-8): the ids and labels of the exact-file entries, in digest order.
//! Unknown section kinds are refused (a newer format version would be
//! needed to add one). The prefilter is a pure function of the hashes and
//! the key: `percept list info` rebuilds it and compares.

// Panic policy for code that handles untrusted input (docs/hostile-input.md):
// no unwrap/expect/panic outside tests; slicing only within bounds
// established by checked arithmetic earlier in the same function (the fuzz
// targets in fuzz/ exercise these paths).
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

mod error;
mod import;
mod layout;
mod read;
mod sign;
mod write;

pub use error::DbError;
pub use import::{parse_list, ImportFormat, ImportIssue, ImportedList};
pub use read::{sign_list_bytes, ChecksumPolicy, ListFile, ListInfo, OpenOptions};
pub use sign::{PublicKey, SecretKey};
pub use write::{write_list, FileEntry, ListContents};
