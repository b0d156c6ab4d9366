#!/usr/bin/env bash
# The suite on aarch64 (what phones run), under emulation on an x86-64
# machine: clippy for the target, every Rust test (run by qemu-aarch64, the
# runner .cargo/config.toml names; the tests that start the CLI start it
# through PERCEPT_TEST_RUNNER), the filter tests again on the portable and
# scalar paths, the C tests against the aarch64 static and shared
# libraries, and the CLI's output compared byte for byte with the host's.
#
# Needs (Debian): qemu-user, gcc-aarch64-linux-gnu, libc6-dev-arm64-cross,
# zlib1g-dev:arm64 (dpkg --add-architecture arm64), and
# `rustup target add aarch64-unknown-linux-gnu`; .ci/run installs them.
set -euo pipefail
cd "$(dirname "$0")/.."

target=aarch64-unknown-linux-gnu
export PERCEPT_TEST_RUNNER="qemu-aarch64 -L /usr/aarch64-linux-gnu -E LD_LIBRARY_PATH=/usr/aarch64-linux-gnu/lib"
step() { echo "== aarch64: $* ($(date +%T))"; }

step "clippy"
cargo clippy --locked --target "$target" --all-targets -- -D warnings
cargo clippy --locked -p percept --target "$target" --all-targets --features testing -- -D warnings

step "cargo test (NEON, the default on aarch64)"
cargo test --locked --target "$target"

step "filter tests on the portable and scalar paths"
cargo test --locked -p percept --target "$target" --features force-portable --test pdq_reference --test pdq_properties
cargo test --locked -p percept --target "$target" --features force-scalar --test pdq_reference

step "C tests"
bash scripts/test-ffi.sh --target "$target"

step "CLI output against the host's"
bash scripts/check-cli-parity.sh
step "done"
