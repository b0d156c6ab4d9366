//! Known-hash matching: "is any stored hash within distance T of this
//! image's hashes?", answered exactly.
//!
//! [`KnownHashSet`] finds every stored entry within T of any of up to eight
//! query hashes (an image's dihedral variants) through multi-index hashing
//! (the `mih` module), verifying each candidate with the full Hamming distance.

// Panic policy for code that handles untrusted input (docs/hostile-input.md):
// no unwrap/expect/panic outside tests; slicing only within bounds
// established by checked arithmetic earlier in the same function (the fuzz
// targets in fuzz/ exercise these paths).
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod bloom;
mod known;
mod masks;
pub(crate) mod mih;
pub(crate) mod slab;

pub use known::{
    Entry, KnownHashSet, Match, PrefilterInfo, PrefilterUse, TooManyVariants, DEFAULT_THRESHOLD,
    MAX_VARIANTS,
};
pub use mih::MAX_ENTRIES;
pub(crate) use slab::SharedBytes;
pub use slab::SlabError;
