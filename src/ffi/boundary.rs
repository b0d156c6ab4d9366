//! The panic boundary every exported function runs in, and the checked
//! intake of C arguments (the FFI layer's unsafe code lives here).

use std::ffi::{c_char, CStr};
use std::panic::{catch_unwind, AssertUnwindSafe};

use super::last_error;
use super::status::{
    percept_status, Failure, PERCEPT_STATUS_BUFFER_TOO_SMALL, PERCEPT_STATUS_NULL_ARGUMENT,
    PERCEPT_STATUS_OK, PERCEPT_STATUS_PANIC,
};

/// Runs the body of an exported function so that no panic unwinds into C.
///
/// - `boundary!({ body })`: `body` is a `Result<(), Failure>`; the function
///   returns its status. The thread's last error is cleared on success and
///   set to the failure's message otherwise; a panic becomes
///   `PERCEPT_STATUS_PANIC`.
/// - `boundary!(preserve_last_error { body })`: the same, but the last error
///   is left as it was (for the function that reads it).
/// - `boundary!(default value, { body })`: for functions that cannot fail;
///   a panic returns `value`.
///
/// Pointer arguments are taken in first, inside the boundary, in the order
/// listed; the first that fails (a NULL, a length no buffer has, ...) is the
/// function's failure:
///
/// - `boundary!(args(p: intake, q: intake(x, y)) { body })`: binds `p` to
///   `intake(p, "p")` and `q` to `intake(q, x, y, "q")` (`read`, `handle`,
///   `byte_slice`, `c_string`, ... below; `view` for pixels), then runs
///   `body` as `boundary!({ body })` does.
/// - `boundary!(args(...) writes out_p { body })`, `args(...)` optional:
///   also checks the output pointer `out_p` (after the arguments, before
///   any work); `body` is the value written to `*out_p`, last, on success
///   only (`?` and `return Err(..)` in it fail the function).
///
/// Each intake function's `# Safety` asks of its pointer what the exported
/// function's doc comment (the header) promises the caller provides.
macro_rules! boundary {
    (default $default:expr, $body:block) => {
        $crate::ffi::boundary::or_default(|| $default, || $body)
    };
    (preserve_last_error $body:block) => {
        $crate::ffi::boundary::status(false, || $body)
    };
    ($body:block) => {
        $crate::ffi::boundary::status(true, || $body)
    };
    (
        $(args($($arg:ident: $intake:ident $(($($extra:expr),*))?),+))?
        writes $out:ident $body:block
    ) => {
        boundary!({
            // SAFETY: every pointer argument is as the function's contract
            // (its doc comment) states, which is what its intake asks.
            let ($($($arg,)+)? $out,) = unsafe {
                (
                    $($($intake($arg, $($($extra,)*)? stringify!($arg))?,)+)?
                    $crate::ffi::boundary::out($out, stringify!($out))?,
                )
            };
            $out.write($body);
            Ok(())
        })
    };
    (args($($arg:ident: $intake:ident $(($($extra:expr),*))?),+) $body:block) => {
        boundary!({
            // SAFETY: every pointer argument is as the function's contract
            // (its doc comment) states, which is what its intake asks.
            let ($($arg,)+) = unsafe {
                ($($intake($arg, $($($extra,)*)? stringify!($arg))?,)+)
            };
            $body
        })
    };
}

pub(crate) fn status(record: bool, body: impl FnOnce() -> Result<(), Failure>) -> percept_status {
    // AssertUnwindSafe: after a panic nothing the body touched is used
    // again (outputs are written last, handles are immutable).
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => {
            if record {
                last_error::clear();
            }
            PERCEPT_STATUS_OK
        }
        Ok(Err(failure)) => {
            if record {
                last_error::set(&failure.message);
            }
            failure.status
        }
        Err(_) => {
            if record {
                last_error::set("internal error: a panic was caught (a bug in percept)");
            }
            PERCEPT_STATUS_PANIC
        }
    }
}

pub(crate) fn or_default<T>(default: impl FnOnce() -> T, body: impl FnOnce() -> T) -> T {
    // AssertUnwindSafe: as in `status`.
    catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|_| default())
}

fn null(name: &'static str) -> Failure {
    Failure::new(
        PERCEPT_STATUS_NULL_ARGUMENT,
        format!("argument `{name}` is NULL"),
    )
}

/// Reads the value `p` points to.
///
/// # Safety
/// `p` is NULL or points to a readable `T` (any alignment).
pub(crate) unsafe fn read<T: Copy>(p: *const T, name: &'static str) -> Result<T, Failure> {
    if p.is_null() {
        return Err(null(name));
    }
    // SAFETY: not NULL, and readable by this function's contract; unaligned
    // reads accept any C caller's placement.
    Ok(unsafe { p.read_unaligned() })
}

/// Borrows a handle made by this library.
///
/// # Safety
/// `p` is NULL or a live handle returned by this library (so aligned and
/// initialised), not freed while the borrow lasts.
pub(crate) unsafe fn handle<'a, T>(p: *const T, name: &'static str) -> Result<&'a T, Failure> {
    // SAFETY: by this function's contract, a non-NULL `p` is a live handle.
    unsafe { p.as_ref() }.ok_or_else(|| null(name))
}

/// Borrows `len` bytes at `p`.
///
/// # Safety
/// `p` is NULL or points to `len` readable bytes that are not written while
/// the borrow lasts.
pub(crate) unsafe fn byte_slice<'a>(
    p: *const u8,
    len: usize,
    name: &'static str,
) -> Result<&'a [u8], Failure> {
    if p.is_null() {
        return Err(null(name));
    }
    if len > isize::MAX as usize {
        return Err(Failure::invalid(format!(
            "length of `{name}` is larger than any buffer"
        )));
    }
    // SAFETY: not NULL, `len` readable bytes by this function's contract, and
    // `len` fits `isize` (checked above).
    Ok(unsafe { std::slice::from_raw_parts(p, len) })
}

/// Borrows a NUL-terminated string's bytes (without the NUL).
///
/// # Safety
/// `p` is NULL or points to a NUL-terminated string.
pub(crate) unsafe fn c_string<'a>(
    p: *const c_char,
    name: &'static str,
) -> Result<&'a [u8], Failure> {
    if p.is_null() {
        return Err(null(name));
    }
    // SAFETY: not NULL and NUL-terminated by this function's contract.
    Ok(unsafe { CStr::from_ptr(p) }.to_bytes())
}

/// Borrows a NUL-terminated string of at most `max` bytes, reading no byte
/// past the NUL nor past `max + 1` bytes, so a short unterminated buffer is
/// refused rather than overrun.
///
/// # Safety
/// `p` is NULL, or readable up to and including its NUL or its first
/// `max + 1` bytes, whichever comes first.
pub(crate) unsafe fn c_string_at_most<'a>(
    p: *const c_char,
    max: usize,
    name: &'static str,
) -> Result<&'a [u8], Failure> {
    if p.is_null() {
        return Err(null(name));
    }
    let p = p.cast::<u8>();
    let mut len = 0;
    // SAFETY: bytes 0..=len are readable: every byte before index `len` was
    // not NUL and len <= max (this function's contract).
    while unsafe { *p.add(len) } != 0 {
        if len == max {
            return Err(Failure::invalid(format!(
                "`{name}` is longer than {max} characters"
            )));
        }
        len += 1;
    }
    // SAFETY: the `len` bytes before the NUL were just read.
    Ok(unsafe { std::slice::from_raw_parts(p, len) })
}

/// A checked output pointer: not NULL, written at most once, last.
pub(crate) struct Out<T>(*mut T);

impl<T> Out<T> {
    pub(crate) fn write(self, value: T) {
        // SAFETY: `out` checked the pointer is not NULL, and its caller
        // vouched that it is valid for writes of a `T` (any alignment).
        unsafe { self.0.write_unaligned(value) }
    }

    /// The same pointer, as the output of a `U`.
    ///
    /// # Safety
    /// The pointer is valid for writes of a `U` (any alignment) for as long
    /// as the returned `Out` lives.
    pub(crate) unsafe fn cast<U>(self) -> Out<U> {
        Out(self.0.cast())
    }
}

/// Checks an output pointer before any work is done.
///
/// # Safety
/// `p` is NULL or valid for writes of a `T` (any alignment) for as long as
/// the returned `Out` lives.
pub(crate) unsafe fn out<T>(p: *mut T, name: &'static str) -> Result<Out<T>, Failure> {
    if p.is_null() {
        Err(null(name))
    } else {
        Ok(Out(p))
    }
}

/// The two-call text output: copies `text` and a NUL into `buf` and sets
/// `*out_len` to `text.len() + 1`; when `buf_len` is smaller than that,
/// writes only `*out_len` and fails with `PERCEPT_STATUS_BUFFER_TOO_SMALL`.
/// `buf` may be NULL when `buf_len` is 0 (asking for the size).
///
/// # Safety
/// `buf` is NULL or valid for writes of `buf_len` bytes; `out_len` is NULL
/// or valid for writes of a `size_t`.
pub(crate) unsafe fn write_text(
    text: &[u8],
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> Result<(), Failure> {
    // SAFETY: forwarded from this function's contract.
    let out_len = unsafe { out(out_len, "out_len") }?;
    if buf.is_null() && buf_len > 0 {
        return Err(null("buf"));
    }
    let needed = text.len() + 1;
    out_len.write(needed);
    if buf_len < needed {
        return Err(Failure::new(
            PERCEPT_STATUS_BUFFER_TOO_SMALL,
            format!("buffer of {buf_len} bytes is too small, {needed} needed"),
        ));
    }
    // SAFETY: buf is not NULL (buf_len >= needed >= 1) and valid for
    // buf_len >= needed bytes; `text` is Rust memory, so they cannot overlap.
    unsafe {
        std::ptr::copy_nonoverlapping(text.as_ptr(), buf.cast::<u8>(), text.len());
        buf.add(text.len()).write(0);
    }
    Ok(())
}
