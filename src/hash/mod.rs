//! Perceptual hashes computed from a [`PixelView`](crate::input::PixelView).

mod hash256;
pub mod pdq;

pub use hash256::{Hash256, ParseHashError};
