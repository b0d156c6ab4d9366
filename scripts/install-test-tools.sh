#!/usr/bin/env bash
# Installs what the C ABI's tests need beyond the Rust toolchain (Debian or
# Ubuntu; root or sudo): gcc, zlib, valgrind, Kotlin and JNA (apt) and the
# pinned cbindgen (crates.io). With --aarch64, also what the emulated
# aarch64 suite needs (scripts/test-aarch64.sh): qemu-user, the cross
# compiler and C library, zlib for arm64, and the Rust target.
# Installs only what is missing, so a machine that has it all does nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

aarch64=false
[[ "${1:-}" == "--aarch64" ]] && aarch64=true

need_apt=()
command -v gcc >/dev/null || need_apt+=(gcc)
[[ -f /usr/include/zlib.h ]] || need_apt+=(zlib1g-dev)
command -v valgrind >/dev/null || need_apt+=(valgrind)
command -v kotlinc >/dev/null || need_apt+=(kotlin)
[[ -f /usr/share/java/jna.jar ]] || need_apt+=(libjna-java)
command -v python3 >/dev/null || need_apt+=(python3)
if $aarch64; then
  command -v qemu-aarch64 >/dev/null || need_apt+=(qemu-user)
  command -v aarch64-linux-gnu-gcc >/dev/null || need_apt+=(gcc-aarch64-linux-gnu)
  [[ -f /usr/aarch64-linux-gnu/lib/libc.so.6 ]] || need_apt+=(libc6-dev-arm64-cross)
  # zlib for arm64 is a multiarch package.
  [[ -f /usr/lib/aarch64-linux-gnu/libz.so ]] || need_apt+=(zlib1g-dev:arm64)
fi
if ((${#need_apt[@]})); then
  command -v apt-get >/dev/null || {
    echo "error: ${need_apt[*]} missing and no apt-get here: install them with this system's package manager" >&2
    exit 1
  }
  sudo=()
  if [[ "$(id -u)" != 0 ]]; then
    command -v sudo >/dev/null || { echo "error: need root or sudo to install ${need_apt[*]}" >&2; exit 1; }
    sudo=(sudo)
    [[ -n "${CI:-}" ]] && sudo=(sudo -n)
  fi
  echo "installing ${need_apt[*]}"
  if $aarch64 && ! dpkg --print-foreign-architectures | grep -qx arm64; then
    "${sudo[@]}" dpkg --add-architecture arm64
  fi
  "${sudo[@]}" apt-get update -q
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need_apt[@]}"
fi

export PATH="$HOME/.cargo/bin:$PATH"
if $aarch64; then
  rustup target add aarch64-unknown-linux-gnu >/dev/null
fi
CBINDGEN_VERSION=0.29.4 # also in scripts/gen-header.sh
if [[ "$(cbindgen --version 2>/dev/null)" != "cbindgen $CBINDGEN_VERSION" ]]; then
  cargo install cbindgen --version "$CBINDGEN_VERSION" --locked
fi
