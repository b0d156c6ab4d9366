//! The C ABI (`include/percept.h`, generated from this module by cbindgen).
//!
//! One module per C type. The conventions every function follows are written
//! once, at the top of the header (`cbindgen.toml`) and in docs/c-abi.md; in
//! short: `percept_` prefix; handles made by `_open_*` and freed by `_free`;
//! object first, then inputs, then outputs; outputs written only on
//! success; every pointer NULL-checked; every fallible function returns a
//! [`percept_status`](status::percept_status) whose numbers never change
//! meaning; a thread-local, log-safe message for the last failure.
//!
//! Every exported body runs inside [`boundary!`], which turns a panic into
//! `PERCEPT_STATUS_PANIC` (or a safe default), so no panic ever unwinds into
//! the caller.
//!
//! Memory safety across the boundary rests on the caller keeping the
//! header's contract (pointers valid for the stated sizes, handles not used
//! after `_free`); everything else is checked here. Pointer arguments are
//! read through the helpers in `boundary`, which hold the unsafe code, and
//! taken in by `boundary!` itself (its `args(...)` and `writes` forms).
//!
//! The modules are declared in the order their functions appear in the
//! header (cbindgen keeps parse order), hence one per group below.

// Panic policy for code that handles untrusted input (docs/hostile-input.md):
// no unwrap/expect/panic outside tests; slicing only within bounds
// established by checked arithmetic earlier in the same function (the fuzz
// targets in fuzz/ exercise these paths).
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]
// The C names (`percept_matcher`, `percept_status`, ...) are the ABI.
#![allow(non_camel_case_types)]
// Each function's pointer contract is stated in its doc comment, written for
// C readers (it is copied into the header), not under a `# Safety` heading.
#![allow(clippy::missing_safety_doc)]

#[macro_use]
mod boundary;

pub mod version;

pub mod status;

pub mod last_error;

pub mod hash;

pub mod pixels;

pub mod options;

pub mod pdq;

pub mod list_info;

pub mod match_result;

pub mod matcher;

#[cfg(feature = "testing")]
pub mod testing;
