//! Helpers for the CLI's integration tests: the library's test helpers
//! (the repository root, the reference data) and a command that starts the
//! `percept` binary.
#![allow(dead_code)]

use std::process::Command;

#[path = "../../../tests/common/mod.rs"]
mod library;
#[allow(unused_imports)] // not every test file uses every helper
pub use library::*;

/// A command that starts the `percept` binary built with these tests.
///
/// Cross-built tests run under an emulator (Cargo's `runner`, e.g.
/// `qemu-aarch64`), and a machine without a binfmt_misc entry for the
/// target cannot start the target's binaries by themselves: there
/// `PERCEPT_TEST_RUNNER` names the emulator command (words split on
/// whitespace) to start the binary through, as `scripts/test-aarch64.sh`
/// sets it.
pub fn percept_command() -> Command {
    let binary = env!("CARGO_BIN_EXE_percept");
    let runner = std::env::var("PERCEPT_TEST_RUNNER").unwrap_or_default();
    let mut words = runner.split_whitespace();
    match words.next() {
        None => Command::new(binary),
        Some(program) => {
            let mut command = Command::new(program);
            command.args(words).arg(binary);
            command
        }
    }
}
