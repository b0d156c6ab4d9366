//! Library and ABI versions, as header macros and at run time.

use std::ffi::c_char;

/// The library version this header was generated from (also the crate's
/// version in Cargo.toml; a test checks they agree).
pub const PERCEPT_VERSION_MAJOR: u32 = 0;
/// See `PERCEPT_VERSION_MAJOR`.
pub const PERCEPT_VERSION_MINOR: u32 = 1;
/// See `PERCEPT_VERSION_MAJOR`.
pub const PERCEPT_VERSION_PATCH: u32 = 0;

/// The ABI this header describes. It changes whenever a function signature,
/// a struct layout or the meaning of a constant changes incompatibly; adding
/// a function or a status code does not change it. An app checks at start-up
/// that `percept_abi_version() == PERCEPT_ABI_VERSION`.
pub const PERCEPT_ABI_VERSION: u32 = 3;

/// The library's version as "MAJOR.MINOR.PATCH" (static; never free it).
/// Never fails.
#[no_mangle]
pub extern "C" fn percept_version() -> *const c_char {
    const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");
    boundary!(default VERSION.as_ptr().cast(), { VERSION.as_ptr().cast() })
}

/// The ABI version of the linked library; compare with
/// `PERCEPT_ABI_VERSION`. Never fails.
#[no_mangle]
pub extern "C" fn percept_abi_version() -> u32 {
    boundary!(default PERCEPT_ABI_VERSION, { PERCEPT_ABI_VERSION })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_constants_follow_cargo_toml() {
        let parse = |s: &str| s.parse::<u32>().unwrap();
        assert_eq!(
            (
                PERCEPT_VERSION_MAJOR,
                PERCEPT_VERSION_MINOR,
                PERCEPT_VERSION_PATCH
            ),
            (
                parse(env!("CARGO_PKG_VERSION_MAJOR")),
                parse(env!("CARGO_PKG_VERSION_MINOR")),
                parse(env!("CARGO_PKG_VERSION_PATCH"))
            )
        );
        // SAFETY: percept_version returns a static NUL-terminated string.
        let v = unsafe { std::ffi::CStr::from_ptr(percept_version()) };
        assert_eq!(v.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
        assert_eq!(percept_abi_version(), PERCEPT_ABI_VERSION);
    }
}
