//! percept: on-device perceptual hashing and known-hash matching.
//!
//! percept computes PDQ hashes (Meta's 256-bit perceptual hash, bit for bit
//! equal to the reference C++ core) of images on the device, and checks them
//! against a list of known hashes: "is any stored hash within Hamming
//! distance T of this image, in any of its eight rotations and flips?",
//! answered exactly, plus exact-file matches by BLAKE3 digest.
//!
//! # Hash a file, open a list, scan a file
//!
//! ```
//! use percept::{pdq, ScanOptions, Scanner, Verdict};
//!
//! let h = pdq::hash_file("testdata/images/waves-320x240.png")?;
//! println!("{} quality {}", h.hash, h.quality);
//! let scanner = Scanner::open("testdata/sample-list.pcl", ScanOptions::default())?;
//! let result = scanner.scan_file("testdata/images/waves-320x240-rot90.png")?;
//! assert_eq!(result.verdict, Verdict::Match);
//! for m in &result.matches {
//!     println!("{} entry {} at {} bits ({}) {:?}", result.verdict, m.id, m.distance, m.variant, m.label);
//! }
//! # Ok::<(), percept::Error>(())
//! ```
//!
//! Pixels the app has already decoded (an Android `Bitmap`, an iOS
//! `CVPixelBuffer`) go through a [`PixelView`], without a copy:
//!
//! ```
//! use percept::{pdq, PixelFormat, PixelView};
//! let (width, height, stride) = (64u32, 48u32, 64 * 4);
//! let pixels = vec![128u8; stride * height as usize];
//! let view = PixelView::new(&pixels, width, height, stride, PixelFormat::Bgra8)?;
//! let out = pdq::hash(&view, pdq::Profile::FullResolution);
//! assert_eq!(out.quality, 0); // a flat image carries no information
//! # Ok::<(), percept::input::InputError>(())
//! ```
//!
//! # Layers
//!
//! Data flows one way; each module imports only the ones listed before it.
//!
//! - [`input`]: borrowed pixel views ([`PixelView`]) and decoding of JPEG,
//!   PNG, GIF, WebP, BMP and TIFF with size limits and a memory budget
//!   ([`input::decode_bytes`], [`input::DecodeOptions`]).
//! - [`hash`]: PDQ ([`hash::pdq`], also at [`pdq`]): hash, quality and the
//!   eight dihedral hashes, on SIMD backends (AVX2, SSE2, NEON, portable)
//!   chosen at run time; the [`Hash256`] value type.
//! - [`distance`]: Hamming distance between hashes.
//! - [`index`]: the known-hash set ([`index::KnownHashSet`]): exact
//!   multi-index search, verified by full distance, behind a keyed Bloom
//!   prefilter.
//! - [`db`]: the list file: versioned, checksummed, optionally Ed25519
//!   signed, memory-mapped ([`db::ListFile`]), and its writer and importers.
//! - [`scan`]: what an app calls ([`Scanner`]): bytes, a file, pixels or
//!   hashes in, a [`ScanResult`] with a [`Verdict`] out; lists swapped
//!   atomically while scans run.
//!
//! Errors: each layer has its own type, and [`Error`] wraps any of them.
//!
//! # Threads
//!
//! Nothing here starts a thread unless asked: hashing, opening and matching
//! run on the caller's thread. The batch functions that use rayon's pool say
//! so ([`index::KnownHashSet::matches_batch`]), and so does the opt-in fast
//! JPEG profile ([`input::JpegScaling::Fast`]), whose decoder starts threads
//! of its own.
//!
//! # Features
//!
//! - `serde`: `Serialize` and `Deserialize` for the value types
//!   ([`Hash256`] as hex text, [`pdq::PdqHash`], [`pdq::Dihedral`],
//!   [`ScanResult`], [`ScanMatch`], [`Verdict`], [`db::FileEntry`]).
//! - `ffi`: the C ABI (`include/percept.h`), for building the static and
//!   shared C libraries (`cargo rustc --lib --features ffi --crate-type
//!   staticlib,cdylib`); it adds nothing to the Rust API.
#![warn(missing_docs)]

pub mod db;
pub mod distance;
mod error;
#[cfg(feature = "ffi")]
#[doc(hidden)]
pub mod ffi;
pub mod hash;
pub mod index;
pub mod input;
pub mod scan;

pub use error::Error;
pub use hash::pdq;
pub use hash::Hash256;
pub use input::{PixelFormat, PixelView};
pub use scan::{ScanMatch, ScanOptions, ScanResult, Scanner, Verdict};
