//! Opening list files: every size and offset is checked against the file
//! before any array is used, and arrays are used in place (no copy).

use std::ops::Deref;
use std::path::Path;
use std::sync::Arc;

use super::layout::{
    Section, ALIGN, CHECKSUM_LEN, FORMAT_VERSION, HEADER_LEN, MAGIC, SECTION_ENTRY_LEN,
};
use super::sign::{self, PublicKey, SIGNATURE_BLOCK_LEN, SIGNATURE_MAGIC};
use super::write::FileEntry;
use super::DbError;
use crate::index::bloom::{self, Prefilter};
use crate::index::mih::{dir_bits_for, MihTables, SLOTS};
use crate::index::slab::Slab;
use crate::index::{KnownHashSet, SharedBytes, MAX_ENTRIES};

/// When the BLAKE3 checksum over the file is checked.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ChecksumPolicy {
    /// On open (default): reads every byte once, about 0.3 s per GB on one
    /// core; a list that fails is never used.
    #[default]
    OnLoad,
    /// Not on open: the caller calls [`ListFile::verify_checksum`] itself
    /// (e.g. once after download, or on a background thread). Structure is
    /// still validated, and queries never read out of bounds, but a
    /// corrupted list can give wrong answers until verified.
    Deferred,
}

/// Summary of a list file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListInfo {
    /// The file format's version (2 or 3).
    pub format_version: u32,
    /// The producer's release number of this list.
    pub list_version: u64,
    /// Stored PDQ hashes.
    pub entries: u64,
    /// Stored exact-file digests (with or without ids and labels).
    pub file_digests: u64,
    /// The file's size.
    pub size_bytes: u64,
    /// The list's root digest: the stored BLAKE3 checksum over the header
    /// and every section (hex). Equal on two devices means the same list,
    /// byte for byte; a signature does not change it.
    pub checksum: String,
    /// Who signed the list (the signature was checked on open).
    pub signer: Option<PublicKey>,
}

/// How a list is checked when it is opened.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct OpenOptions {
    /// When the BLAKE3 checksum is verified. Ignored (always on load) when
    /// `trusted_keys` is not empty: a signature vouches for the root digest
    /// only, so the body must be checked against it before use.
    pub checksum: ChecksumPolicy,
    /// When not empty, the list must carry a valid signature by one of
    /// these keys ([`DbError::Unsigned`], [`DbError::UntrustedSigner`]).
    pub trusted_keys: Vec<PublicKey>,
    /// Lists with a lower list version are refused ([`DbError::RolledBack`]).
    pub min_list_version: u64,
}

impl OpenOptions {
    /// Structural checks only; the checksum is left to the caller.
    pub fn deferred() -> Self {
        OpenOptions {
            checksum: ChecksumPolicy::Deferred,
            ..OpenOptions::default()
        }
    }

    /// Requires a signature by `key` and a list version of at least
    /// `min_list_version`.
    pub fn pinned(key: PublicKey, min_list_version: u64) -> Self {
        OpenOptions {
            checksum: ChecksumPolicy::OnLoad,
            trusted_keys: vec![key],
            min_list_version,
        }
    }
}

/// An opened list: the known-hash set and the exact-file digests.
pub struct ListFile {
    set: KnownHashSet,
    digests: Slab<[u8; 32]>,
    /// Per digest: id (`u64::MAX`: none) and label range; empty for
    /// format version 2 lists, which have neither.
    file_ids: Slab<u64>,
    file_label_offsets: Slab<u64>,
    file_label_bytes: Slab<u8>,
    info: ListInfo,
    bytes: SharedBytes,
    /// Bytes of the list proper (header to checksum); a signature block
    /// may follow.
    list_len: usize,
}

/// Bytes copied into 8-byte-aligned storage, for lists given as a buffer.
struct AlignedBytes {
    words: Vec<u64>,
    len: usize,
}

impl Deref for AlignedBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &bytemuck::cast_slice(&self.words)[..self.len]
    }
}

impl ListFile {
    /// Memory-maps and validates a list file.
    pub fn open(path: impl AsRef<Path>, policy: ChecksumPolicy) -> Result<Self, DbError> {
        Self::open_with(
            path,
            &OpenOptions {
                checksum: policy,
                ..OpenOptions::default()
            },
        )
    }

    /// Memory-maps and validates a list file: structure, then (as asked)
    /// checksum, signature and minimum list version.
    pub fn open_with(path: impl AsRef<Path>, options: &OpenOptions) -> Result<Self, DbError> {
        let file = std::fs::File::open(path.as_ref())?;
        // SAFETY: the map is read-only. A list must not be modified in place
        // while open (lists are replaced by writing a new file and renaming
        // it, as `write_list` does); this is the documented contract.
        let map = unsafe { memmap2::Mmap::map(&file)? };
        Self::from_shared(Arc::new(map), options)
    }

    /// Validates a list held in memory (copied once into aligned storage).
    pub fn from_bytes(bytes: &[u8], policy: ChecksumPolicy) -> Result<Self, DbError> {
        Self::from_bytes_with(
            bytes,
            &OpenOptions {
                checksum: policy,
                ..OpenOptions::default()
            },
        )
    }

    /// [`from_bytes`](Self::from_bytes) with signature and version checks.
    pub fn from_bytes_with(bytes: &[u8], options: &OpenOptions) -> Result<Self, DbError> {
        let mut words = vec![0u64; bytes.len().div_ceil(8)];
        bytemuck::cast_slice_mut::<u64, u8>(&mut words)[..bytes.len()].copy_from_slice(bytes);
        Self::from_shared(
            Arc::new(AlignedBytes {
                words,
                len: bytes.len(),
            }),
            options,
        )
    }

    fn from_shared(bytes: SharedBytes, options: &OpenOptions) -> Result<Self, DbError> {
        let (list_len, signature) = split_signature(&bytes);
        let list = &bytes[..list_len];
        let layout = parse_layout(list)?;
        if options.checksum == ChecksumPolicy::OnLoad || !options.trusted_keys.is_empty() {
            verify(list)?;
        }
        let mut root = [0u8; 32];
        root.copy_from_slice(&list[list_len - CHECKSUM_LEN..]);
        // A signature present is always checked (it is cheap), so that no
        // byte of a signed file can change unnoticed.
        let signer = signature
            .map(|block| sign::verify_block(block, &root))
            .transpose()?;
        if !options.trusted_keys.is_empty() {
            match signer {
                None => return Err(DbError::Unsigned),
                Some(k) if !options.trusted_keys.contains(&k) => {
                    return Err(DbError::UntrustedSigner)
                }
                Some(_) => {}
            }
        }
        if layout.list_version < options.min_list_version {
            return Err(DbError::RolledBack {
                version: layout.list_version,
                minimum: options.min_list_version,
            });
        }
        let n = layout.entries;
        let hashes = section(&bytes, &layout, Section::Hashes)?;
        let ids = section(&bytes, &layout, Section::Ids)?;
        let label_offsets = section(&bytes, &layout, Section::LabelOffsets)?;
        let label_bytes = section(&bytes, &layout, Section::LabelBytes)?;
        let dir = section(&bytes, &layout, Section::MihDirectory)?;
        let perm = section(&bytes, &layout, Section::MihPermutation)?;
        let digests = section(&bytes, &layout, Section::FileDigests)?;
        let key: Slab<u64> = section(&bytes, &layout, Section::PrefilterKey)?;
        let filter_words = section(&bytes, &layout, Section::PrefilterBits)?;
        let (file_ids, file_label_offsets, file_label_bytes) = if layout.format_version >= 3 {
            (
                section(&bytes, &layout, Section::FileIds)?,
                section(&bytes, &layout, Section::FileLabelOffsets)?,
                section(&bytes, &layout, Section::FileLabelBytes)?,
            )
        } else {
            (
                Slab::Owned(Vec::new()),
                Slab::Owned(Vec::new()),
                Slab::Owned(Vec::new()),
            )
        };
        let info = ListInfo {
            format_version: layout.format_version,
            list_version: layout.list_version,
            entries: n as u64,
            file_digests: layout.digests as u64,
            size_bytes: bytes.len() as u64,
            checksum: root.iter().map(|b| format!("{b:02x}")).collect(),
            signer,
        };
        let set = KnownHashSet {
            hashes,
            ids,
            label_offsets,
            label_bytes,
            mih: MihTables {
                dir_bits: layout.dir_bits,
                dir,
                perm,
            },
            prefilter: Prefilter {
                key: [key.as_slice()[0], key.as_slice()[1]],
                words: filter_words,
            },
        };
        Ok(ListFile {
            set,
            digests,
            file_ids,
            file_label_offsets,
            file_label_bytes,
            info,
            bytes,
            list_len,
        })
    }

    /// Recomputes the BLAKE3 checksum over the file and compares.
    pub fn verify_checksum(&self) -> Result<(), DbError> {
        verify(&self.bytes[..self.list_len])
    }

    /// The root digest: the BLAKE3 checksum over header and sections.
    pub fn root_digest(&self) -> [u8; 32] {
        let mut root = [0u8; 32];
        root.copy_from_slice(&self.bytes[self.list_len - CHECKSUM_LEN..self.list_len]);
        root
    }

    /// The key that signed this list (its signature was checked on open).
    pub fn signer(&self) -> Option<PublicKey> {
        self.info.signer
    }

    /// The stored hashes, for searching.
    pub fn known_hashes(&self) -> &KnownHashSet {
        &self.set
    }

    /// The list's summary: versions, counts, size, checksum, signer.
    pub fn info(&self) -> &ListInfo {
        &self.info
    }

    /// The exact-file BLAKE3 digests, sorted.
    pub fn file_digests(&self) -> &[[u8; 32]] {
        self.digests.as_slice()
    }

    /// Exact-file entry `i` (in digest order), or `None` past the end.
    pub fn file_entry(&self, i: usize) -> Option<FileEntry> {
        let digest = *self.digests.as_slice().get(i)?;
        let id = self
            .file_ids
            .as_slice()
            .get(i)
            .copied()
            .filter(|&id| id != u64::MAX);
        let off = self.file_label_offsets.as_slice();
        let label = match (off.get(i), off.get(i + 1)) {
            (Some(&lo), Some(&hi)) if lo < hi => self
                .file_label_bytes
                .as_slice()
                .get(lo as usize..hi as usize)
                .and_then(|b| std::str::from_utf8(b).ok())
                .map(str::to_string),
            _ => None,
        };
        Some(FileEntry { digest, id, label })
    }

    /// Every exact-file entry with this digest (several when the list gives
    /// one file several ids or labels).
    pub fn file_matches(&self, digest: &[u8; 32]) -> Vec<FileEntry> {
        let all = self.digests.as_slice();
        let start = all.partition_point(|d| d < digest);
        let end = start + all[start..].partition_point(|d| d == digest);
        (start..end).filter_map(|i| self.file_entry(i)).collect()
    }

    /// Whether a file with this BLAKE3 digest is on the list.
    pub fn contains_file_digest(&self, digest: &[u8; 32]) -> bool {
        self.digests.as_slice().binary_search(digest).is_ok()
    }

    /// Whether the hash array is used in place (memory-mapped), not copied.
    pub fn is_zero_copy(&self) -> bool {
        self.set.hashes.is_shared()
    }
}

/// A section as an array of `T`, in place.
fn section<T: bytemuck::Pod>(
    bytes: &SharedBytes,
    layout: &Layout,
    kind: Section,
) -> Result<Slab<T>, DbError> {
    let (offset, len) = layout.sections[kind as usize - 1];
    Slab::shared(bytes.clone(), offset, len / std::mem::size_of::<T>())
        .map_err(|e| DbError::Malformed(format!("section {kind:?}: {e}")))
}

/// The length of the list proper and the signature block after it, if the
/// file ends with one (a header's total length plus a block with the magic).
fn split_signature(b: &[u8]) -> (usize, Option<&[u8]>) {
    if b.len() >= HEADER_LEN {
        let total = u64_at(b, 48);
        if total.checked_add(SIGNATURE_BLOCK_LEN as u64) == Some(b.len() as u64) {
            let total = total as usize;
            if &b[total..total + SIGNATURE_MAGIC.len()] == SIGNATURE_MAGIC {
                return (total, Some(&b[total..]));
            }
        }
    }
    (b.len(), None)
}

fn verify(bytes: &[u8]) -> Result<(), DbError> {
    let (body, stored) = bytes.split_at(bytes.len() - CHECKSUM_LEN);
    let computed = blake3::hash(body);
    // Constant-time comparison is not needed (nothing secret), but
    // blake3::Hash's == is constant-time anyway.
    if computed
        == blake3::Hash::from_bytes(
            stored
                .try_into()
                .map_err(|_| DbError::Truncated("checksum"))?,
        )
    {
        Ok(())
    } else {
        Err(DbError::ChecksumMismatch)
    }
}

struct Layout {
    format_version: u32,
    list_version: u64,
    entries: usize,
    digests: usize,
    dir_bits: u32,
    /// (offset, length in bytes) per section kind, indexed by kind - 1.
    sections: [(usize, usize); Section::ALL.len()],
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    let mut x = [0u8; 4];
    x.copy_from_slice(&b[at..at + 4]);
    u32::from_le_bytes(x)
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    let mut x = [0u8; 8];
    x.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(x)
}

fn parse_layout(b: &[u8]) -> Result<Layout, DbError> {
    if cfg!(target_endian = "big") {
        return Err(DbError::Malformed(
            "list files are little-endian; this build is big-endian".into(),
        ));
    }
    if b.len() < MAGIC.len() || &b[..MAGIC.len()] != MAGIC {
        return Err(if b.len() < MAGIC.len() {
            DbError::Truncated("no header")
        } else {
            DbError::BadMagic
        });
    }
    if b.len() < HEADER_LEN + CHECKSUM_LEN {
        return Err(DbError::Truncated("header"));
    }
    let version = u32_at(b, 8);
    if !(2..=FORMAT_VERSION).contains(&version) {
        return Err(DbError::UnsupportedVersion(version));
    }
    let kinds = Section::count_for(version);
    let dir_bits = u32_at(b, 12);
    let list_version = u64_at(b, 16);
    let entries = u64_at(b, 24);
    let digests = u64_at(b, 32);
    let section_count = u32_at(b, 40) as usize;
    let total = u64_at(b, 48);
    if total > b.len() as u64 {
        return Err(DbError::Truncated("file is shorter than its header says"));
    }
    if total < b.len() as u64 {
        return Err(DbError::Malformed(
            "file is longer than its header says".into(),
        ));
    }
    if entries > MAX_ENTRIES as u64 {
        return Err(DbError::TooManyEntries(entries));
    }
    let n = entries as usize;
    if dir_bits != dir_bits_for(n) {
        return Err(DbError::Malformed(format!(
            "directory bits {dir_bits} do not fit {n} entries"
        )));
    }
    // Digests are 32 bytes each and must fit in the file: bounds the count
    // before anything is sized from it.
    if digests > (b.len() / 32) as u64 {
        return Err(DbError::Malformed(
            "digest count larger than the file".into(),
        ));
    }
    let digests = digests as usize;
    if section_count != kinds {
        return Err(DbError::Malformed(format!(
            "{section_count} sections, expected {kinds}"
        )));
    }
    let table_end = HEADER_LEN + SECTION_ENTRY_LEN * section_count;
    let body_end = b.len() - CHECKSUM_LEN;
    if table_end > body_end {
        return Err(DbError::Truncated("section table"));
    }
    let mut sections: [Option<(usize, usize)>; Section::ALL.len()] = [None; Section::ALL.len()];
    for i in 0..section_count {
        let at = HEADER_LEN + SECTION_ENTRY_LEN * i;
        let kind = Section::from_u32(u32_at(b, at))
            .filter(|k| (*k as usize) <= kinds)
            .ok_or_else(|| DbError::Malformed(format!("unknown section kind {}", u32_at(b, at))))?;
        let offset = u64_at(b, at + 8);
        let len = u64_at(b, at + 16);
        let count = u64_at(b, at + 24);
        let end = offset.checked_add(len).filter(|&e| e <= body_end as u64);
        if end.is_none() || offset < table_end as u64 {
            return Err(DbError::Malformed(format!(
                "section {kind:?} lies outside the body"
            )));
        }
        if offset as usize % ALIGN != 0 {
            return Err(DbError::Malformed(format!(
                "section {kind:?} is not 64-byte aligned"
            )));
        }
        let expected = match kind {
            Section::Hashes | Section::Ids => n as u64,
            Section::LabelOffsets => n as u64 + 1,
            Section::LabelBytes => len,
            Section::MihDirectory => (SLOTS as u64) * ((1u64 << dir_bits) + 1),
            Section::MihPermutation => (SLOTS as u64 - 1) * n as u64,
            Section::FileDigests | Section::FileIds => digests as u64,
            Section::FileLabelOffsets => digests as u64 + 1,
            Section::FileLabelBytes => len,
            Section::PrefilterKey => 2,
            Section::PrefilterBits => bloom::words_for(n) as u64,
        };
        if count != expected || Some(len) != count.checked_mul(kind.element_size() as u64) {
            return Err(DbError::Malformed(format!(
                "section {kind:?} has the wrong size"
            )));
        }
        let slot = &mut sections[kind as usize - 1];
        if slot.is_some() {
            return Err(DbError::Malformed(format!(
                "section {kind:?} appears twice"
            )));
        }
        *slot = Some((offset as usize, len as usize));
    }
    let mut out = [(0usize, 0usize); Section::ALL.len()];
    for (o, s) in out.iter_mut().zip(sections).take(kinds) {
        // Every kind at most once, in a table with one entry per kind of
        // the version: none can be missing.
        *o = s.ok_or_else(|| DbError::Malformed("missing section".into()))?;
    }
    Ok(Layout {
        format_version: version,
        list_version,
        entries: n,
        digests,
        dir_bits,
        sections: out,
    })
}

/// Signs a list held in memory: checks it completely (structure and
/// checksum), then returns the list with `key`'s signature block after it
/// (replacing any earlier signature).
pub fn sign_list_bytes(bytes: &[u8], key: &sign::SecretKey) -> Result<Vec<u8>, DbError> {
    let list = ListFile::from_bytes(bytes, ChecksumPolicy::OnLoad)?;
    let mut out = bytes[..list.list_len].to_vec();
    out.extend_from_slice(&key.sign_block(&list.root_digest()));
    Ok(out)
}
