#!/usr/bin/env bash
# The test suite: formatting, lints, the library alone (what a dependent
# crate builds), rustdoc without warnings, every Rust test of the workspace
# (unit, Meta's reference vectors in testdata/reference, properties, CLI),
# the PDQ tests again on the portable and SSE2 filter paths, then the C
# ABI's tests (scripts/test-ffi.sh: header drift, C tests under sanitizers
# and valgrind, bindings check, Kotlin). With Meta's full reference set
# beside the checkout (../shared/reference/pdq, as on CI) a few optional
# checks on its large photos run too; without it they print SKIPPED lines.
#
# The Rust part needs only the Rust toolchain. The C ABI's tests need gcc,
# zlib, valgrind, Kotlin, JNA and cbindgen 0.29.4
# (`bash scripts/install-test-tools.sh` installs them); without them this
# script says so, skips them and exits 0, except on CI (CI set), where they
# are required.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { echo "== $* ($(date +%T))"; }

step "format and lints"
cargo fmt --all --check
cargo clippy --locked --workspace --all-targets -- -D warnings
cargo clippy --locked -p percept --all-targets --features testing -- -D warnings
# The library as a dependent builds it: no C ABI, no serde, no CLI.
cargo clippy --locked -p percept --lib -- -D warnings

step "rustdoc"
RUSTDOCFLAGS="-D warnings" cargo doc --locked --no-deps --workspace --features percept/serde

step "tests"
cargo test --locked --workspace

# The PDQ tests again with Platform::detect() forced to the portable path
# (what ARM phones run) and to SSE2, so the default pipeline is checked on
# those paths too (the run above already compares every platform this CPU
# has with the scalar one explicitly, on random images and on Meta's vectors).
step "PDQ on the portable and SSE2 paths"
cargo test --locked -p percept --features force-portable --test pdq_reference --test pdq_properties
cargo test --locked -p percept --features force-sse2 --test pdq_reference --test pdq_properties

missing=()
for tool in gcc valgrind kotlinc cbindgen python3; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
[[ -f /usr/share/java/jna.jar ]] || missing+=(jna)
if ((${#missing[@]})); then
  msg="the C ABI tests need ${missing[*]}: bash scripts/install-test-tools.sh installs them"
  if [[ -n "${CI:-}" ]]; then
    echo "error: $msg" >&2
    exit 1
  fi
  echo
  echo "SKIPPED: C ABI tests (scripts/test-ffi.sh): $msg" >&2
  echo "The Rust tests above passed." >&2
  exit 0
fi
step "C ABI tests"
bash scripts/test-ffi.sh
