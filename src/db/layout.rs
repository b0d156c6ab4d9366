//! Constants of the file layout (see the module docs of `db`).

pub(crate) const MAGIC: &[u8; 8] = b"PRCPTLST";
/// The version written. Version 2 (no ids or labels for exact-file
/// digests) is still read.
pub(crate) const FORMAT_VERSION: u32 = 3;
pub(crate) const HEADER_LEN: usize = 64;
pub(crate) const SECTION_ENTRY_LEN: usize = 32;
pub(crate) const CHECKSUM_LEN: usize = 32;
pub(crate) const ALIGN: usize = 64;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub(crate) enum Section {
    Hashes = 1,
    Ids = 2,
    LabelOffsets = 3,
    LabelBytes = 4,
    MihDirectory = 5,
    MihPermutation = 6,
    FileDigests = 7,
    PrefilterKey = 8,
    PrefilterBits = 9,
    FileIds = 10,
    FileLabelOffsets = 11,
    FileLabelBytes = 12,
}

impl Section {
    pub(crate) const ALL: [Section; 12] = [
        Section::Hashes,
        Section::Ids,
        Section::LabelOffsets,
        Section::LabelBytes,
        Section::MihDirectory,
        Section::MihPermutation,
        Section::FileDigests,
        Section::PrefilterKey,
        Section::PrefilterBits,
        Section::FileIds,
        Section::FileLabelOffsets,
        Section::FileLabelBytes,
    ];

    /// The sections of a format version (2: the first nine).
    pub(crate) fn count_for(version: u32) -> usize {
        if version == 2 {
            9
        } else {
            Section::ALL.len()
        }
    }

    pub(crate) fn from_u32(v: u32) -> Option<Section> {
        Section::ALL.into_iter().find(|s| *s as u32 == v)
    }

    /// Bytes per element.
    pub(crate) fn element_size(self) -> usize {
        match self {
            Section::Hashes | Section::FileDigests => 32,
            Section::Ids
            | Section::FileIds
            | Section::FileLabelOffsets
            | Section::LabelOffsets
            | Section::PrefilterKey
            | Section::PrefilterBits => 8,
            Section::MihDirectory => 4,
            Section::LabelBytes | Section::FileLabelBytes => 1,
            Section::MihPermutation => 3,
        }
    }
}

pub(crate) fn align_up(n: usize) -> usize {
    n.div_ceil(ALIGN) * ALIGN
}
