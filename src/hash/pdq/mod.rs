//! PDQ, bit-exact with Meta's reference C++ core (facebook/ThreatExchange,
//! `pdq/cpp/hashing/pdqhashing.cpp`).
//!
//! Pipeline: luma (binary32, `0.299 r + 0.587 g + 0.114 b` left to right, or
//! the grey value for 1-channel input) -> two rounds of horizontal then
//! vertical box filters with window `ceil(side / 128)` -> decimation to 64x64
//! at pixel centres -> quality from quantized gradients -> 16x16 DCT ->
//! Torben median -> bit k set when coefficient k is above the median. Every
//! float operation happens in the reference's order, without fused
//! multiply-add, so every bit matches.

mod banded;
mod boxfilter;
mod dct;
mod dihedral;
mod luma;
mod median;
mod platform;
mod quality;
mod reference;
mod simd;
mod stability;
#[doc(hidden)]
pub mod stages;
mod stream;

pub use dihedral::Dihedral;
pub use platform::Platform;
pub use stability::Stability;

use std::path::Path;

use crate::hash::Hash256;
use crate::input::{decode_bytes, decode_file, DecodeOptions, InputError, PixelView};
use luma::LumaSource;

/// Images with a side below this hash to all zeros with quality 0.
pub const MIN_HASHABLE_SIDE: usize = 5;

/// Side of the square the reference command-line tool squashes to.
pub const CLI_RESIZE_SIDE: usize = 512;

const NUM_JAROSZ_PASSES: usize = 2;

type Downsample = [[f32; 64]; 64];

/// Which reference output to reproduce.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Profile {
    /// The core on the full-resolution pixels: what the Java reference, HMA,
    /// python-threatexchange, pdqhash-python and vPDQ compute.
    #[default]
    FullResolution,
    /// The C++ `pdq-photo-hasher` tool: an image with a side above 512 is
    /// first squashed to exactly 512x512 by nearest neighbour (aspect ratio
    /// not kept), then hashed. For parity with lists made by that tool.
    Cli512,
}

/// How the filter is run. All give identical bits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Pipeline {
    /// Row-streaming filter with bounded memory on the fastest
    /// [`Platform`] this CPU supports (default).
    #[default]
    Streaming,
    /// The streaming filter on a given platform (the portable one if this
    /// CPU cannot run it). For tests and benchmarks.
    StreamingOn(Platform),
    /// The reference's layout: two full-resolution float planes. Kept as the
    /// oracle for tests and the baseline for benchmarks.
    ReferenceLayout,
}

/// One PDQ hash, its quality and its stability.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct PdqHash {
    /// The 256-bit hash.
    pub hash: Hash256,
    /// 0..=100; the reference treats values below about 50 as unreliable.
    pub quality: u8,
    /// How many bits are weak ([`Stability`]); computed from the same DCT,
    /// without changing the hash or the quality.
    pub stability: Stability,
}

/// The hashes of all eight rotations/flips of an image, from one pass.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct DihedralHashes {
    /// Indexed as [`Dihedral::ALL`].
    pub hashes: [Hash256; 8],
    /// The quality, the same for every variant (0..=100).
    pub quality: u8,
    /// The original orientation's [`Stability`] (a flip or rotation only
    /// moves and negates values); `None` for hashes made elsewhere
    /// ([`DihedralHashes::new`]).
    pub stability: Option<Stability>,
}

impl DihedralHashes {
    /// Hashes computed elsewhere (e.g. received from another device), in
    /// [`Dihedral::ALL`] order, with their quality; stability unknown.
    pub fn new(hashes: [Hash256; 8], quality: u8) -> Self {
        DihedralHashes {
            hashes,
            quality,
            stability: None,
        }
    }

    /// The hash of one variant.
    pub fn get(&self, variant: Dihedral) -> Hash256 {
        self.hashes[variant as usize]
    }
}

/// Reads, decodes (with the default [`DecodeOptions`]: limits, EXIF
/// orientation applied) and hashes an image file with
/// [`Profile::FullResolution`].
///
/// ```
/// let out = percept::pdq::hash_file("testdata/images/waves-320x240.png")?;
/// assert!(out.quality >= 50);
/// println!("{} {}", out.hash, out.quality); // 64 hex digits, 0..=100
/// # Ok::<(), percept::input::InputError>(())
/// ```
pub fn hash_file(path: impl AsRef<Path>) -> Result<PdqHash, InputError> {
    let image = decode_file(path, &DecodeOptions::default())?;
    Ok(hash(&image.view(), Profile::FullResolution))
}

/// Decodes (with the default [`DecodeOptions`]) and hashes an encoded image
/// held in memory, with [`Profile::FullResolution`].
pub fn hash_bytes(bytes: &[u8]) -> Result<PdqHash, InputError> {
    let image = decode_bytes(bytes, &DecodeOptions::default())?;
    Ok(hash(&image.view(), Profile::FullResolution))
}

/// The reference's single-hash function (`pdqHash256FromFloatLuma`).
///
/// For an input of exactly 64x64 it copies the pixels instead of filtering,
/// as the reference does; [`hash_dihedral`]'s `Original` then differs.
pub fn hash(view: &PixelView<'_>, profile: Profile) -> PdqHash {
    hash_with(view, profile, Pipeline::Streaming)
}

/// [`hash`] with an explicit [`Pipeline`].
pub fn hash_with(view: &PixelView<'_>, profile: Profile, pipeline: Pipeline) -> PdqHash {
    single_hash(dct_of(view, profile, pipeline, true))
}

/// The hash of a DCT and quality, or the all-zero hash below the minimum
/// size.
fn single_hash(found: Option<([[f32; 16]; 16], u8)>) -> PdqHash {
    match found {
        None => PdqHash {
            hash: Hash256::ZERO,
            quality: 0,
            stability: Stability::NO_HASH,
        },
        Some((dct, quality)) => PdqHash {
            hash: dihedral::bits(&dct),
            quality,
            stability: Stability::of(&dct),
        },
    }
}

/// The hash of luma the caller has already computed (`width * height`
/// values, row-major), as the reference's `pdqHash256FromFloatLuma` takes
/// it: for callers with their own colour conversion, and for comparing
/// with implementations that start from luma. [`hash`] computes luma from
/// pixels exactly as the reference does; this skips that step.
///
/// Fails with [`InputError::InvalidDimensions`](crate::input::InputError)
/// when a side is zero or `luma.len()` is not `width * height`.
pub fn hash_luma(
    luma: &[f32],
    width: usize,
    height: usize,
    profile: Profile,
) -> Result<PdqHash, crate::input::InputError> {
    if width == 0 || height == 0 || width.checked_mul(height) != Some(luma.len()) {
        return Err(crate::input::InputError::InvalidDimensions {
            width: width as u64,
            height: height as u64,
        });
    }
    let src = LumaSource::float(luma, width, height);
    Ok(single_hash(dct_of_source(
        src,
        profile,
        Pipeline::Streaming,
        true,
    )))
}

/// The reference's dihedral function (`pdqDihedralHash256esFromFloatLuma`):
/// one filter pass, eight hashes.
pub fn hash_dihedral(view: &PixelView<'_>, profile: Profile) -> DihedralHashes {
    hash_dihedral_with(view, profile, Pipeline::Streaming)
}

/// [`hash_dihedral`] with an explicit [`Pipeline`].
pub fn hash_dihedral_with(
    view: &PixelView<'_>,
    profile: Profile,
    pipeline: Pipeline,
) -> DihedralHashes {
    match dct_of(view, profile, pipeline, false) {
        None => DihedralHashes {
            hashes: [Hash256::ZERO; 8],
            quality: 0,
            stability: Some(Stability::NO_HASH),
        },
        Some((dct, quality)) => DihedralHashes {
            hashes: Dihedral::ALL.map(|v| dihedral::bits(&dihedral::apply(&dct, v))),
            quality,
            stability: Some(Stability::of(&dct)),
        },
    }
}

/// The 16x16 DCT and quality, or `None` below the minimum size.
fn dct_of(
    view: &PixelView<'_>,
    profile: Profile,
    pipeline: Pipeline,
    single_hash_shortcut: bool,
) -> Option<([[f32; 16]; 16], u8)> {
    dct_of_source(
        LumaSource::new(*view),
        profile,
        pipeline,
        single_hash_shortcut,
    )
}

/// [`dct_of`] for any luma source.
fn dct_of_source(
    src: LumaSource<'_>,
    profile: Profile,
    pipeline: Pipeline,
    single_hash_shortcut: bool,
) -> Option<([[f32; 16]; 16], u8)> {
    let src = match profile {
        Profile::Cli512 if src.cols() > CLI_RESIZE_SIDE || src.rows() > CLI_RESIZE_SIDE => {
            src.resized_nearest(CLI_RESIZE_SIDE, CLI_RESIZE_SIDE)
        }
        _ => src,
    };
    if src.rows() < MIN_HASHABLE_SIDE || src.cols() < MIN_HASHABLE_SIDE {
        return None;
    }
    let platform = match pipeline {
        Pipeline::Streaming => Platform::detect(),
        Pipeline::StreamingOn(platform) => platform,
        Pipeline::ReferenceLayout => Platform::Scalar,
    };
    let down = match pipeline {
        Pipeline::ReferenceLayout => reference::downsample(&src, single_hash_shortcut),
        _ => stream::downsample(&src, single_hash_shortcut, platform),
    };
    Some((dct_on(&down, platform), quality_on(&down, platform)))
}

/// Whether to run the DCT and the quality metric compiled for AVX2: on the
/// AVX2 platform the same code runs 8 floats at a time instead of 4, with
/// the same operations in the same order (Rust never fuses a multiply and
/// an add on its own), so the same bits. (Other architectures have no
/// such wider build: NEON is their baseline.)
#[cfg(target_arch = "x86_64")]
fn avx2_compiled(platform: Platform) -> bool {
    platform == Platform::Avx2 && simd::avx2::Avx2::new().is_some()
}

/// [`dct::dct64_to_16`], compiled for AVX2 on that platform.
pub(crate) fn dct_on(down: &Downsample, platform: Platform) -> [[f32; 16]; 16] {
    #[cfg(target_arch = "x86_64")]
    if avx2_compiled(platform) {
        #[target_feature(enable = "avx2")]
        unsafe fn avx2(down: &Downsample) -> [[f32; 16]; 16] {
            dct::dct64_to_16(down)
        }
        // SAFETY: AVX2 is available (`avx2_compiled`).
        return unsafe { avx2(down) };
    }
    let _ = platform;
    dct::dct64_to_16(down)
}

/// [`quality::quality`], compiled for AVX2 on that platform.
pub(crate) fn quality_on(down: &Downsample, platform: Platform) -> u8 {
    #[cfg(target_arch = "x86_64")]
    if avx2_compiled(platform) {
        #[target_feature(enable = "avx2")]
        unsafe fn avx2(down: &Downsample) -> u8 {
            quality::quality(down)
        }
        // SAFETY: AVX2 is available (`avx2_compiled`).
        return unsafe { avx2(down) };
    }
    let _ = platform;
    quality::quality(down)
}

/// Rows (or columns) the reference's `decimateFloat` samples:
/// `int((i + 0.5) * n / 64)`, computed here in integers.
fn decimation_indices(n: usize) -> [usize; 64] {
    std::array::from_fn(|i| (2 * i + 1) * n / 128)
}

#[cfg(test)]
mod tests;
