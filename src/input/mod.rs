//! Pixels in: borrowed views over caller buffers, and decoding of encoded
//! images with limits checked before anything large is allocated.

// Panic policy for code that handles untrusted input (docs/hostile-input.md):
// no unwrap/expect/panic outside tests; slicing only within bounds
// established by checked arithmetic earlier in the same function (the fuzz
// targets in fuzz/ exercise these paths).
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

mod decode;
mod error;
mod fast_jpeg;
mod header;
mod jpeg;
mod png;
mod sniff;
pub mod trim;
mod view;

pub use decode::{
    decode_bytes, decode_file, read_file_limited, DecodeLimits, DecodeOptions, DecodedImage,
    Orientation, SourceFormat,
};
pub use error::{InputError, LimitExceeded};
pub use fast_jpeg::JpegScaling;
pub use sniff::{identify, Identified};
pub use trim::{content_region, Region};
pub(crate) use view::Channels;
pub use view::{PixelFormat, PixelView};
