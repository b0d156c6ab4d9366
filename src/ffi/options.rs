//! `percept_options`: how images are decoded and hashed, how a list is
//! checked when a matcher opens it, and how a matcher decides;
//! `percept_profile`.

use super::status::{percept_status, Failure};
use crate::db::{ChecksumPolicy, OpenOptions, PublicKey};
use crate::hash::pdq::Profile;
use crate::input::{DecodeLimits, DecodeOptions};
use crate::scan::ScanOptions;

/// Which PDQ reference output to reproduce (`PERCEPT_PROFILE_*`). Use the
/// profile the list's producer used.
pub type percept_profile = u32;

/// PDQ on the full-resolution pixels: what Meta's Java reference, HMA,
/// python-threatexchange and pdqhash compute. The default.
pub const PERCEPT_PROFILE_FULL_RESOLUTION: percept_profile = 0;
/// Meta's C++ `pdq-photo-hasher` tool: an image with a side above 512 is
/// first squashed to 512x512 by nearest neighbour, then hashed.
pub const PERCEPT_PROFILE_CLI512: percept_profile = 1;

/// Options for decoding, hashing, opening lists and matching. Always start
/// from `percept_options_default()`, then change fields: a zeroed struct is
/// invalid (zero limits), and fields may be added in a later ABI version.
/// The hashing functions read the decoding fields only; the matcher open
/// functions read all of them.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct percept_options {
    /// Largest width x height decoded (default 67,108,864 = 64 Mi pixels).
    pub max_pixels: u64,
    /// Largest encoded input accepted, in bytes (default 268,435,456 =
    /// 256 MiB).
    pub max_input_bytes: u64,
    /// Largest memory decoding may take, in bytes, estimated from the
    /// image's header before anything is allocated (default 209,715,200 =
    /// 200 MiB).
    pub max_alloc_bytes: u64,
    /// Largest width and largest height decoded (default 65,535).
    pub max_side: u32,
    /// 1: rotate/flip decoded pixels as their EXIF orientation says before
    /// hashing. 0 (default): hash the pixels as stored, as every PDQ
    /// reference (and so every list) does.
    pub apply_exif_orientation: u32,
    /// `PERCEPT_PROFILE_*` (default `PERCEPT_PROFILE_FULL_RESOLUTION`).
    pub profile: percept_profile,
    /// Largest Hamming distance that counts as a match, 0..=255 (default
    /// 31, Meta's recommendation for PDQ).
    pub threshold: u32,
    /// Images whose PDQ quality (0..=100) is below this get
    /// `PERCEPT_VERDICT_UNRELIABLE`, never a match or a no-match (default
    /// 50, Meta's guidance).
    pub min_quality: u32,
    /// 1 (default): a matcher verifies the list's BLAKE3 checksum when
    /// opening it (about 0.3 s per GB). 0: only the structure is checked at
    /// open; call `percept_matcher_verify_checksum` yourself (until then a
    /// corrupted list can give wrong answers, though never a crash).
    /// When `require_signature` is 1 the checksum is verified on open
    /// whatever this says: a signature vouches for the stored checksum
    /// only.
    pub verify_checksum: u32,
    /// Rollback protection: a list whose list version (set by its producer,
    /// increasing with each release) is below this is refused with
    /// `PERCEPT_STATUS_LIST_ROLLED_BACK`, so an attacker cannot replace a
    /// list with an older one. Pass the highest list version the app has
    /// accepted so far. 0 (default): any version.
    pub min_list_version: u64,
    /// 1: the list must carry a valid Ed25519 signature by
    /// `trusted_public_key`: an unsigned list is refused with
    /// `PERCEPT_STATUS_LIST_UNSIGNED`, a list signed by another key with
    /// `PERCEPT_STATUS_LIST_UNTRUSTED_SIGNER`; the checksum is then always
    /// verified on open. 0 (default): a signature is not required.
    /// Whatever this flag says, a signature that is present is always
    /// checked, and one that does not verify (the list or its signature
    /// was altered) is refused with `PERCEPT_STATUS_LIST_BAD_SIGNATURE`.
    /// Any other value is `PERCEPT_STATUS_INVALID_ARGUMENT`.
    pub require_signature: u32,
    /// The list producer's Ed25519 public key (32 bytes, as `percept list
    /// keygen` prints it in hex), pinned when `require_signature` is 1.
    /// Default: all zeros (no key). All zeros with `require_signature` 1,
    /// or a non-zero key with `require_signature` 0 (a key that would be
    /// silently ignored), is `PERCEPT_STATUS_INVALID_ARGUMENT`.
    pub trusted_public_key: [u8; 32],
    /// 1: when an image has uniform borders (letterbox, pillarbox, a plain
    /// canvas around a picture, as in screenshots), a matcher also hashes
    /// the picture inside them and matches those eight hashes too; the
    /// result reports the region (`has_content_region`) and which hashes
    /// matched (`best_trimmed`). The whole image's hashes are unchanged.
    /// 0: the whole image only. Default: see docs/matching-quality.md
    /// (recall, false positives and cost measured on real photos).
    /// Read by the matcher functions that hash pixels or encoded images.
    pub border_trim: u32,
}

impl Default for percept_options {
    fn default() -> Self {
        let scan = ScanOptions::default();
        let limits = &scan.decode.limits;
        percept_options {
            max_pixels: limits.max_pixels,
            max_input_bytes: limits.max_input_bytes,
            max_alloc_bytes: limits.max_alloc_bytes,
            max_side: limits.max_side,
            apply_exif_orientation: scan.decode.apply_orientation.into(),
            profile: PERCEPT_PROFILE_FULL_RESOLUTION,
            threshold: scan.threshold,
            min_quality: scan.min_quality.into(),
            verify_checksum: 1,
            min_list_version: 0,
            require_signature: 0,
            trusted_public_key: [0; 32],
            border_trim: scan.border_trim.into(),
        }
    }
}

/// A 0/1 flag field.
fn flag(value: u32, name: &str) -> Result<bool, Failure> {
    match value {
        0 => Ok(false),
        1 => Ok(true),
        _ => Err(Failure::invalid(format!(
            "`{name}` must be 0 or 1, not {value}"
        ))),
    }
}

pub(crate) fn to_profile(p: percept_profile) -> Result<Profile, Failure> {
    match p {
        PERCEPT_PROFILE_FULL_RESOLUTION => Ok(Profile::FullResolution),
        PERCEPT_PROFILE_CLI512 => Ok(Profile::Cli512),
        other => Err(Failure::invalid(format!("profile {other} does not exist"))),
    }
}

impl percept_options {
    pub(crate) fn decode_options(&self) -> Result<DecodeOptions, Failure> {
        let nonzero = |v: u64, name: &str| {
            if v == 0 {
                Err(Failure::invalid(format!("`{name}` must not be 0")))
            } else {
                Ok(v)
            }
        };
        let limits = DecodeLimits {
            max_pixels: nonzero(self.max_pixels, "max_pixels")?,
            max_input_bytes: nonzero(self.max_input_bytes, "max_input_bytes")?,
            max_alloc_bytes: nonzero(self.max_alloc_bytes, "max_alloc_bytes")?,
            max_side: nonzero(self.max_side.into(), "max_side")? as u32,
            ..DecodeLimits::default()
        };
        Ok(DecodeOptions {
            limits,
            apply_orientation: flag(self.apply_exif_orientation, "apply_exif_orientation")?,
            ..DecodeOptions::default()
        })
    }

    pub(crate) fn scan_options(&self) -> Result<ScanOptions, Failure> {
        let min_quality = u8::try_from(self.min_quality).map_err(|_| {
            Failure::invalid(format!("min_quality {} is above 100", self.min_quality))
        })?;
        let options = ScanOptions {
            threshold: self.threshold,
            min_quality,
            profile: to_profile(self.profile)?,
            decode: self.decode_options()?,
            border_trim: flag(self.border_trim, "border_trim")?,
            ..ScanOptions::default()
        };
        // The same ranges as the Rust API's.
        options
            .validate()
            .map_err(|e| Failure::invalid(e.to_string()))?;
        Ok(options)
    }

    /// How a matcher checks its list on open: checksum, pinned key,
    /// minimum list version.
    pub(crate) fn open_options(&self) -> Result<OpenOptions, Failure> {
        let checksum = if flag(self.verify_checksum, "verify_checksum")? {
            ChecksumPolicy::OnLoad
        } else {
            ChecksumPolicy::Deferred
        };
        let has_key = self.trusted_public_key != [0; 32];
        match (flag(self.require_signature, "require_signature")?, has_key) {
            // `pinned` also verifies the checksum on load, whatever
            // `verify_checksum` says (documented on the field).
            (true, true) => Ok(OpenOptions::pinned(
                PublicKey::from_bytes(self.trusted_public_key),
                self.min_list_version,
            )),
            (true, false) => Err(Failure::invalid(
                "`require_signature` is 1 but `trusted_public_key` is all zeros",
            )),
            // A key that is then ignored would look like protection and be
            // none: refused rather than guessed at.
            (false, true) => Err(Failure::invalid(
                "`trusted_public_key` is set but `require_signature` is 0",
            )),
            (false, false) => Ok(OpenOptions {
                checksum,
                min_list_version: self.min_list_version,
                ..OpenOptions::default()
            }),
        }
    }
}

/// Fills `*out_options` with the defaults documented on each field.
#[no_mangle]
pub unsafe extern "C" fn percept_options_default(
    out_options: *mut percept_options,
) -> percept_status {
    boundary!(writes out_options { percept_options::default() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_round_trip_to_the_rust_defaults() {
        let o = percept_options::default();
        assert_eq!(o.scan_options().unwrap(), ScanOptions::default());
        assert_eq!(o.open_options().unwrap(), OpenOptions::default());
        // The documented numbers.
        assert_eq!(o.max_pixels, 67_108_864);
        assert_eq!(o.max_alloc_bytes, 209_715_200);
        assert_eq!(o.max_input_bytes, 268_435_456);
        assert_eq!(o.max_side, 65_535);
    }

    #[test]
    fn list_fields_map_to_open_options() {
        let key = [7u8; 32];
        let pinned = percept_options {
            require_signature: 1,
            trusted_public_key: key,
            min_list_version: 5,
            verify_checksum: 0,
            ..Default::default()
        };
        assert_eq!(
            pinned.open_options().unwrap(),
            OpenOptions::pinned(PublicKey::from_bytes(key), 5)
        );
        let deferred = percept_options {
            verify_checksum: 0,
            min_list_version: 3,
            ..Default::default()
        };
        let mut want = OpenOptions::deferred();
        want.min_list_version = 3;
        assert_eq!(deferred.open_options().unwrap(), want);
    }

    #[test]
    fn out_of_range_fields_are_refused() {
        let bad = [
            percept_options {
                threshold: 256,
                ..Default::default()
            },
            percept_options {
                min_quality: 101,
                ..Default::default()
            },
            percept_options {
                profile: 2,
                ..Default::default()
            },
            percept_options {
                max_pixels: 0,
                ..Default::default()
            },
            percept_options {
                max_side: 0,
                ..Default::default()
            },
            percept_options {
                apply_exif_orientation: 2,
                ..Default::default()
            },
            percept_options {
                border_trim: 2,
                ..Default::default()
            },
        ];
        for o in bad {
            assert!(o.scan_options().is_err(), "{o:?}");
        }
        let bad_open = [
            percept_options {
                verify_checksum: 7,
                ..Default::default()
            },
            percept_options {
                require_signature: 2,
                trusted_public_key: [1; 32],
                ..Default::default()
            },
            percept_options {
                require_signature: 1,
                ..Default::default()
            },
            percept_options {
                trusted_public_key: [1; 32],
                ..Default::default()
            },
        ];
        for o in bad_open {
            let e = o.open_options().unwrap_err();
            assert_eq!(
                e.status,
                crate::ffi::status::PERCEPT_STATUS_INVALID_ARGUMENT
            );
        }
    }
}
