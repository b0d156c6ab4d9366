#!/usr/bin/env bash
# The whole test suite: formatting, lints, then every test (unit, reference
# vectors, properties, CLI), then the C ABI's tests (scripts/test-ffi.sh:
# header drift, C tests under sanitizers and valgrind, bindings check,
# Kotlin). Needs ../shared/reference beside the checkout.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ ! -d ../shared/reference/pdq/generated ]]; then
  echo "error: ../shared/reference/pdq is missing (the reference vectors live beside the checkout)" >&2
  exit 1
fi

cargo fmt --check
cargo clippy --locked --all-targets -- -D warnings
cargo clippy --locked --all-targets --features testing -- -D warnings
cargo test --locked
bash scripts/test-ffi.sh
