//! Perceptual hashes computed from a [`PixelView`](crate::input::PixelView).

// Panic policy for code that handles untrusted input (docs/hostile-input.md):
// no unwrap/expect/panic outside tests; slicing only within bounds
// established by checked arithmetic earlier in the same function (the fuzz
// targets in fuzz/ exercise these paths).
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

mod hash256;
pub mod pdq;

pub use hash256::{Hash256, ParseHashError};
