//! Helpers for the CLI's integration tests: the repository root (where
//! testdata/ is) and a command that starts the `percept` binary.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;

/// The repository root: testdata/, tests/ and the library's Cargo.toml.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("cli/ is inside the repository")
        .to_path_buf()
}

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
