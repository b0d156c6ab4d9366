//! Test-only exports (`--features testing`): they let the C, Kotlin and
//! Swift tests prove that a panic becomes `PERCEPT_STATUS_PANIC` instead of
//! aborting the host. Never in a release build.

use super::status::percept_status;

/// Panics on purpose inside the boundary: returns `PERCEPT_STATUS_PANIC`
/// and sets the last error. Only in builds with the `testing` feature.
#[no_mangle]
#[allow(clippy::panic)] // the deliberate panic this export exists for
pub extern "C" fn percept_testing_panic() -> percept_status {
    boundary!({
        if std::hint::black_box(true) {
            panic!("percept_testing_panic: deliberate panic");
        }
        Ok(())
    })
}
