#!/usr/bin/env bash
# Builds libpercept.a for every phone target on Linux, without an Android
# NDK or Xcode, and checks each library:
#   aarch64-linux-android armv7-linux-androideabi x86_64-linux-android
#   aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios
#
# Usage: scripts/build-phone-libs.sh [TARGET...]   (default: all six)
# Environment:
#   PHONE_TARGET_DIR  output directory (default: <target dir>/phone); the
#                     checked libraries end up in $PHONE_TARGET_DIR/lib/
#                     <target>/libpercept.a, cargo's own directories are
#                     cargo/ and, for std built from source, cargo-build-std/
#                     (RUSTC_BOOTSTRAP=1 there; sharing one directory would
#                     rebuild the host's proc-macros whenever it flips)
#   PHONE_FEATURES    extra crate features, e.g. "testing" (then the
#                     exports include the PERCEPT_TESTING functions)
#
# How it gets around the missing toolchains (see docs/mobile.md):
# - Only the static library is built: `cargo rustc -p percept --lib
#   --features ffi --crate-type staticlib` builds the library with its C ABI
#   as a static library alone, so neither a cdylib nor the CLI is linked
#   and no target linker is needed.
# - `--features blake3/pure`: blake3's build script would compile its NEON
#   C code (aarch64) with the target's C compiler, which only the NDK or
#   Xcode has. `pure` is the portable Rust implementation on aarch64 (about
#   3.4x the instructions per byte of the NEON C code, measured under
#   qemu-aarch64) and SSE2/SSE4.1/AVX2 Rust intrinsics on x86_64 (no
#   AVX-512). Builds made with the NDK or Xcode (docs/mobile.md) leave it
#   out and get the NEON code.
# - A target whose prebuilt std rustup cannot install (on this machine
#   aarch64-apple-ios-sim and x86_64-apple-ios: the dist server answers
#   404) gets std built from source: -Zbuild-std with the rust-src
#   component, on the same stable compiler (RUSTC_BOOTSTRAP=1).
# - SDKROOT points at an empty directory for the Apple targets (see below).
#
# Profile: release (Cargo.toml's: opt-level 3, line tables only), i.e. the
# libraries an app would ship, not a check build.
#
# Checks per library: every archive member is an object of the target's
# format and architecture (ELF format, i.e. class, and machine for Android;
# Mach-O CPU type and platform, ios vs iossimulator, for iOS), read
# with llvm-readobj from rustup's llvm-tools; and the exported percept_*
# functions (llvm-nm --defined-only --extern-only) are exactly those that
# include/percept.h declares (after the C preprocessor, so without
# PERCEPT_TESTING unless PHONE_FEATURES has `testing`).
# Exits non-zero on the first failure, with a message; prints a summary.
set -euo pipefail
cd "$(dirname "$0")/.."

all_targets=(aarch64-linux-android armv7-linux-androideabi x86_64-linux-android
             aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios)
if (($# > 0)); then targets=("$@"); else targets=("${all_targets[@]}"); fi

die() { echo "error: $*" >&2; exit 1; }
step() { echo "== $* ($(date +%T))"; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", b - a }'; }

# Expected architecture per target: ELF "Format|Machine" or Mach-O
# "Format|CpuType|platforms", as llvm-readobj prints them. The platform is
# LC_BUILD_VERSION's, or LC_VERSION_MIN_IPHONEOS when rustc's deployment
# target is below iOS 12 (10.0 for the device and the x86_64 simulator):
# that command means the device for arm64 and the simulator for x86_64
# (there is no x86_64 iOS device); an arm64 simulator object must say
# iossimulator.
expected_arch() {
  case "$1" in
    aarch64-linux-android) echo "elf64-littleaarch64|EM_AARCH64 (0xB7)" ;;
    armv7-linux-androideabi) echo "elf32-littlearm|EM_ARM (0x28)" ;;
    x86_64-linux-android) echo "elf64-x86-64|EM_X86_64 (0x3E)" ;;
    aarch64-apple-ios) echo "Mach-O arm64|Arm64 (0x100000C)|ios LC_VERSION_MIN_IPHONEOS" ;;
    aarch64-apple-ios-sim) echo "Mach-O arm64|Arm64 (0x100000C)|iossimulator" ;;
    x86_64-apple-ios) echo "Mach-O 64-bit x86-64|X86-64 (0x1000007)|iossimulator LC_VERSION_MIN_IPHONEOS" ;;
    *) return 1 ;;
  esac
}
for t in "${targets[@]}"; do
  expected_arch "$t" >/dev/null || die "unknown target $t (known: ${all_targets[*]})"
done

start_all="$(now)"
command -v rustup >/dev/null || die "rustup is needed (targets, rust-src, llvm-tools)"
command -v python3 >/dev/null || die "python3 is needed (reads cargo metadata)"
if command -v cpp >/dev/null; then cpp=(cpp); elif command -v gcc >/dev/null; then cpp=(gcc -E -x c)
else die "a C preprocessor (cpp or gcc) is needed to read include/percept.h"; fi

metadata="$(cargo metadata --locked --format-version 1 --no-deps)"
target_dir="$(python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])' <<<"$metadata")"
out="${PHONE_TARGET_DIR:-$target_dir/phone}"
mkdir -p "$out/logs"

step "installing what is missing"
installed="$(rustup target list --installed)"
declare -A std_from_source=()
for t in "${targets[@]}"; do
  if grep -qx "$t" <<<"$installed"; then continue; fi
  if ! rustup target add "$t" >"$out/logs/rustup-$t.log" 2>&1; then
    echo "note: rustup has no prebuilt std for $t ($(grep -m1 -E 'error|returned' "$out/logs/rustup-$t.log" | sed 's/^ *//')); building std from source"
    std_from_source[$t]=1
  fi
done
components=(llvm-tools)
if ((${#std_from_source[@]} > 0)); then components+=(rust-src); fi
rustup component add "${components[@]}" || die "rustup component add ${components[*]} failed"
host="$(rustc -vV | sed -n 's/^host: //p')"
llvm="$(rustc --print sysroot)/lib/rustlib/$host/bin"
for tool in llvm-readobj llvm-nm; do
  [[ -x "$llvm/$tool" ]] || die "$llvm/$tool is missing after installing llvm-tools"
done

# The exports the header declares (22 without PERCEPT_TESTING).
features="ffi,blake3/pure"
cppflags=()
if [[ -n "${PHONE_FEATURES:-}" ]]; then
  features+=",${PHONE_FEATURES}"
  [[ ",${PHONE_FEATURES// /,}," == *,testing,* ]] && cppflags+=(-DPERCEPT_TESTING)
fi
expected_exports="$("${cpp[@]}" -P "${cppflags[@]}" include/percept.h \
  | grep -oE '\bpercept_[a-z0-9_]+[[:space:]]*\(' | tr -d ' \t(' | sort -u)"
n_expected="$(wc -l <<<"$expected_exports")"
((n_expected > 0)) || die "found no percept_ functions in include/percept.h"

# Checks that every member of the library ($lib, $headers, $members) has
# field $1 = $2 (as llvm-readobj prints it), and nothing else.
check_field() {
  local got
  got="$(sed -n "s/^ *$1: //p" <<<"$headers" | sort | uniq -c | sed 's/^ *//')"
  [[ "$got" == "$members $2" ]] \
    || die "$t: $1 should be '$2' in all $members members of $lib, found: $(tr '\n' ';' <<<"$got")"
}

rows=()
for t in "${targets[@]}"; do
  log="$out/logs/$t.log"
  args=(rustc --locked --release -p percept --lib --crate-type staticlib --target "$t"
        --features "$features")
  std="prebuilt"
  envs=()
  cargo_dir="$out/cargo"
  if [[ "$t" == *-apple-* ]]; then
    # blake3's build script probes the C compiler on x86_64 even with
    # `pure`, and cc-rs then runs `xcrun` for the SDK path, which aborts the
    # build on Linux unless SDKROOT names an existing directory. An empty
    # one does: nothing is compiled with it (the probe just finds no
    # compiler, or an unused one).
    mkdir -p "$out/no-apple-sdk"
    envs+=(SDKROOT="$out/no-apple-sdk")
  fi
  if [[ -n "${std_from_source[$t]:-}" ]]; then
    args+=(-Zbuild-std=std,panic_abort)
    envs+=(RUSTC_BOOTSTRAP=1)
    cargo_dir="$out/cargo-build-std"
    std="from source"
  fi
  envs+=(CARGO_TARGET_DIR="$cargo_dir")
  step "building $t (std: $std)"
  t0="$(now)"
  if ! env "${envs[@]}" cargo "${args[@]}" -- --print native-static-libs >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    die "the build for $t failed (full log: $log)"
  fi
  build_s="$(secs "$t0" "$(now)")"
  lib="$cargo_dir/$t/release/libpercept.a"
  [[ -f "$lib" ]] || die "$t: $lib was not produced"
  for other in libpercept.so libpercept.dylib; do
    [[ ! -e "$cargo_dir/$t/release/$other" ]] \
      || die "$t: $other exists: something linked a shared library (expected only the .a)"
  done
  native="$(sed -n 's/^note: native-static-libs: //p' "$log" | tail -n 1)"

  # (1) Architecture of every member.
  headers="$("$llvm/llvm-readobj" --file-headers --macho-version-min "$lib" 2>&1)" \
    || die "$t: llvm-readobj cannot read $lib"
  members="$(grep -c '^File: ' <<<"$headers" || true)"
  IFS='|' read -r want_format want_machine want_platform <<<"$(expected_arch "$t")"
  check_field Format "$want_format"
  if [[ -z "$want_platform" ]]; then
    check_field Machine "$want_machine"
    arch="$want_format"
  else
    check_field CpuType "$want_machine"
    # One platform per member: LC_BUILD_VERSION's, else the version-min
    # command, else "none".
    platforms="$(awk '/^File: / { if (n++) print p; p = "none" }
                      /^ *Cmd: LC_VERSION_MIN_/ { p = $2 }
                      /^ *Platform: / { p = $2 }
                      END { if (n) print p }' <<<"$headers" | sort | uniq -c | sed 's/^ *//')"
    platform="${platforms#* }"
    [[ "$platforms" == "$members $platform" && " $want_platform " == *" $platform "* ]] \
      || die "$t: the platform should be one of '$want_platform' in all $members members of $lib, found: $(tr '\n' ';' <<<"$platforms")"
    case "$platform" in
      LC_VERSION_MIN_IPHONEOS) [[ "$t" == x86_64-* ]] && platform="iossimulator" \
                                                       || platform="ios" ;;
    esac
    arch="$want_format $platform"
  fi

  # (2) Exactly the header's percept_ functions: every defined external
  # symbol named percept_* (Mach-O names carry a leading "_").
  exports="$("$llvm/llvm-nm" --defined-only --extern-only "$lib" 2>/dev/null \
    | awk 'NF == 3 { print $3 }' | sed 's/^_//' | { grep -E '^percept_' || true; } | sort)"
  dups="$(uniq -d <<<"$exports")"
  [[ -z "$dups" ]] || die "$t: percept_ functions defined twice: $dups"
  missing="$(comm -23 <(echo "$expected_exports") <(echo "$exports"))"
  extra="$(comm -13 <(echo "$expected_exports") <(echo "$exports"))"
  [[ -z "$missing" ]] || die "$t: $lib lacks header functions: $(tr '\n' ' ' <<<"$missing")"
  [[ -z "$extra" ]] || die "$t: $lib exports percept_ functions the header lacks: $(tr '\n' ' ' <<<"$extra")"

  mkdir -p "$out/lib/$t"
  cp "$lib" "$out/lib/$t/libpercept.a"
  size_mb="$(awk -v b="$(stat -c %s "$lib")" 'BEGIN { printf "%.1f", b / 1048576 }')"
  echo "$t: ok: $arch, $members objects, $n_expected/$n_expected exports, ${size_mb} MB, ${build_s} s"
  echo "   link with: $native"
  rows+=("$t|$arch|$std|$n_expected/$n_expected ok|$size_mb MB|$build_s")
done

total_s="$(secs "$start_all" "$(now)")"
echo
printf '%-25s %-38s %-12s %-10s %-9s %s\n' target "arch found" std exports size "build s"
for r in "${rows[@]}"; do
  IFS='|' read -r a b c d e f <<<"$r"
  printf '%-25s %-38s %-12s %-10s %-9s %s\n' "$a" "$b" "$c" "$d" "$e" "$f"
done
echo "libraries: $out/lib/<target>/libpercept.a; total ${total_s} s"
