//! The thread-local message of the last failed call.

use std::cell::RefCell;
use std::ffi::c_char;

use super::boundary::write_text;
use super::status::percept_status;

/// Size of a buffer that always holds the last error message and its NUL
/// (messages are cut to `PERCEPT_ERROR_MESSAGE_MAX - 1` bytes).
pub const PERCEPT_ERROR_MESSAGE_MAX: usize = 256;

thread_local! {
    static LAST_ERROR: RefCell<String> = const { RefCell::new(String::new()) };
}

pub(crate) fn set(message: &str) {
    let mut end = message.len().min(PERCEPT_ERROR_MESSAGE_MAX - 1);
    while !message.is_char_boundary(end) {
        end -= 1;
    }
    LAST_ERROR.with(|m| {
        let mut m = m.borrow_mut();
        m.clear();
        m.push_str(&message[..end]);
    });
}

pub(crate) fn clear() {
    LAST_ERROR.with(|m| m.borrow_mut().clear());
}

/// Copies the message of the last call on this thread that returned a
/// status: English text describing the failure, or "" (just the NUL) after
/// a success. The message never contains pixels, hashes, list contents or
/// paths, so it is safe to log. This function itself never changes it.
///
/// Two-call pattern: `buf` receives up to `buf_len` bytes. On
/// `PERCEPT_STATUS_OK`, `buf` holds the UTF-8 message and its NUL, and
/// `*out_len` the bytes written including the NUL. When `buf_len` is too
/// small, returns `PERCEPT_STATUS_BUFFER_TOO_SMALL`, writes only `*out_len`
/// (the size needed, including the NUL) and leaves `buf` untouched: call
/// again with a buffer that large. `buf` may be NULL when `buf_len` is 0.
/// A buffer of `PERCEPT_ERROR_MESSAGE_MAX` (256) bytes always suffices.
///
/// `buf`: NULL (only with `buf_len` 0) or `buf_len` writable bytes.
/// `out_len`: must not be NULL.
#[no_mangle]
pub unsafe extern "C" fn percept_last_error_message(
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> percept_status {
    boundary!(preserve_last_error {
        let message = LAST_ERROR.with(|m| m.borrow().clone());
        // SAFETY: the pointer contract is this function's, stated above.
        unsafe { write_text(message.as_bytes(), buf, buf_len, out_len) }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_messages_are_cut_on_a_char_boundary() {
        set(&"é".repeat(300));
        let m = LAST_ERROR.with(|m| m.borrow().clone());
        assert_eq!(m.len(), 254);
        set(&"a".repeat(300));
        assert_eq!(LAST_ERROR.with(|m| m.borrow().len()), 255);
        clear();
    }
}
