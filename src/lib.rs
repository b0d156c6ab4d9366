//! percept: on-device perceptual hashing and known-hash matching.
//!
//! Layers, each importing only the ones above it in this list:
//!
//! - [`input`]: borrowed pixel views ([`PixelView`]) and decoding with limits.
//! - [`hash`]: PDQ, bit-exact with Meta's reference C++ core ([`hash::pdq`]), and
//!   the 256-bit [`Hash256`] value type.
//! - [`distance`]: Hamming distance between hashes.
//!
//! ```
//! use percept::{PixelFormat, PixelView, hash::pdq};
//! let pixels: Vec<u8> = (0..64 * 48 * 3).map(|i| (i * 7 % 251) as u8).collect();
//! let view = PixelView::packed(&pixels, 64, 48, PixelFormat::Rgb8).unwrap();
//! let out = pdq::hash(&view, pdq::Profile::FullResolution);
//! assert_eq!(out.hash.to_hex().len(), 64);
//! ```

pub mod db;
pub mod distance;
pub mod ffi;
pub mod hash;
pub mod index;
pub mod input;
pub mod scan;

pub use hash::Hash256;
pub use input::{PixelFormat, PixelView};
