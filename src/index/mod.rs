//! Known-hash matching: "is any stored hash within distance T of this
//! image's hashes?", answered exactly.
//!
//! [`KnownHashSet`] finds every stored entry within T of any of up to eight
//! query hashes (an image's dihedral variants) through multi-index hashing
//! ([`mih`]), verifying each candidate with the full Hamming distance.

pub mod bloom;
mod known;
mod masks;
pub(crate) mod mih;
pub(crate) mod slab;

pub use known::{Entry, KnownHashSet, Match, PrefilterInfo, PrefilterUse, DEFAULT_THRESHOLD};
pub use mih::MAX_ENTRIES;
pub use slab::{SharedBytes, SlabError};
