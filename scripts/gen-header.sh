#!/usr/bin/env bash
# Regenerates include/percept.h from src/ffi/ with the pinned cbindgen.
# Install it with: cargo install cbindgen --version 0.29.4 --locked
set -euo pipefail
cd "$(dirname "$0")/.."
CBINDGEN_VERSION=0.29.4
out="${1:-include/percept.h}"
if [[ "$(cbindgen --version 2>/dev/null)" != "cbindgen $CBINDGEN_VERSION" ]]; then
  echo "error: cbindgen $CBINDGEN_VERSION is needed (cargo install cbindgen --version $CBINDGEN_VERSION --locked)" >&2
  exit 1
fi
cbindgen --quiet --config cbindgen.toml --output "$out" src/ffi/mod.rs
