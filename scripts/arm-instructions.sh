#!/usr/bin/env bash
# Executed instructions per PDQ hash on aarch64 (under qemu-user emulation,
# where wall time means nothing but the instruction count is deterministic)
# next to x86-64 (instructions under valgrind's callgrind, plus native wall
# time). Prints a Markdown table.
#
# Usage: scripts/arm-instructions.sh [options]
#   -s SIZES    comma list of WxH (default 512x512,1600x1004,4032x3024)
#   -a PLATS    aarch64 platforms (default scalar,portable,neon; one the
#               build does not know shows as "-")
#   -x PLATS    x86-64 platforms (default scalar,portable,sse2,avx2); "" = none
#   -r REPS     REPS for the native x86-64 wall times (default 15)
#   -j JOBS     counting runs at once (default 2; counts do not depend on it,
#               wall times are always taken alone afterwards)
#   -c CPU      qemu -cpu model (default cortex-a76, a phone-class core;
#               pinned so counts do not move with qemu's "max"; the model
#               only changes which memcpy/memset glibc picks: 0.05-0.5%)
#   -m MODE     plugin counting mode: tb (default) or inline (see
#               scripts/qemu-insn-count.c)
#   -B          skip the cargo builds (use the binaries already in target/)
# Example: scripts/arm-instructions.sh -s 512x512 -a scalar,portable -x ''
#
# Needs (Debian): qemu-user, gcc-aarch64-linux-gnu, libc6-dev-arm64-cross,
# valgrind, python3, a C compiler (gcc), and
# `rustup target add aarch64-unknown-linux-gnu`.
#
# How instructions are counted
# - aarch64: qemu-aarch64 with our own TCG plugin (scripts/qemu-insn-count.c,
#   built into target/insn-count/): it counts every guest instruction that
#   runs, in the program, ld.so and libc alike, and writes the total at exit.
# - x86-64: valgrind --tool=callgrind's "Collected" total (Ir). `perf stat -e
#   instructions` would be the natural tool, but this VM exposes no hardware
#   counters (perf reports <not supported>).
#
# How one hash is isolated from start-up and image loading
# examples/time_hash.rs with REPS=R and ONLY=platform hashes 2 + R*b times:
# one hash on a fresh thread (peak memory), one to calibrate the batch size
# b = ceil(2 ms / its wall time) clamped to 1..1000, then R samples of b
# hashes each. With ONLY naming no pipeline (`_none_`) it reads the file and
# makes the float luma like every run, but hashes nothing. So per size we
# count three runs:
#   T0 = ONLY=_none_,  T1 = REPS 1,  T2 = REPS 2
#   D1 = T1 - T0 = (2 + b) hashes + one thread spawn and first-call
#                  allocations (small)
#   D2 = T2 - T1 = b warm hashes (+ one sample's timing calls: ~100 insns)
# b is recovered as round(2*D2 / (D1 - D2)) (exactly 1 here: under qemu or
# callgrind a hash takes well over 2 ms even at 512x512) and the reported
# count is D2 / b, a warm (scratch already allocated) hash. The fraction
# 2*D2/(D1-D2) is printed in the raw data; a value far from an integer
# would mean the batch size differed between the runs. Repeated runs agree
# to within a few dozen instructions (time values formatted into the JSON
# differ in length), i.e. to about 1e-5 of a hash.
#
# qemu and the target libraries: the guest's ld.so comes from
# /usr/aarch64-linux-gnu (-L), but on a machine that also has the multiarch
# libc6:arm64 (installed with zlib1g-dev:arm64) that ld.so finds the other
# libc through the host's /etc/ld.so.cache; the two glibc builds differ, and
# the guest then hangs in its first pthread_create. LD_LIBRARY_PATH for the
# guest (qemu's -E) keeps ld.so and libc from the same package.
set -euo pipefail
cd "$(dirname "$0")/.."

sizes=512x512,1600x1004,4032x3024
arm_plats=scalar,portable,neon
x86_plats=scalar,portable,sse2,avx2
wall_reps=15
jobs=2
mode=tb
cpu_model=cortex-a76
build=1
while getopts "s:a:x:r:j:c:m:Bh" opt; do
  case $opt in
    s) sizes=$OPTARG ;;
    a) arm_plats=$OPTARG ;;
    x) x86_plats=$OPTARG ;;
    r) wall_reps=$OPTARG ;;
    j) jobs=$OPTARG ;;
    c) cpu_model=$OPTARG ;;
    m) mode=$OPTARG ;;
    B) build=0 ;;
    *) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
  esac
done
IFS=, read -r -a sizes <<<"$sizes"
IFS=, read -r -a arm_plats <<<"$arm_plats"
IFS=, read -r -a x86_plats <<<"$x86_plats"

start=$SECONDS
log() { echo "[$((SECONDS - start))s] $*" >&2; }
work=target/insn-count
mkdir -p "$work/img" "$work/runs"
sysroot=/usr/aarch64-linux-gnu
arm_bin=target/aarch64-unknown-linux-gnu/release/examples/time_hash
x86_bin=target/release/examples/time_hash
plugin=$work/libinsncount.so

for tool in qemu-aarch64 aarch64-linux-gnu-gcc gcc python3; do
  command -v "$tool" >/dev/null || { echo "error: $tool not found" >&2; exit 1; }
done
if ((${#x86_plats[@]})) && ! command -v valgrind >/dev/null; then
  echo "error: valgrind not found (or pass -x '')" >&2
  exit 1
fi

# --- Build -------------------------------------------------------------------
if [[ ! -f $plugin || scripts/qemu-insn-count.c -nt $plugin ]]; then
  log "building the qemu plugin"
  gcc -O2 -Wall -shared -fPIC -o "$plugin" scripts/qemu-insn-count.c
fi
if ((build)); then
  log "cargo build (aarch64)"
  CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc \
    cargo build --release --locked --target aarch64-unknown-linux-gnu --example time_hash
  if ((${#x86_plats[@]})); then
    log "cargo build (x86-64)"
    cargo build --release --locked --example time_hash
  fi
fi

# --- Images: raw RGB, deterministic (gradients, XORed with SHAKE-256 noise) --
for size in "${sizes[@]}"; do
  w=${size%x*} h=${size#*x}
  img=$work/img/$size.rgb
  [[ -f $img && $(stat -c %s "$img") -eq $((w * h * 3)) ]] && continue
  log "making $img"
  python3 - "$w" "$h" "$img.tmp" <<'EOF'
import hashlib, sys
w, h, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
# Red rises left to right, blue falls; every channel then rises top to
# bottom (mod 256), and the low 5 bits are XORed with seeded noise.
base = bytearray(3 * w)
for x in range(w):
    r = x * 255 // max(w - 1, 1)
    base[3 * x : 3 * x + 3] = bytes((r, 0, 255 - r))
base = bytes(base)
mask = int.from_bytes(b"\x1f" * (3 * w), "little")
with open(path, "wb") as f:
    for y in range(h):
        k = y * 255 // max(h - 1, 1)
        row = base.translate(bytes((b + k) & 255 for b in range(256)))
        noise = hashlib.shake_256(b"percept-insn %d %d %d" % (w, h, y)).digest(3 * w)
        v = int.from_bytes(row, "little") ^ (int.from_bytes(noise, "little") & mask)
        f.write(v.to_bytes(3 * w, "little"))
EOF
  mv "$img.tmp" "$img"
done

# --- Counting runs --------------------------------------------------------------
# count ARCH SIZE REPS ONLY: writes runs/ARCH-SIZE-ONLY-REPS.{n,json}.
count() {
  local arch=$1 size=$2 reps=$3 only=$4
  local w=${size%x*} h=${size#*x} img=$work/img/$size.rgb
  local out=$work/runs/$arch-$size-$only-$reps
  rm -f "$out.n"
  if [[ $arch == aarch64 ]]; then
    qemu-aarch64 -cpu "$cpu_model" -L "$sysroot" -E LD_LIBRARY_PATH="$sysroot/lib" \
      -plugin "$plugin,out=$out.n,mode=$mode" \
      "$arm_bin" "$img" "$w" "$h" "$reps" "$only" >"$out.json"
  else
    valgrind --tool=callgrind --callgrind-out-file=/dev/null \
      "$x86_bin" "$img" "$w" "$h" "$reps" "$only" >"$out.json" 2>"$out.err"
    sed -n 's/.*Collected : \([0-9]*\).*/insns \1/p' "$out.err" >"$out.n"
  fi
  [[ -s $out.n ]] || { echo "error: no count for $out" >&2; return 1; }
}

pending=()
for size in "${sizes[@]}"; do
  for only in _none_ "${arm_plats[@]}"; do
    for reps in 1 2; do
      [[ $only == _none_ && $reps == 2 ]] && continue
      pending+=("aarch64 $size $reps $only")
    done
  done
  for only in _none_ "${x86_plats[@]}"; do
    ((${#x86_plats[@]})) || break
    for reps in 1 2; do
      [[ $only == _none_ && $reps == 2 ]] && continue
      pending+=("x86_64 $size $reps $only")
    done
  done
done
log "${#pending[@]} counting runs, $jobs at a time"
running=0
failed=0
for job in "${pending[@]}"; do
  if ((running >= jobs)); then
    wait -n || failed=1
    running=$((running - 1))
  fi
  # shellcheck disable=SC2086
  count $job &
  running=$((running + 1))
done
while ((running > 0)); do
  wait -n || failed=1
  running=$((running - 1))
done
((failed == 0)) || { echo "error: a counting run failed" >&2; exit 1; }
log "counting done"

# --- Native x86-64 wall times (alone, one platform at a time) -----------------
if ((${#x86_plats[@]})); then
  for size in "${sizes[@]}"; do
    w=${size%x*} h=${size#*x}
    for only in "${x86_plats[@]}"; do
      "$x86_bin" "$work/img/$size.rgb" "$w" "$h" "$wall_reps" "$only" >"$work/runs/wall-$size-$only.json"
    done
  done
  log "wall times done"
fi

# --- Report ----------------------------------------------------------------------
cpu="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1) (family $(sed -n 's/^cpu family[[:space:]]*: //p' /proc/cpuinfo | head -1), model $(sed -n 's/^model[[:space:]]*: //p' /proc/cpuinfo | head -1), $(sed -n 's/^cpu MHz[[:space:]]*: //p' /proc/cpuinfo | head -1) MHz, $(nproc) cores)"
python3 - "$work/runs" "$cpu" "$(qemu-aarch64 --version | head -1)" "$(valgrind --version 2>/dev/null || echo -)" \
  "${sizes[*]}" "${arm_plats[*]}" "${x86_plats[*]}" "$mode" "$cpu_model" <<'EOF'
import json, os, sys
runs, cpu, qemu, vg, sizes, arm, x86, mode, qcpu = sys.argv[1:]
sizes, arm, x86 = sizes.split(), arm.split(), x86.split()

def n(arch, size, only, reps):
    with open(os.path.join(runs, f"{arch}-{size}-{only}-{reps}.n")) as f:
        return int(f.read().split()[1])

def js(name):
    with open(os.path.join(runs, name)) as f:
        return json.load(f)

raw, hashes = [], {}
def per_hash(arch, size, only):
    """Instructions per warm hash, or None if the build lacks `only`."""
    if only not in js(f"{arch}-{size}-{only}-1.json"):
        return None
    t0, t1, t2 = n(arch, size, "_none_", 1), n(arch, size, only, 1), n(arch, size, only, 2)
    d1, d2 = t1 - t0, t2 - t1
    frac = 2 * d2 / (d1 - d2) if d1 != d2 else float("nan")
    b = max(1, round(frac)) if frac == frac else 1
    raw.append(f"| {arch} | {size} | {only} | {t0} | {t1} | {t2} | {frac:.3f} | {b} |")
    for reps in (1, 2):
        hashes.setdefault(size, set()).add(js(f"{arch}-{size}-{only}-{reps}.json")[only]["hash"])
    return d2 / b

def fmt(v):
    return "-" if v is None else f"{v / 1e6:.2f} M"

rows = []
for size in sizes:
    w, h = map(int, size.split("x"))
    for only in dict.fromkeys(arm + x86):
        a = per_hash("aarch64", size, only) if only in arm else None
        x = per_hash("x86_64", size, only) if only in x86 else None
        wall = None
        if only in x86:
            r = js(f"wall-{size}-{only}.json").get(only)
            if r:
                wall = r["median_s"]
                hashes.setdefault(size, set()).add(r["hash"])
        if a is None and x is None and wall is None:
            continue
        per_px = lambda v: "-" if v is None else f"{v / (w * h):.1f}"
        rows.append(f"| {size} | {only} | {fmt(a)} | {per_px(a)} | {fmt(x)} | {per_px(x)} | "
                    + ("-" if wall is None else f"{wall * 1e3:.3f}") + " |")

print("### Instructions per PDQ hash (warm: per-thread scratch already allocated)\n")
print(f"aarch64: {qemu}, -cpu {qcpu}, plugin scripts/qemu-insn-count.c (mode={mode}).  ")
print(f"x86-64: {vg} callgrind Ir; wall = native time_hash median, {cpu}.\n")
print("| image | platform | aarch64 insns/hash | aarch64 insns/px | x86-64 insns/hash | x86-64 insns/px | x86-64 wall ms/hash |")
print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
print("\n".join(rows))
print()
for size in sizes:
    hs = hashes.get(size, set())
    print(f"- {size}: " + ("all platforms gave the same hash" if len(hs) == 1 else f"HASHES DIFFER: {sorted(hs)}"))
print("\n<details><summary>raw counts (T0 = no hash, T1 = REPS 1, T2 = REPS 2; per hash = (T2-T1)/b)</summary>\n")
print("| arch | image | platform | T0 | T1 | T2 | 2*D2/(D1-D2) | b |")
print("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |")
print("\n".join(raw))
print("\n</details>")
EOF
log "total $((SECONDS - start)) s"
