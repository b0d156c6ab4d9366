#!/usr/bin/env bash
# Runs every fuzz target for a bounded time (default 30 s each; CI uses
# that). Longer local runs: bash scripts/fuzz.sh 600
# Needs cargo-fuzz (cargo install cargo-fuzz --locked); it runs on stable
# Rust through RUSTC_BOOTSTRAP=1. New corpus entries go to a scratch
# directory, never into the checked-in seeds (fuzz/seeds, from
# fuzz/make_seeds.py). A crash leaves its input in fuzz/artifacts/TARGET/
# and fails the script: turn it into a regression test.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds="${1:-30}"
targets="${FUZZ_TARGETS:-decode_hash decode_budget pixel_view list_file hex importers ffi}"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
export RUSTC_BOOTSTRAP=1
# One known, explained suppression (fuzz/lsan.supp); every other leak fails.
export LSAN_OPTIONS="suppressions=$PWD/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
cargo fuzz build >/dev/null 2>&1 || cargo fuzz build
for t in $targets; do
  mkdir -p "$scratch/$t"
  echo "== fuzz $t for ${seconds}s"
  # -rss_limit_mb: a run above 2 GiB is a finding (the decode target caps
  # images at 4 Mi pixels / 64 MiB); -timeout: a single input over 10 s is too.
  # The decode targets also start from the generated hostile corpus.
  extra=()
  if [ "$t" = decode_hash ]; then extra=(seeds/decode_budget); fi
  if ! cargo fuzz run "$t" "$scratch/$t" "seeds/$t" "${extra[@]}" -- \
    -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
    >"$scratch/$t.log" 2>&1; then
    tail -n 60 "$scratch/$t.log" >&2
    echo "fuzz target $t found a failing input (see fuzz/artifacts/$t)" >&2
    exit 1
  fi
  grep -E "^#[0-9]+.*DONE|stat::number_of_executed_units|stat::peak_rss_mb" "$scratch/$t.log" || true
  echo "corpus: $(ls "$scratch/$t" | wc -l) new inputs"
done
