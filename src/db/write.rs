//! Writing list files.

use std::io::Write;
use std::path::Path;

use super::layout::{
    align_up, Section, CHECKSUM_LEN, FORMAT_VERSION, HEADER_LEN, MAGIC, SECTION_ENTRY_LEN,
};
use super::DbError;
use crate::index::KnownHashSet;

/// A known file: the BLAKE3 digest of its bytes, with an id and a label
/// like a hash entry's (both optional).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FileEntry {
    /// BLAKE3 digest of the file's bytes (64 hex digits in serde forms).
    #[cfg_attr(feature = "serde", serde(with = "digest_hex"))]
    pub digest: [u8; 32],
    /// `None` is stored as `u64::MAX`, so ids run 0..u64::MAX - 1.
    pub id: Option<u64>,
    /// The producer's label (e.g. a case or hash-list reference).
    pub label: Option<String>,
}

/// A BLAKE3 digest as 64 hex digits, as `blake3::Hash` prints it.
#[cfg(feature = "serde")]
mod digest_hex {
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(digest: &[u8; 32], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&blake3::Hash::from_bytes(*digest).to_hex())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<[u8; 32], D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        blake3::Hash::from_hex(text.as_bytes())
            .map(|h| *h.as_bytes())
            .map_err(D::Error::custom)
    }
}

/// What goes into a list file.
pub struct ListContents<'a> {
    /// The PDQ hashes, with ids and labels.
    pub set: &'a KnownHashSet,
    /// BLAKE3 digests of known files' bytes with no id or label (any order;
    /// stored sorted, deduplicated).
    pub file_digests: &'a [[u8; 32]],
    /// Known files with ids and labels (any order; stored sorted by digest,
    /// exact repeats once). A file that matches reports every entry with
    /// its digest.
    pub files: &'a [FileEntry],
    /// The producer's release number; consumers can refuse to go backwards.
    pub list_version: u64,
}

impl ListContents<'_> {
    /// The complete file, checksum included.
    pub fn to_bytes(&self) -> Vec<u8> {
        let set = self.set;
        let mut files: Vec<FileEntry> = self
            .file_digests
            .iter()
            .map(|d| FileEntry {
                digest: *d,
                id: None,
                label: None,
            })
            .chain(self.files.iter().cloned())
            .collect();
        files.sort_unstable();
        files.dedup();
        // A bare digest is dropped where the same digest has an entry with
        // an id or label.
        let described: std::collections::BTreeSet<[u8; 32]> = files
            .iter()
            .filter(|f| f.id.is_some() || f.label.is_some())
            .map(|f| f.digest)
            .collect();
        files.retain(|f| f.id.is_some() || f.label.is_some() || !described.contains(&f.digest));
        let digests: Vec<[u8; 32]> = files.iter().map(|f| f.digest).collect();
        let file_ids: Vec<u64> = files.iter().map(|f| f.id.unwrap_or(u64::MAX)).collect();
        let mut file_label_offsets = Vec::with_capacity(files.len() + 1);
        let mut file_label_bytes = Vec::new();
        file_label_offsets.push(0u64);
        for f in &files {
            file_label_bytes.extend_from_slice(f.label.as_deref().unwrap_or("").as_bytes());
            file_label_offsets.push(file_label_bytes.len() as u64);
        }
        let hashes: &[u8] = bytemuck::cast_slice(set.hashes.as_slice());
        let key = set.prefilter.key;
        let sections: [(Section, &[u8], usize); 12] = [
            (Section::Hashes, hashes, set.len()),
            (
                Section::Ids,
                bytemuck::cast_slice(set.ids.as_slice()),
                set.len(),
            ),
            (
                Section::LabelOffsets,
                bytemuck::cast_slice(set.label_offsets.as_slice()),
                set.len() + 1,
            ),
            (
                Section::LabelBytes,
                set.label_bytes.as_slice(),
                set.label_bytes.as_slice().len(),
            ),
            (
                Section::MihDirectory,
                bytemuck::cast_slice(set.mih.dir.as_slice()),
                set.mih.dir.as_slice().len(),
            ),
            (
                Section::MihPermutation,
                set.mih.perm.as_slice(),
                set.mih.perm.as_slice().len() / 3,
            ),
            (
                Section::FileDigests,
                bytemuck::cast_slice(&digests),
                digests.len(),
            ),
            (Section::PrefilterKey, bytemuck::cast_slice(&key), 2),
            (
                Section::PrefilterBits,
                bytemuck::cast_slice(set.prefilter.words.as_slice()),
                set.prefilter.words.as_slice().len(),
            ),
            (
                Section::FileIds,
                bytemuck::cast_slice(&file_ids),
                file_ids.len(),
            ),
            (
                Section::FileLabelOffsets,
                bytemuck::cast_slice(&file_label_offsets),
                file_label_offsets.len(),
            ),
            (
                Section::FileLabelBytes,
                &file_label_bytes,
                file_label_bytes.len(),
            ),
        ];
        let table_end = HEADER_LEN + SECTION_ENTRY_LEN * sections.len();
        let mut offsets = Vec::with_capacity(sections.len());
        let mut at = align_up(table_end);
        for (_, bytes, _) in &sections {
            offsets.push(at);
            at = align_up(at + bytes.len());
        }
        let total = at + CHECKSUM_LEN;
        let mut out = Vec::with_capacity(total);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        out.extend_from_slice(&set.mih.dir_bits.to_le_bytes());
        out.extend_from_slice(&self.list_version.to_le_bytes());
        out.extend_from_slice(&(set.len() as u64).to_le_bytes());
        out.extend_from_slice(&(digests.len() as u64).to_le_bytes());
        out.extend_from_slice(&(sections.len() as u32).to_le_bytes());
        out.extend_from_slice(&0u32.to_le_bytes());
        out.extend_from_slice(&(total as u64).to_le_bytes());
        out.extend_from_slice(&0u64.to_le_bytes());
        for ((kind, bytes, count), &offset) in sections.iter().zip(&offsets) {
            out.extend_from_slice(&(*kind as u32).to_le_bytes());
            out.extend_from_slice(&0u32.to_le_bytes());
            out.extend_from_slice(&(offset as u64).to_le_bytes());
            out.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
            out.extend_from_slice(&(*count as u64).to_le_bytes());
        }
        for ((_, bytes, _), &offset) in sections.iter().zip(&offsets) {
            out.resize(offset, 0);
            out.extend_from_slice(bytes);
        }
        out.resize(total - CHECKSUM_LEN, 0);
        let checksum = blake3::hash(&out);
        out.extend_from_slice(checksum.as_bytes());
        out
    }
}

/// Writes a list file atomically (a temporary file renamed into place).
pub fn write_list(contents: &ListContents<'_>, path: impl AsRef<Path>) -> Result<(), DbError> {
    let path = path.as_ref();
    let bytes = contents.to_bytes();
    let tmp = path.with_extension("tmp-percept");
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(&bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    Ok(())
}
