#!/usr/bin/env bash
# The whole test suite: formatting, lints, then every test (unit, reference
# vectors, properties, CLI). Needs ../shared/reference beside the checkout.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ ! -d ../shared/reference/pdq/generated ]]; then
  echo "error: ../shared/reference/pdq is missing (the reference vectors live beside the checkout)" >&2
  exit 1
fi

cargo fmt --check
cargo clippy --locked --all-targets -- -D warnings
cargo test --locked
