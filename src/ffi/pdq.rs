//! `percept_pdq_hash` and `percept_pdq_dihedral`: PDQ from pixels or from
//! encoded bytes; `percept_dihedral`.

use super::boundary::{byte_slice, read};
use super::hash::percept_hash;
use super::options::{percept_options, percept_profile, to_profile};
use super::pixels::{percept_pixel_format, view};
use super::status::{percept_status, Failure};
use crate::hash::pdq::{self, DihedralHashes, PdqHash, Profile, Stability};
use crate::input::{decode_bytes, DecodedImage};

/// One of the eight rotations/flips of an image (`PERCEPT_DIHEDRAL_*`), and
/// the index of its hash in `percept_pdq_dihedral.hashes`.
pub type percept_dihedral = u32;

/// The image as given.
pub const PERCEPT_DIHEDRAL_ORIGINAL: percept_dihedral = 0;
/// Rotated 90 degrees.
pub const PERCEPT_DIHEDRAL_ROTATE90: percept_dihedral = 1;
/// Rotated 180 degrees.
pub const PERCEPT_DIHEDRAL_ROTATE180: percept_dihedral = 2;
/// Rotated 270 degrees.
pub const PERCEPT_DIHEDRAL_ROTATE270: percept_dihedral = 3;
/// Mirrored left-right.
pub const PERCEPT_DIHEDRAL_FLIP_X: percept_dihedral = 4;
/// Mirrored top-bottom.
pub const PERCEPT_DIHEDRAL_FLIP_Y: percept_dihedral = 5;
/// Mirrored along the main diagonal (transposed).
pub const PERCEPT_DIHEDRAL_FLIP_PLUS1: percept_dihedral = 6;
/// Mirrored along the anti-diagonal.
pub const PERCEPT_DIHEDRAL_FLIP_MINUS1: percept_dihedral = 7;

/// At this many weak bits or more a hash is unstable (`stable` is 0): a
/// re-encoded copy of the image is likely to land beyond the match
/// threshold, so a no-match says little. See docs/matching-quality.md.
pub const PERCEPT_UNSTABLE_WEAK_BITS: u32 = 32;

/// `weak_bits` of a hash whose stability is not known (a hash computed
/// elsewhere). Pass it in `percept_pdq_hash.weak_bits` and
/// `percept_pdq_dihedral.weak_bits` for such hashes: 0 would claim a
/// perfectly stable hash.
pub const PERCEPT_WEAK_BITS_UNKNOWN: u32 = u32::MAX;

/// A PDQ hash, its quality and its stability.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct percept_pdq_hash {
    pub hash: percept_hash,
    /// 0..=100. Below about 50 the hash is unreliable (flat or tiny
    /// images); images smaller than 5 pixels on a side hash to all zeros
    /// with quality 0.
    pub quality: u32,
    /// How many of the 256 DCT values the bits come from lie within 0.3 of
    /// their median, 0..=256 (256 for an image too small to hash): such
    /// bits are set by rounding noise and flip in re-encoded copies.
    /// Computed without changing a bit of the hash or its quality. Reported
    /// only: it never changes a verdict. As input (to
    /// `percept_matcher_match_hash`), `PERCEPT_WEAK_BITS_UNKNOWN` for a
    /// hash computed elsewhere.
    pub weak_bits: u32,
    /// 1 when `weak_bits` < `PERCEPT_UNSTABLE_WEAK_BITS`, else 0. Written
    /// by percept; ignored as input.
    pub stable: u32,
}

/// The PDQ hashes of all eight rotations/flips of an image, from one pass.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct percept_pdq_dihedral {
    /// Indexed by `PERCEPT_DIHEDRAL_*`.
    pub hashes: [percept_hash; 8],
    /// 0..=100, as in `percept_pdq_hash`.
    pub quality: u32,
    /// As in `percept_pdq_hash` (the same for all eight hashes).
    pub weak_bits: u32,
    /// As in `percept_pdq_hash`.
    pub stable: u32,
}

/// `weak_bits` and `stable` for a stability, known or not.
pub(crate) fn stability_fields(s: Option<Stability>) -> (u32, u32) {
    s.map_or((PERCEPT_WEAK_BITS_UNKNOWN, 0), |s| {
        (s.weak_bits.into(), s.is_stable().into())
    })
}

/// The stability a caller's `weak_bits` states: unknown unless 0..=256.
pub(crate) fn stability_from(weak_bits: u32) -> Option<Stability> {
    u16::try_from(weak_bits)
        .ok()
        .filter(|&w| u32::from(w) <= Stability::NO_HASH.weak_bits.into())
        .map(|weak_bits| Stability { weak_bits })
}

impl From<PdqHash> for percept_pdq_hash {
    fn from(h: PdqHash) -> Self {
        let (weak_bits, stable) = stability_fields(Some(h.stability));
        percept_pdq_hash {
            hash: h.hash.into(),
            quality: h.quality.into(),
            weak_bits,
            stable,
        }
    }
}

impl From<DihedralHashes> for percept_pdq_dihedral {
    fn from(h: DihedralHashes) -> Self {
        let (weak_bits, stable) = stability_fields(h.stability);
        percept_pdq_dihedral {
            hashes: h.hashes.map(percept_hash::from),
            quality: h.quality.into(),
            weak_bits,
            stable,
        }
    }
}

/// PDQ hash of pixels the caller holds (the reference's single-hash
/// function).
///
/// `data`: `data_len` readable bytes holding `height` rows of `width`
/// pixels in `format`, each row starting `stride` bytes after the previous
/// one (`stride` >= `width` x bytes per pixel; the last row needs only
/// `width` x bytes per pixel). `data` is only read during the call.
/// `profile`: `PERCEPT_PROFILE_*`. `out_hash`: receives the hash.
/// Fails with `PERCEPT_STATUS_INVALID_ARGUMENT` for a zero side, a short
/// stride or a short buffer, `PERCEPT_STATUS_UNSUPPORTED_FORMAT` for an
/// unknown `format`.
#[no_mangle]
pub unsafe extern "C" fn percept_pdq_hash_pixels(
    data: *const u8,
    data_len: usize,
    width: u32,
    height: u32,
    stride: usize,
    format: percept_pixel_format,
    profile: percept_profile,
    out_hash: *mut percept_pdq_hash,
) -> percept_status {
    boundary!(args(data: view(data_len, width, height, stride, format)) writes out_hash {
        pdq::hash(&data, to_profile(profile)?).into()
    })
}

/// The eight dihedral PDQ hashes of pixels the caller holds, from one pass
/// (the reference's dihedral function). Arguments as in
/// `percept_pdq_hash_pixels`; `out_hashes` receives the hashes.
#[no_mangle]
pub unsafe extern "C" fn percept_pdq_dihedral_pixels(
    data: *const u8,
    data_len: usize,
    width: u32,
    height: u32,
    stride: usize,
    format: percept_pixel_format,
    profile: percept_profile,
    out_hashes: *mut percept_pdq_dihedral,
) -> percept_status {
    boundary!(args(data: view(data_len, width, height, stride, format)) writes out_hashes {
        pdq::hash_dihedral(&data, to_profile(profile)?).into()
    })
}

/// PDQ hash of an encoded image (JPEG, PNG, GIF first frame, WebP, BMP,
/// TIFF), decoded within the limits of `options`.
///
/// `bytes`: `len` readable bytes (only read during the call). `options`:
/// from `percept_options_default`, possibly changed (profile, limits, EXIF).
/// `out_hash`: receives the hash. Fails with
/// `PERCEPT_STATUS_UNSUPPORTED_FORMAT`, `PERCEPT_STATUS_DECODE_FAILED`,
/// `PERCEPT_STATUS_IMAGE_TOO_LARGE` or `PERCEPT_STATUS_INVALID_ARGUMENT`
/// (bad options, or an image with a zero side).
#[no_mangle]
pub unsafe extern "C" fn percept_pdq_hash_encoded(
    bytes: *const u8,
    len: usize,
    options: *const percept_options,
    out_hash: *mut percept_pdq_hash,
) -> percept_status {
    boundary!(args(bytes: byte_slice(len), options: read) writes out_hash {
        let (image, profile) = decode(bytes, &options)?;
        pdq::hash(&image.view(), profile).into()
    })
}

/// The eight dihedral PDQ hashes of an encoded image. Arguments as in
/// `percept_pdq_hash_encoded`; `out_hashes` receives the hashes.
#[no_mangle]
pub unsafe extern "C" fn percept_pdq_dihedral_encoded(
    bytes: *const u8,
    len: usize,
    options: *const percept_options,
    out_hashes: *mut percept_pdq_dihedral,
) -> percept_status {
    boundary!(args(bytes: byte_slice(len), options: read) writes out_hashes {
        let (image, profile) = decode(bytes, &options)?;
        pdq::hash_dihedral(&image.view(), profile).into()
    })
}

/// The image `bytes` hold, decoded within the limits of `options`, and the
/// profile to hash it with.
fn decode(bytes: &[u8], options: &percept_options) -> Result<(DecodedImage, Profile), Failure> {
    let (profile, decode_options) = (to_profile(options.profile)?, options.decode_options()?);
    Ok((decode_bytes(bytes, &decode_options)?, profile))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stability_constants_and_conversions() {
        assert_eq!(
            PERCEPT_UNSTABLE_WEAK_BITS,
            u32::from(Stability::UNSTABLE_WEAK_BITS)
        );
        assert_eq!(stability_fields(None), (PERCEPT_WEAK_BITS_UNKNOWN, 0));
        assert_eq!(stability_fields(Some(Stability { weak_bits: 31 })), (31, 1));
        assert_eq!(stability_fields(Some(Stability::NO_HASH)), (256, 0));
        for w in [0, 32, 256] {
            assert_eq!(stability_from(w).map(|s| u32::from(s.weak_bits)), Some(w));
        }
        for w in [257, 65_536, PERCEPT_WEAK_BITS_UNKNOWN] {
            assert_eq!(stability_from(w), None);
        }
    }
}
