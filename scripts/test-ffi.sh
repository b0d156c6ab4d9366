#!/usr/bin/env bash
# The C ABI's tests (called by scripts/test.sh; needs cbindgen, gcc, zlib,
# valgrind, kotlinc and JNA, which .ci/run installs):
#   1. include/percept.h equals what the pinned cbindgen generates now;
#   2. the C tests (tests/c) against the static and the shared library,
#      under AddressSanitizer (with LeakSanitizer) and UBSan;
#   3. the same tests under valgrind, with zero leaks;
#   4. the bindings check (Swift calls and arities, Kotlin declarations,
#      status codes handled by both, every code produced by the C tests);
#   5. the Kotlin tests, through JNA, on the shared library just built.
#
# With --target aarch64-unknown-linux-gnu (scripts/test-aarch64.sh): the
# C tests against the aarch64 static and shared libraries, built with
# Debian's cross compiler and run under qemu-aarch64 (no sanitizers or
# valgrind there: neither runs under qemu-user; steps 1, 4 and 5 do not
# depend on the architecture and run on the host).
set -euo pipefail
cd "$(dirname "$0")/.."

target=""
if [[ "${1:-}" == "--target" ]]; then
  target="$2"
  [[ "$target" == aarch64-unknown-linux-gnu ]] || {
    echo "error: only --target aarch64-unknown-linux-gnu is supported" >&2
    exit 2
  }
fi

reference=testdata/reference
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
step() { echo "== $* ($(date +%T))"; }

metadata="$(cargo metadata --format-version 1 --no-deps)"
target_dir="$(python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])' <<<"$metadata")"
version="$(python3 -c 'import json,sys; print(next(p["version"] for p in json.load(sys.stdin)["packages"] if p["name"] == "percept"))' <<<"$metadata")"

# A list of 150,000 seeded random hashes for the thread test, built by
# the host's CLI (the list format does not depend on the architecture).
step "building a large list"
cargo build --locked --bin percept
python3 - "$tmp/large.txt" <<'PY'
import random, sys
rng = random.Random(20261205)
with open(sys.argv[1], "w") as f:
    for _ in range(150_000):
        f.write("%064x\n" % rng.getrandbits(256))
PY
"$target_dir/debug/percept" list build "$tmp/large.txt" -o "$tmp/large.pcl" >/dev/null

cflags=(-std=c11 -Wall -Wextra -Werror -g -DPERCEPT_TESTING -Iinclude)
sources=(tests/c/*.c)
args=(testdata "$reference" "$version" "$tmp/large.pcl")
# The panic test prints Rust's panic message on stderr; no backtrace needed.
export RUST_BACKTRACE=0

if [[ -n "$target" ]]; then
  step "building the $target library with --features testing"
  cargo rustc --locked -p percept --lib --features testing --target "$target" \
    --crate-type staticlib,cdylib
  lib="$target_dir/$target/debug"
  cc=aarch64-linux-gnu-gcc
  sysroot=/usr/aarch64-linux-gnu
  run=(qemu-aarch64 -L "$sysroot" -E LD_LIBRARY_PATH="$sysroot/lib")
  step "C tests, $target static library, under qemu"
  "$cc" "${cflags[@]}" "${sources[@]}" "$lib/libpercept.a" -lpthread -ldl -lm -lz \
    -o "$tmp/c_static"
  "${run[@]}" "$tmp/c_static" "${args[@]}"
  step "C tests, $target shared library, under qemu"
  "$cc" "${cflags[@]}" "${sources[@]}" -L"$lib" -lpercept -Wl,-rpath,"$lib" -lz \
    -o "$tmp/c_shared"
  "${run[@]}" "$tmp/c_shared" "${args[@]}"
  step "C ABI tests on $target done"
  exit 0
fi

step "header drift check"
bash scripts/gen-header.sh "$tmp/percept.h"
if ! diff -u include/percept.h "$tmp/percept.h"; then
  echo "error: include/percept.h differs from src/ffi/: run scripts/gen-header.sh and commit it" >&2
  exit 1
fi

step "building the library with --features testing"
cargo rustc --locked -p percept --lib --features testing --crate-type staticlib,cdylib
lib="$target_dir/debug"

sanitize=(-fsanitize=address,undefined -fno-sanitize-recover=all)

step "C tests, static library, ASan + UBSan"
gcc "${cflags[@]}" "${sanitize[@]}" "${sources[@]}" "$lib/libpercept.a" -lpthread -ldl -lm -lz \
  -o "$tmp/c_static"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 "$tmp/c_static" "${args[@]}" | tee "$tmp/c_static.out"

step "C tests, shared library, ASan + UBSan"
gcc "${cflags[@]}" "${sanitize[@]}" "${sources[@]}" -L"$lib" -lpercept -Wl,-rpath,"$lib" -lz \
  -o "$tmp/c_shared"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 "$tmp/c_shared" "${args[@]}" | tee "$tmp/c_shared.out"

step "C tests, shared library, valgrind"
gcc "${cflags[@]}" "${sources[@]}" -L"$lib" -lpercept -Wl,-rpath,"$lib" -lz -o "$tmp/c_plain"
valgrind --quiet --leak-check=full --show-leak-kinds=definite,indirect,possible \
  --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=1 \
  "$tmp/c_plain" "${args[@]}"

step "bindings check"
python3 scripts/check-bindings.py --c-test-output "$tmp/c_static.out"

step "Kotlin tests (JNA)"
jars=/usr/share/java
kotlinc -nowarn -cp "$jars/jna.jar:$jars/kotlin-stdlib-jdk7.jar" \
  bindings/kotlin/src/main/kotlin/percept/*.kt bindings/kotlin/src/test/kotlin/percept/*.kt \
  -d "$tmp/percept-kotlin-tests.jar" 2> >(grep -v '^OpenJDK 64-Bit Server VM warning' >&2)
java -Djna.library.path="$lib" \
  -cp "$tmp/percept-kotlin-tests.jar:$jars/jna.jar:$jars/kotlin-stdlib.jar:$jars/kotlin-stdlib-jdk7.jar" \
  percept.PerceptTestKt testdata "$reference"
step "C ABI tests done"
