#!/usr/bin/env bash
# The CLI on aarch64 (NEON, under qemu-aarch64) prints exactly what it
# prints on this x86-64 host: `hash --dihedral`, `hash --profile cli512`
# and `scan` over testdata/ and Meta's reference images, compared byte for
# byte. Called by scripts/test-aarch64.sh after the aarch64 tests, whose
# build it reuses (`cargo build --target aarch64-unknown-linux-gnu`).
#
# Usage: scripts/check-cli-parity.sh [IMAGE_DIR...]   (default: testdata
# and ../shared/reference/pdq/data when present)
set -euo pipefail
cd "$(dirname "$0")/.."

target=aarch64-unknown-linux-gnu
cargo build --locked --bin percept
cargo build --locked --bin percept --target "$target"
target_dir="$(cargo metadata --format-version 1 --no-deps |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
host=("$target_dir/debug/percept")
arm=(qemu-aarch64 -L /usr/aarch64-linux-gnu -E LD_LIBRARY_PATH=/usr/aarch64-linux-gnu/lib "$target_dir/$target/debug/percept")

dirs=("$@")
if ((${#dirs[@]} == 0)); then
  dirs=(testdata)
  [[ -d ../shared/reference/pdq/data ]] && dirs+=(../shared/reference/pdq/data)
fi
# Every file under the folders, in a fixed order (the CLI reports the
# ones that are not images as errors, on both sides alike).
mapfile -t files < <(find "${dirs[@]}" -type f \( -iname '*.png' -o -iname '*.jpg' \
  -o -iname '*.jpeg' -o -iname '*.gif' -o -iname '*.webp' -o -iname '*.bmp' -o -iname '*.tif' \
  -o -iname '*.tiff' \) | LC_ALL=C sort)
echo "comparing the CLI on ${#files[@]} images: x86-64 ($(uname -m)) against $target under qemu"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
failed=0
compare() {
  local name="$1"
  shift
  local hs=0 as=0
  "${host[@]}" "$@" >"$tmp/$name.host" 2>"$tmp/$name.host.err" || hs=$?
  "${arm[@]}" "$@" >"$tmp/$name.arm" 2>"$tmp/$name.arm.err" || as=$?
  if [[ $hs != "$as" ]] || ! cmp -s "$tmp/$name.host" "$tmp/$name.arm" ||
    ! cmp -s "$tmp/$name.host.err" "$tmp/$name.arm.err"; then
    echo "DIFFERS: percept $* (exit $hs on the host, $as on $target)"
    diff "$tmp/$name.host" "$tmp/$name.arm" | head -20 || true
    diff "$tmp/$name.host.err" "$tmp/$name.arm.err" | head -20 || true
    failed=1
  else
    echo "same: $name ($(wc -l <"$tmp/$name.host") lines, exit $hs)"
  fi
}
compare dihedral hash --dihedral "${files[@]}"
compare dihedral-json hash --dihedral --format json "${files[@]}"
compare cli512 hash --profile cli512 "${files[@]}"
compare scan scan --list testdata/sample-list.pcl --format json "${files[@]}"
compare scan-text scan --list testdata/sample-list.pcl "${files[@]}"
if ((failed)); then
  echo "error: the aarch64 CLI's output differs from the host's" >&2
  exit 1
fi
echo "the aarch64 CLI's output equals the host's, byte for byte"
