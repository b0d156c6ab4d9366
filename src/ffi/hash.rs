//! `percept_hash`: a 256-bit PDQ hash, its hex form and Hamming distance.

use std::ffi::c_char;

use super::boundary::{c_string_at_most, out, read};
use super::status::{percept_status, Failure, PERCEPT_STATUS_BUFFER_TOO_SMALL};
use crate::hash::Hash256;

/// Characters in a hash's hex form (without the NUL).
pub const PERCEPT_HASH_HEX_LEN: usize = 64;
/// Bytes a buffer needs for a hash's hex form and its NUL.
pub const PERCEPT_HASH_HEX_SIZE: usize = 65;

/// A 256-bit PDQ hash: 32 bytes, most significant first, in the same order
/// as the 64-character hex form (byte 0 is the first two hex digits).
/// Compare two hashes with `memcmp`; measure closeness with
/// `percept_hash_distance`.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct percept_hash {
    pub bytes: [u8; 32],
}

impl From<Hash256> for percept_hash {
    fn from(h: Hash256) -> Self {
        percept_hash {
            bytes: h.to_bytes(),
        }
    }
}

impl From<percept_hash> for Hash256 {
    fn from(h: percept_hash) -> Self {
        Hash256::from_bytes(h.bytes)
    }
}

/// Parses a hash's 64-character hex form (either case, no prefix, no
/// spaces), as printed by Meta's reference tools and `percept_hash_to_hex`.
///
/// `hex`: a NUL-terminated string (at most 65 bytes are read). Returns
/// `PERCEPT_STATUS_INVALID_ARGUMENT` unless it is exactly 64 hex digits.
/// `out_hash`: receives the hash.
#[no_mangle]
pub unsafe extern "C" fn percept_hash_from_hex(
    hex: *const c_char,
    out_hash: *mut percept_hash,
) -> percept_status {
    boundary!(args(hex: c_string_at_most(PERCEPT_HASH_HEX_LEN)) writes out_hash {
        let text =
            std::str::from_utf8(hex).map_err(|_| Failure::invalid("a PDQ hash is 64 hex digits"))?;
        let hash = Hash256::from_hex(text).map_err(|e| Failure::invalid(e.to_string()))?;
        hash.into()
    })
}

/// Writes a hash's hex form: 64 lowercase hex digits and a NUL, so `buf`
/// must hold at least `PERCEPT_HASH_HEX_SIZE` (65) bytes; with fewer,
/// returns `PERCEPT_STATUS_BUFFER_TOO_SMALL` and writes nothing.
#[no_mangle]
pub unsafe extern "C" fn percept_hash_to_hex(
    hash: *const percept_hash,
    buf: *mut c_char,
    buf_len: usize,
) -> percept_status {
    boundary!(args(hash: read, buf: out) {
        if buf_len < PERCEPT_HASH_HEX_SIZE {
            return Err(Failure::new(
                PERCEPT_STATUS_BUFFER_TOO_SMALL,
                format!("a hash's hex form needs {PERCEPT_HASH_HEX_SIZE} bytes, the buffer has {buf_len}"),
            ));
        }
        let mut text = [0u8; PERCEPT_HASH_HEX_SIZE];
        text[..PERCEPT_HASH_HEX_LEN].copy_from_slice(Hash256::from(hash).to_hex().as_bytes());
        // SAFETY: `buf` holds `buf_len` writable bytes (contract), at least
        // 65 (checked above).
        unsafe { buf.cast::<[u8; PERCEPT_HASH_HEX_SIZE]>() }.write(text);
        Ok(())
    })
}

/// The Hamming distance between two hashes: the number of differing bits,
/// 0..=256, written to `*out_distance`.
#[no_mangle]
pub unsafe extern "C" fn percept_hash_distance(
    a: *const percept_hash,
    b: *const percept_hash,
    out_distance: *mut u32,
) -> percept_status {
    boundary!(args(a: read, b: read) writes out_distance {
        crate::distance::hamming(&a.into(), &b.into())
    })
}
