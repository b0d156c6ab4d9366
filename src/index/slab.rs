//! Arrays the index reads: owned, or borrowed from a shared byte buffer
//! (a memory-mapped list file) without copying.

use std::ops::Deref;
use std::sync::Arc;

/// Bytes kept alive for as long as any slab borrows them.
pub type SharedBytes = Arc<dyn Deref<Target = [u8]> + Send + Sync>;

/// An array of plain values, owned or viewed in place inside shared bytes.
#[derive(Clone)]
pub(crate) enum Slab<T: bytemuck::Pod> {
    Owned(Vec<T>),
    Shared {
        bytes: SharedBytes,
        offset: usize,
        len: usize,
    },
}

/// Why bytes cannot be viewed as an array in place.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlabError {
    /// The array does not fit in the bytes.
    #[error("array at byte {offset} with {len} elements runs past the end ({available} bytes)")]
    OutOfBounds {
        /// Where the array starts.
        offset: usize,
        /// Its element count.
        len: usize,
        /// The bytes there are.
        available: usize,
    },
    /// The array's start is not aligned for its element type.
    #[error("array at byte {offset} is not aligned to {align} bytes")]
    Misaligned {
        /// Where the array starts.
        offset: usize,
        /// The alignment its elements need.
        align: usize,
    },
}

impl<T: bytemuck::Pod> Slab<T> {
    /// Views `len` values at `offset` inside `bytes`, checking bounds and
    /// alignment once here so that `as_slice` cannot fail later.
    pub(crate) fn shared(bytes: SharedBytes, offset: usize, len: usize) -> Result<Self, SlabError> {
        let size = std::mem::size_of::<T>();
        let end = len
            .checked_mul(size)
            .and_then(|n| n.checked_add(offset))
            .filter(|&end| end <= bytes.len())
            .ok_or(SlabError::OutOfBounds {
                offset,
                len,
                available: bytes.len(),
            })?;
        bytemuck::try_cast_slice::<u8, T>(&bytes[offset..end]).map_err(|_| {
            SlabError::Misaligned {
                offset,
                align: std::mem::align_of::<T>(),
            }
        })?;
        Ok(Slab::Shared { bytes, offset, len })
    }

    pub(crate) fn as_slice(&self) -> &[T] {
        match self {
            Slab::Owned(v) => v,
            Slab::Shared { bytes, offset, len } => {
                let end = offset + len * std::mem::size_of::<T>();
                // Bounds and alignment were checked in `shared`, and the
                // bytes behind the Arc never move or change.
                bytemuck::cast_slice(&bytes[*offset..end])
            }
        }
    }

    /// Whether this slab borrows shared bytes (no copy was made).
    pub(crate) fn is_shared(&self) -> bool {
        matches!(self, Slab::Shared { .. })
    }
}
