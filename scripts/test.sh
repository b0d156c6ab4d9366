#!/usr/bin/env bash
# The whole test suite: formatting, lints, then every test (unit, reference
# vectors, properties, CLI), then the C ABI's tests (scripts/test-ffi.sh:
# header drift, C tests under sanitizers and valgrind, bindings check,
# Kotlin). Meta's reference vectors the tests use are in testdata/reference;
# with the full set beside the checkout (../shared/reference/pdq, as on CI)
# a few optional checks on its large photos run too.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo fmt --check
cargo clippy --locked --all-targets -- -D warnings
cargo clippy --locked --all-targets --features testing -- -D warnings
cargo test --locked
bash scripts/test-ffi.sh

# The PDQ tests again with Platform::detect() forced to the portable path
# (what ARM phones run) and to SSE2, so the default pipeline is checked on
# those paths too (the run above already compares every platform this CPU
# has with the scalar one explicitly, on random images and on Meta's vectors).
cargo test --locked --features force-portable --test pdq_reference --test pdq_properties
cargo test --locked --features force-sse2 --test pdq_reference --test pdq_properties
