/// Why a list file was refused. Messages never include list contents.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DbError {
    #[error("cannot read list: {0}")]
    Io(#[from] std::io::Error),
    #[error("not a percept list (bad magic)")]
    BadMagic,
    #[error("list format version {0} is not supported (this build reads versions 2 and 3)")]
    UnsupportedVersion(u32),
    #[error("list is truncated: {0}")]
    Truncated(&'static str),
    #[error("list is malformed: {0}")]
    Malformed(String),
    #[error("list checksum does not match its contents")]
    ChecksumMismatch,
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
    RolledBack { version: u64, minimum: u64 },
    /// A key given by the caller could not be used.
    #[error("bad key: {0}")]
    BadKey(String),
}
