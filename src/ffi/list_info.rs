//! `percept_list_info`: a summary of an opened list.

use crate::db::ListInfo;

/// What a matcher's list holds.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct percept_list_info {
    /// The producer's list version (increases with each release of a list).
    pub list_version: u64,
    /// Number of stored PDQ hashes.
    pub entries: u64,
    /// Number of exact-file (BLAKE3) digests.
    pub file_digests: u64,
    /// Size of the list in bytes.
    pub size_bytes: u64,
    /// The list's root digest: its stored BLAKE3 checksum over the header
    /// (list version included) and every section, as `percept list info`
    /// prints it. Two devices holding lists with equal checksums hold the
    /// same list, byte for byte; a signature does not change it.
    pub checksum: [u8; 32],
    /// The list file's format version.
    pub format_version: u32,
    /// 1: the list carries a signature, which was verified when the
    /// matcher opened it (by `signer_public_key`). 0: the list is unsigned.
    pub is_signed: u32,
    /// The Ed25519 public key that signed the list when `is_signed` is 1;
    /// all zeros otherwise.
    pub signer_public_key: [u8; 32],
}

impl From<&ListInfo> for percept_list_info {
    fn from(info: &ListInfo) -> Self {
        let mut checksum = [0u8; 32];
        let hex = info.checksum.as_bytes();
        for (i, byte) in checksum.iter_mut().enumerate() {
            // The checksum is our own 64-digit lowercase hex; a malformed
            // one would be a bug in db, shown as zero bytes rather than a panic.
            *byte = hex
                .get(2 * i..2 * i + 2)
                .and_then(|pair| std::str::from_utf8(pair).ok())
                .and_then(|pair| u8::from_str_radix(pair, 16).ok())
                .unwrap_or(0);
        }
        percept_list_info {
            list_version: info.list_version,
            entries: info.entries,
            file_digests: info.file_digests,
            size_bytes: info.size_bytes,
            checksum,
            format_version: info.format_version,
            is_signed: info.signer.is_some().into(),
            signer_public_key: info.signer.map_or([0; 32], |k| *k.as_bytes()),
        }
    }
}
