/// Why a list file was refused. Messages never include list contents.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DbError {
    /// The file could not be opened, mapped or read.
    #[error("cannot read list: {0}")]
    Io(#[from] std::io::Error),
    /// The file does not start with the list magic: not a percept list.
    #[error("not a percept list (bad magic)")]
    BadMagic,
    /// A format version this build does not read (it reads 2 and 3).
    #[error("list format version {0} is not supported (this build reads versions 2 and 3)")]
    UnsupportedVersion(u32),
    /// The file ends before a part its header promises (which part).
    #[error("list is truncated: {0}")]
    Truncated(&'static str),
    /// A structural rule is broken (what is wrong, without list contents).
    #[error("list is malformed: {0}")]
    Malformed(String),
    /// The BLAKE3 checksum over the file does not match: corrupt or altered.
    #[error("list checksum does not match its contents")]
    ChecksumMismatch,
    /// More entries than [`MAX_ENTRIES`](crate::index::MAX_ENTRIES).
    #[error("list has {0} entries, more than this build supports")]
    TooManyEntries(u64),
    /// A signature was required and the file has none.
    #[error("list is not signed")]
    Unsigned,
    /// The signature block does not verify (the file or the block was
    /// altered, or the block is not a signature of this list).
    #[error("list signature is invalid")]
    BadSignature,
    /// A valid signature, by a key that is not among the trusted ones.
    #[error("list is signed by an untrusted key")]
    UntrustedSigner,
    /// The list is older than the minimum the caller accepts (rollback).
    #[error("list version {version} is older than the minimum accepted ({minimum})")]
    RolledBack {
        /// The list's version.
        version: u64,
        /// The lowest version the caller accepts.
        minimum: u64,
    },
    /// A key given by the caller could not be used.
    #[error("bad key: {0}")]
    BadKey(String),
}
