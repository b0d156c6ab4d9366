//! Pixels in: borrowed views over caller buffers, and decoding of encoded
//! images with limits checked before anything large is allocated.

mod decode;
mod error;
mod view;

pub use decode::{
    decode_bytes, decode_file, read_file_limited, DecodeLimits, DecodeOptions, DecodedImage,
    Orientation, SourceFormat,
};
pub use error::InputError;
pub(crate) use view::Channels;
pub use view::{PixelFormat, PixelView};
