//! One error type for the whole API, for callers who do not need to tell
//! the layers apart.
//!
//! Each layer keeps its own error ([`InputError`] for pixels and decoding,
//! [`DbError`] for list files, [`OptionOutOfRange`] for scan options,
//! [`TooManyVariants`] for index queries); [`Error`] wraps whichever one
//! occurred, converts from each through `?`, and gives it back through
//! [`std::error::Error::source`] and the variants.

use crate::db::DbError;
use crate::index::TooManyVariants;
use crate::input::InputError;
use crate::scan::OptionOutOfRange;

/// Any error percept returns.
///
/// ```
/// use percept::db::{ChecksumPolicy, ListFile};
/// use percept::{pdq, Hash256};
///
/// fn closest(list: &str, image: &str) -> Result<Option<u32>, percept::Error> {
///     let list = ListFile::open(list, ChecksumPolicy::OnLoad)?; // DbError
///     let hash = pdq::hash_file(image)?; // InputError
///     let found = list.known_hashes().matches_any(&[hash.hash], 31)?; // TooManyVariants
///     Ok(found.first().map(|m| m.distance))
/// }
///
/// let found = closest("testdata/sample-list.pcl", "testdata/images/waves-320x240-q85.jpg");
/// assert!(found?.is_some());
/// let refused = closest("testdata/no-such-list.pcl", "testdata/images/waves-320x240.png");
/// assert!(matches!(refused, Err(percept::Error::List(_))));
/// # Ok::<(), percept::Error>(())
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Pixels could not be obtained: the file could not be read, or the
    /// image is malformed, too large, or in an unsupported format.
    #[error(transparent)]
    Input(#[from] InputError),
    /// A list file was refused (unreadable, corrupt, unsigned, rolled back…).
    #[error(transparent)]
    List(#[from] DbError),
    /// A [`ScanOptions`](crate::ScanOptions) field is out of range.
    #[error(transparent)]
    Options(#[from] OptionOutOfRange),
    /// An index query had more hashes than an image has dihedral variants.
    #[error(transparent)]
    Query(#[from] TooManyVariants),
}
