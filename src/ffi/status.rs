//! `percept_status`: what every fallible function returns, and the one place
//! where Rust errors become status codes and log-safe messages.

use std::borrow::Cow;
use std::ffi::c_char;

use crate::db::DbError;
use crate::input::InputError;

/// The result of every fallible function: `PERCEPT_STATUS_OK` (0) or one of
/// the `PERCEPT_STATUS_*` codes below. The numbers are fixed forever: a code
/// is never renumbered, and a retired number is never given a new meaning.
/// Treat an unknown non-zero value (from a newer library) as a failure.
pub type percept_status = i32;

/// Success; the outputs were written.
pub const PERCEPT_STATUS_OK: percept_status = 0;
/// A pointer argument that must not be NULL was NULL. Nothing was written.
pub const PERCEPT_STATUS_NULL_ARGUMENT: percept_status = 1;
/// An argument is out of range: zero or inconsistent image dimensions (also
/// an encoded image whose header has a zero side, in every format), a
/// stride smaller than a row, a pixel buffer shorter than the image, a hex
/// string that is not 64 hex digits, an option out of range, an entry index
/// past the end of the list.
pub const PERCEPT_STATUS_INVALID_ARGUMENT: percept_status = 2;
/// The caller's output buffer is too small. For the two-call functions,
/// `*out_len` holds the size needed (in bytes, including the terminating
/// NUL); nothing else was written.
pub const PERCEPT_STATUS_BUFFER_TOO_SMALL: percept_status = 3;
/// A file could not be read (missing, no permission, I/O error).
pub const PERCEPT_STATUS_IO_ERROR: percept_status = 4;
/// Encoded bytes are in no supported image format (JPEG, PNG, GIF, WebP,
/// BMP, TIFF), or a pixel format value is not one this library knows. A
/// recognised format that is not decoded here (HEIF/HEIC, AVIF, JPEG XL,
/// SVG, ICO, PSD, JPEG 2000, ...) or an unsupported feature of a supported
/// one (arithmetic-coded JPEG, ...) is named in the last error message:
/// decode such an image with the platform's decoder and pass the pixels.
pub const PERCEPT_STATUS_UNSUPPORTED_FORMAT: percept_status = 10;
/// The image exceeds a decoding limit of `percept_options` (pixels, side,
/// decoder memory including the metadata the decoder keeps, input bytes),
/// named in the last error message. Nothing large was allocated.
pub const PERCEPT_STATUS_IMAGE_TOO_LARGE: percept_status = 11;
/// The image is in a supported format but its data is corrupt or truncated
/// (also: a JPEG whose scan data is too short for the frame it claims).
pub const PERCEPT_STATUS_DECODE_FAILED: percept_status = 12;
/// The list is not a percept list, or is truncated or structurally broken:
/// fetch it again.
pub const PERCEPT_STATUS_MALFORMED_LIST: percept_status = 20;
/// The list's checksum does not match its contents (corrupted in transit or
/// on disk): fetch it again.
pub const PERCEPT_STATUS_LIST_CHECKSUM_MISMATCH: percept_status = 21;
/// The list is in a format version this library does not read: update the
/// library (or fetch a list made for it).
pub const PERCEPT_STATUS_UNSUPPORTED_LIST_VERSION: percept_status = 22;
/// The list holds more entries than this build supports.
pub const PERCEPT_STATUS_LIST_TOO_LARGE: percept_status = 23;
/// `percept_options.require_signature` is 1 and the list carries no
/// signature: do not use it; fetch the signed list.
pub const PERCEPT_STATUS_LIST_UNSIGNED: percept_status = 24;
/// The list carries a signature that does not verify: the list or its
/// signature was altered (or the signature belongs to another list). Do
/// not use it; fetch the list again. Checked whenever a signature is
/// present, even when none is required.
pub const PERCEPT_STATUS_LIST_BAD_SIGNATURE: percept_status = 25;
/// The list is validly signed, but by a key other than
/// `percept_options.trusted_public_key`: do not use it.
pub const PERCEPT_STATUS_LIST_UNTRUSTED_SIGNER: percept_status = 26;
/// The list's version is below `percept_options.min_list_version`: an
/// older list was offered in place of a newer one (rollback). Keep using
/// the newer list.
pub const PERCEPT_STATUS_LIST_ROLLED_BACK: percept_status = 27;
/// An internal error (a bug in percept) was caught at the boundary. The
/// call had no effect on its outputs; the library stays usable.
pub const PERCEPT_STATUS_PANIC: percept_status = 99;

/// Every code with its name, in header order.
pub(crate) const ALL: [(percept_status, &str); 17] = [
    (PERCEPT_STATUS_OK, "PERCEPT_STATUS_OK\0"),
    (
        PERCEPT_STATUS_NULL_ARGUMENT,
        "PERCEPT_STATUS_NULL_ARGUMENT\0",
    ),
    (
        PERCEPT_STATUS_INVALID_ARGUMENT,
        "PERCEPT_STATUS_INVALID_ARGUMENT\0",
    ),
    (
        PERCEPT_STATUS_BUFFER_TOO_SMALL,
        "PERCEPT_STATUS_BUFFER_TOO_SMALL\0",
    ),
    (PERCEPT_STATUS_IO_ERROR, "PERCEPT_STATUS_IO_ERROR\0"),
    (
        PERCEPT_STATUS_UNSUPPORTED_FORMAT,
        "PERCEPT_STATUS_UNSUPPORTED_FORMAT\0",
    ),
    (
        PERCEPT_STATUS_IMAGE_TOO_LARGE,
        "PERCEPT_STATUS_IMAGE_TOO_LARGE\0",
    ),
    (
        PERCEPT_STATUS_DECODE_FAILED,
        "PERCEPT_STATUS_DECODE_FAILED\0",
    ),
    (
        PERCEPT_STATUS_MALFORMED_LIST,
        "PERCEPT_STATUS_MALFORMED_LIST\0",
    ),
    (
        PERCEPT_STATUS_LIST_CHECKSUM_MISMATCH,
        "PERCEPT_STATUS_LIST_CHECKSUM_MISMATCH\0",
    ),
    (
        PERCEPT_STATUS_UNSUPPORTED_LIST_VERSION,
        "PERCEPT_STATUS_UNSUPPORTED_LIST_VERSION\0",
    ),
    (
        PERCEPT_STATUS_LIST_TOO_LARGE,
        "PERCEPT_STATUS_LIST_TOO_LARGE\0",
    ),
    (
        PERCEPT_STATUS_LIST_UNSIGNED,
        "PERCEPT_STATUS_LIST_UNSIGNED\0",
    ),
    (
        PERCEPT_STATUS_LIST_BAD_SIGNATURE,
        "PERCEPT_STATUS_LIST_BAD_SIGNATURE\0",
    ),
    (
        PERCEPT_STATUS_LIST_UNTRUSTED_SIGNER,
        "PERCEPT_STATUS_LIST_UNTRUSTED_SIGNER\0",
    ),
    (
        PERCEPT_STATUS_LIST_ROLLED_BACK,
        "PERCEPT_STATUS_LIST_ROLLED_BACK\0",
    ),
    (PERCEPT_STATUS_PANIC, "PERCEPT_STATUS_PANIC\0"),
];

/// The constant's name for a status (`"PERCEPT_STATUS_DECODE_FAILED"`), or
/// `"PERCEPT_STATUS_UNKNOWN"` for a value this library does not define.
/// The string is static: never free it. Never fails.
#[no_mangle]
pub extern "C" fn percept_status_name(status: percept_status) -> *const c_char {
    const UNKNOWN: &str = "PERCEPT_STATUS_UNKNOWN\0";
    boundary!(default UNKNOWN.as_ptr().cast(), {
        ALL.iter()
            .find(|(code, _)| *code == status)
            .map_or(UNKNOWN, |(_, name)| name)
            .as_ptr()
            .cast()
    })
}

/// A failed call: its status and a message that is safe to log (it never
/// holds pixels, hashes, list contents or paths: only fixed text, argument
/// names and numbers).
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) status: percept_status,
    pub(crate) message: Cow<'static, str>,
}

impl Failure {
    pub(crate) fn new(status: percept_status, message: impl Into<Cow<'static, str>>) -> Self {
        Failure {
            status,
            message: message.into(),
        }
    }

    pub(crate) fn invalid(message: impl Into<Cow<'static, str>>) -> Self {
        Failure::new(PERCEPT_STATUS_INVALID_ARGUMENT, message)
    }
}

impl From<InputError> for Failure {
    fn from(e: InputError) -> Self {
        match e {
            // These messages are built from numbers only.
            InputError::InvalidDimensions { .. }
            | InputError::StrideTooSmall { .. }
            | InputError::BufferTooSmall { .. } => Failure::invalid(e.to_string()),
            InputError::TooLarge(_) => Failure::new(PERCEPT_STATUS_IMAGE_TOO_LARGE, e.to_string()),
            // The decoder's own words may quote the input (a format hint can
            // be a file name, a chunk's text): fixed text instead.
            // The format's name is fixed text from the sniffer; the
            // decoder's detail is left out.
            InputError::UnsupportedFormat { format, .. } => Failure::new(
                PERCEPT_STATUS_UNSUPPORTED_FORMAT,
                format!(
                    "{format} is not supported: decode it with the platform's image decoder and pass the pixels"
                ),
            ),
            InputError::UnrecognisedFormat => {
                Failure::new(PERCEPT_STATUS_UNSUPPORTED_FORMAT, e.to_string())
            }
            InputError::Decode(_) => Failure::new(
                PERCEPT_STATUS_DECODE_FAILED,
                "the image data is corrupt or truncated",
            ),
            // An io::Error may carry a path; its kind never does.
            InputError::Io(io) => Failure::new(
                PERCEPT_STATUS_IO_ERROR,
                format!("cannot read file: {}", io.kind()),
            ),
        }
    }
}

impl From<DbError> for Failure {
    fn from(e: DbError) -> Self {
        let status = match &e {
            DbError::Io(io) => {
                return Failure::new(
                    PERCEPT_STATUS_IO_ERROR,
                    format!("cannot read list: {}", io.kind()),
                )
            }
            DbError::BadMagic | DbError::Truncated(_) | DbError::Malformed(_) => {
                PERCEPT_STATUS_MALFORMED_LIST
            }
            DbError::ChecksumMismatch => PERCEPT_STATUS_LIST_CHECKSUM_MISMATCH,
            DbError::UnsupportedVersion(_) => PERCEPT_STATUS_UNSUPPORTED_LIST_VERSION,
            DbError::TooManyEntries(_) => PERCEPT_STATUS_LIST_TOO_LARGE,
            DbError::Unsigned => PERCEPT_STATUS_LIST_UNSIGNED,
            DbError::BadSignature => PERCEPT_STATUS_LIST_BAD_SIGNATURE,
            DbError::UntrustedSigner => PERCEPT_STATUS_LIST_UNTRUSTED_SIGNER,
            DbError::RolledBack { .. } => PERCEPT_STATUS_LIST_ROLLED_BACK,
            // A key the caller gave could not be used (the C ABI takes raw
            // key bytes, so no open function produces this today).
            DbError::BadKey(_) => PERCEPT_STATUS_INVALID_ARGUMENT,
        };
        // DbError's messages never include list contents (its contract):
        // fixed text, section names and counts.
        Failure::new(status, e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{decode_bytes, DecodeOptions};

    #[test]
    fn codes_are_distinct_and_names_match() {
        let mut codes: Vec<_> = ALL.iter().map(|(c, _)| *c).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), ALL.len());
        for (code, name) in ALL {
            // SAFETY: percept_status_name returns a static NUL-terminated string.
            let got = unsafe { std::ffi::CStr::from_ptr(percept_status_name(code)) };
            assert_eq!(got.to_str().unwrap(), name.trim_end_matches('\0'));
        }
        // SAFETY: as above.
        let unknown = unsafe { std::ffi::CStr::from_ptr(percept_status_name(12345)) };
        assert_eq!(unknown.to_str().unwrap(), "PERCEPT_STATUS_UNKNOWN");
    }

    #[test]
    fn signature_and_rollback_errors_have_their_own_codes() {
        let cases = [
            (DbError::Unsigned, PERCEPT_STATUS_LIST_UNSIGNED),
            (DbError::BadSignature, PERCEPT_STATUS_LIST_BAD_SIGNATURE),
            (
                DbError::UntrustedSigner,
                PERCEPT_STATUS_LIST_UNTRUSTED_SIGNER,
            ),
            (
                DbError::RolledBack {
                    version: 1,
                    minimum: 2,
                },
                PERCEPT_STATUS_LIST_ROLLED_BACK,
            ),
            (
                DbError::BadKey("a public key is 64 hex digits".into()),
                PERCEPT_STATUS_INVALID_ARGUMENT,
            ),
            (
                DbError::ChecksumMismatch,
                PERCEPT_STATUS_LIST_CHECKSUM_MISMATCH,
            ),
            (DbError::Truncated("header"), PERCEPT_STATUS_MALFORMED_LIST),
        ];
        for (error, status) in cases {
            let f = Failure::from(error);
            assert_eq!(f.status, status, "{}", f.message);
        }
        let f = Failure::from(DbError::RolledBack {
            version: 1,
            minimum: 2,
        });
        assert!(
            f.message.contains("1") && f.message.contains("2"),
            "{}",
            f.message
        );
    }

    #[test]
    fn messages_carry_no_path_or_decoder_text() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "/secret/dir/photo.jpg");
        let f = Failure::from(InputError::Io(io));
        assert_eq!(f.status, PERCEPT_STATUS_IO_ERROR);
        assert!(!f.message.contains("secret"), "{}", f.message);
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "/secret/list.pcl");
        let f = Failure::from(DbError::Io(io));
        assert_eq!(f.status, PERCEPT_STATUS_IO_ERROR);
        assert!(!f.message.contains("secret"), "{}", f.message);
        let f = Failure::from(InputError::Decode("chunk text: secret".into()));
        assert_eq!(f.status, PERCEPT_STATUS_DECODE_FAILED);
        assert!(!f.message.contains("secret"));
        let f = Failure::from(InputError::UnsupportedFormat {
            format: "HEIF/HEIC",
            detail: Some("secret.xyz".into()),
        });
        assert_eq!(f.status, PERCEPT_STATUS_UNSUPPORTED_FORMAT);
        assert!(!f.message.contains("secret"));
        let png = std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("testdata/images/grey-200x150.png"),
        )
        .unwrap();
        let mut options = DecodeOptions::default();
        options.limits.max_pixels = 100;
        let f = Failure::from(decode_bytes(&png, &options).unwrap_err());
        assert_eq!(f.status, PERCEPT_STATUS_IMAGE_TOO_LARGE);
        assert!(f.message.contains("30000"), "{}", f.message);
    }
}
