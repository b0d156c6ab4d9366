//! `percept_matcher`: an opened known-hash list and the options to match
//! images against it.

use std::ffi::c_char;
use std::path::PathBuf;
use std::sync::Arc;

use super::boundary::{byte_slice, c_string, handle, read, write_text};
use super::list_info::percept_list_info;
use super::match_result::percept_match_result;
use super::options::percept_options;
use super::pdq::{percept_pdq_dihedral, percept_pdq_hash, stability_from};
use super::pixels::{percept_pixel_format, view};
use super::status::{percept_status, Failure};
use crate::db::{ListFile, OpenOptions};
use crate::hash::pdq::DihedralHashes;
use crate::scan::{ScanResult, Scanner};
use crate::Hash256;

/// An opened list with its matching options. Opaque: made by
/// `percept_matcher_open_path` or `percept_matcher_open_bytes`, freed by
/// `percept_matcher_free`. Immutable once opened: any number of threads may
/// use one matcher at the same time, without locking.
pub struct percept_matcher {
    scanner: Scanner,
}

const fn shareable_across_threads<T: Send + Sync>() {}
const _: () = shareable_across_threads::<percept_matcher>();

/// A new matcher handle over the list `list` opens: the options are
/// checked before the list is read.
fn open(
    options: &percept_options,
    list: impl FnOnce(&OpenOptions) -> Result<ListFile, Failure>,
) -> Result<*mut percept_matcher, Failure> {
    let open_options = options.open_options()?;
    options.scan_options()?;
    let list = list(&open_options)?;
    Ok(Box::into_raw(Box::new(percept_matcher {
        scanner: Scanner::new(Arc::new(list), options.scan_options()?)
            .map_err(|e| Failure::invalid(e.to_string()))?,
    })))
}

#[cfg(unix)]
fn path_from_bytes(bytes: &[u8]) -> Result<PathBuf, Failure> {
    use std::os::unix::ffi::OsStrExt;
    Ok(std::ffi::OsStr::from_bytes(bytes).into())
}

#[cfg(not(unix))]
fn path_from_bytes(bytes: &[u8]) -> Result<PathBuf, Failure> {
    std::str::from_utf8(bytes)
        .map(PathBuf::from)
        .map_err(|_| Failure::invalid("`path` is not UTF-8"))
}

/// Opens a list file (memory-mapped; it is not read into memory) and
/// checks it before any use: its structure; its checksum (unless
/// `options->verify_checksum` is 0 and no signature is required); a
/// signature, if the file carries one; with `options->require_signature`
/// 1, that it is signed by `options->trusted_public_key`; and that its
/// list version is at least `options->min_list_version`.
///
/// `path`: NUL-terminated file name (bytes as the OS takes them; UTF-8 on
/// Windows). `options`: from `percept_options_default`, possibly changed;
/// copied, so it may be freed after the call. `out_matcher`: receives a new
/// handle, to be freed with `percept_matcher_free`. The file must not be
/// modified in place while the matcher is open (replace lists by writing a
/// new file and renaming it over the old one).
///
/// Fails with:
/// - `PERCEPT_STATUS_NULL_ARGUMENT`: `path`, `options` or `out_matcher` is
///   NULL;
/// - `PERCEPT_STATUS_INVALID_ARGUMENT`: an option is out of range (a flag
///   not 0 or 1, `require_signature` 1 without a key or a key without
///   `require_signature`, threshold, min_quality, profile, a zero limit);
/// - `PERCEPT_STATUS_IO_ERROR`: the file cannot be read;
/// - `PERCEPT_STATUS_MALFORMED_LIST`: not a percept list, truncated, or
///   structurally broken;
/// - `PERCEPT_STATUS_LIST_CHECKSUM_MISMATCH`: the contents do not match the
///   stored checksum (a changed byte);
/// - `PERCEPT_STATUS_UNSUPPORTED_LIST_VERSION`: a list format this library
///   does not read;
/// - `PERCEPT_STATUS_LIST_TOO_LARGE`: more entries than this build
///   supports;
/// - `PERCEPT_STATUS_LIST_BAD_SIGNATURE`: the list carries a signature
///   that does not verify (checked even when no signature is required);
/// - `PERCEPT_STATUS_LIST_UNSIGNED`: a signature is required and the list
///   has none;
/// - `PERCEPT_STATUS_LIST_UNTRUSTED_SIGNER`: a valid signature, by another
///   key than `trusted_public_key`;
/// - `PERCEPT_STATUS_LIST_ROLLED_BACK`: the list version is below
///   `min_list_version`.
///
/// The checks run in this order (structure, checksum, signature, signer,
/// list version), so a list with several faults reports the first.
#[no_mangle]
pub unsafe extern "C" fn percept_matcher_open_path(
    path: *const c_char,
    options: *const percept_options,
    out_matcher: *mut *mut percept_matcher,
) -> percept_status {
    boundary!(args(path: c_string, options: read) writes out_matcher {
        open(&options, |o| Ok(ListFile::open_with(&path_from_bytes(path)?, o)?))?
    })
}

/// Opens a list held in memory: `bytes` (`len` bytes) is copied, so the
/// caller may free it after the call. Otherwise as
/// `percept_matcher_open_path`: the same checks and the same status codes
/// (`PERCEPT_STATUS_IO_ERROR` excepted; `bytes` NULL is
/// `PERCEPT_STATUS_NULL_ARGUMENT`).
#[no_mangle]
pub unsafe extern "C" fn percept_matcher_open_bytes(
    bytes: *const u8,
    len: usize,
    options: *const percept_options,
    out_matcher: *mut *mut percept_matcher,
) -> percept_status {
    boundary!(args(bytes: byte_slice(len), options: read) writes out_matcher {
        open(&options, |o| Ok(ListFile::from_bytes_with(bytes, o)?))?
    })
}

/// Frees a matcher. NULL is a no-op. The handle must not be used afterwards,
/// by any thread, and must be freed exactly once.
#[no_mangle]
pub unsafe extern "C" fn percept_matcher_free(matcher: *mut percept_matcher) {
    boundary!(default(), {
        if !matcher.is_null() {
            // SAFETY: a non-NULL `matcher` came from Box::into_raw in an
            // open function and is freed once (contract).
            drop(unsafe { Box::from_raw(matcher) });
        }
    })
}

/// Writes a summary of the matcher's list to `*out_info`.
#[no_mangle]
pub unsafe extern "C" fn percept_matcher_info(
    matcher: *const percept_matcher,
    out_info: *mut percept_list_info,
) -> percept_status {
    boundary!(args(matcher: handle) writes out_info {
        matcher.scanner.list().info().into()
    })
}

/// Recomputes the list's BLAKE3 checksum (about 0.3 s per GB) and compares
/// it with the stored one: `PERCEPT_STATUS_OK` or
/// `PERCEPT_STATUS_LIST_CHECKSUM_MISMATCH`. For matchers opened with
/// `verify_checksum` 0, e.g. on a background thread after opening.
#[no_mangle]
pub unsafe extern "C" fn percept_matcher_verify_checksum(
    matcher: *const percept_matcher,
) -> percept_status {
    boundary!(args(matcher: handle) {
        Ok(matcher.scanner.list().verify_checksum()?)
    })
}

/// The verdict for one hash (e.g. computed elsewhere): below the matcher's
/// `min_quality` it is `PERCEPT_VERDICT_UNRELIABLE`; otherwise every list
/// entry within the threshold of `hash->hash` is a match. `quality` above
/// 100 is `PERCEPT_STATUS_INVALID_ARGUMENT`; pass 100 for a hash whose
/// quality is unknown. `hash->weak_bits` is reported back in the result
/// (`PERCEPT_WEAK_BITS_UNKNOWN`, or any value above 256, as unknown);
/// `hash->stable` is ignored. `out_result` receives the answer.
#[no_mangle]
pub unsafe extern "C" fn percept_matcher_match_hash(
    matcher: *const percept_matcher,
    hash: *const percept_pdq_hash,
    out_result: *mut percept_match_result,
) -> percept_status {
    boundary!(args(matcher: handle, hash: read) writes out_result {
        let quality = quality(hash.quality)?;
        let result = matcher.scanner.scan_hash(&Hash256::from(hash.hash), quality);
        (&ScanResult { stability: stability_from(hash.weak_bits), ..result }).into()
    })
}

/// The verdict for an image's eight dihedral hashes (from
/// `percept_pdq_dihedral_pixels` or `_encoded`): a rotated or mirrored copy
/// of a listed image matches too. `hashes->weak_bits` and `stable` as in
/// `percept_matcher_match_hash`. `out_result` receives the answer.
#[no_mangle]
pub unsafe extern "C" fn percept_matcher_match_dihedral(
    matcher: *const percept_matcher,
    hashes: *const percept_pdq_dihedral,
    out_result: *mut percept_match_result,
) -> percept_status {
    boundary!(args(matcher: handle, hashes: read) writes out_result {
        let hashes = DihedralHashes {
            stability: stability_from(hashes.weak_bits),
            ..DihedralHashes::new(hashes.hashes.map(Hash256::from), quality(hashes.quality)?)
        };
        (&matcher.scanner.scan_hashes(&hashes)).into()
    })
}

/// Hashes pixels the caller holds (all eight rotations/flips, with the
/// matcher's profile) and matches them, with the picture inside uniform
/// borders too when the matcher's `border_trim` is 1. Pixel arguments as in
/// `percept_pdq_hash_pixels`. `out_result` receives the answer.
#[no_mangle]
pub unsafe extern "C" fn percept_matcher_match_pixels(
    matcher: *const percept_matcher,
    data: *const u8,
    data_len: usize,
    width: u32,
    height: u32,
    stride: usize,
    format: percept_pixel_format,
    out_result: *mut percept_match_result,
) -> percept_status {
    boundary!(
        args(matcher: handle, data: view(data_len, width, height, stride, format))
        writes out_result {
            (&matcher.scanner.scan_pixels(&data)).into()
        }
    )
}

/// Matches an encoded image: first its bytes' BLAKE3 digest against the
/// list's exact-file digests (a listed file matches without being
/// decoded), then it is decoded within the matcher's limits, hashed (all
/// eight rotations/flips; with `border_trim`, the picture inside uniform
/// borders too) and matched. `bytes`: `len` readable bytes.
/// `out_result` receives the answer. Decoding failures are reported as in
/// `percept_pdq_hash_encoded`.
#[no_mangle]
pub unsafe extern "C" fn percept_matcher_match_encoded(
    matcher: *const percept_matcher,
    bytes: *const u8,
    len: usize,
    out_result: *mut percept_match_result,
) -> percept_status {
    boundary!(args(matcher: handle, bytes: byte_slice(len)) writes out_result {
        (&matcher.scanner.scan_bytes(bytes)?).into()
    })
}

/// Copies the label of list entry `entry` (e.g. `best_entry` of a match
/// result): UTF-8 text given when the list was built, or "" for an entry
/// without a label. Two-call pattern, as `percept_last_error_message`:
/// on `PERCEPT_STATUS_OK`, `buf` holds the label and a NUL and `*out_len`
/// the bytes written including the NUL; on `PERCEPT_STATUS_BUFFER_TOO_SMALL`
/// only `*out_len` is written (the size needed, including the NUL). `buf`
/// may be NULL when `buf_len` is 0. An `entry` past the end of the list is
/// `PERCEPT_STATUS_INVALID_ARGUMENT`.
#[no_mangle]
pub unsafe extern "C" fn percept_matcher_entry_label(
    matcher: *const percept_matcher,
    entry: u64,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> percept_status {
    boundary!(args(matcher: handle) {
        let list = matcher.scanner.list();
        let set = list.known_hashes();
        let index = usize::try_from(entry)
            .ok()
            .filter(|&i| i < set.len())
            .ok_or_else(|| {
                Failure::invalid(format!(
                    "entry {entry} is past the end of the list ({} entries)",
                    set.len()
                ))
            })?;
        let label = set.label(index).unwrap_or("");
        // SAFETY: `buf` is writable for `buf_len` bytes, `out_len` for a
        // size_t (contract).
        unsafe { write_text(label.as_bytes(), buf, buf_len, out_len) }
    })
}

fn quality(q: u32) -> Result<u8, Failure> {
    u8::try_from(q)
        .ok()
        .filter(|q| *q <= 100)
        .ok_or_else(|| Failure::invalid(format!("quality {q} is above 100")))
}
