/// Why a list file was refused. Messages never include list contents.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DbError {
    #[error("cannot read list: {0}")]
    Io(#[from] std::io::Error),
    #[error("not a percept list (bad magic)")]
    BadMagic,
    #[error("list format version {0} is not supported (this build reads version 1)")]
    UnsupportedVersion(u32),
    #[error("list is truncated: {0}")]
    Truncated(&'static str),
    #[error("list is malformed: {0}")]
    Malformed(String),
    #[error("list checksum does not match its contents")]
    ChecksumMismatch,
    #[error("list has {0} entries, more than this build supports")]
    TooManyEntries(u64),
}
