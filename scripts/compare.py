#!/usr/bin/env python3
"""Times percept's PDQ against the reference core in the same run, on the
same pixels, single-threaded, and prints the ratios.

The reference is `pdqhash` from PyPI: Meta's C++ PDQ core behind a thin
Cython layer. Its `compute()` first makes float luma with numpy (in float64,
then rounded to float32); we time that call as a whole ("pdqhash") and also
subtract the numpy luma step measured alone ("ref core"), so the ratio is
not flattered by Python overhead.

Every size is measured in several rounds; in each round percept (every
filter platform this CPU runs) and pdqhash are timed back to back (median of
--reps calls each), and the ratio of that round is kept. The table shows
the median ratio over the rounds and its range, since a shared machine is
noisy.

With --yume, it also builds a small timing program for the `yume-pdq` crate
(its fastest kernel for this CPU, `-C target-cpu=native`; not bit-exact:
it changes the algorithm) in /tmp, outside the repository, and times it at
512x512 in the same rounds. yume-pdq takes 512x512 float luma, so it is
given the luma already made. Two ratios are printed: percept's
`hash_luma` on the same float luma (equal input), and percept from RGB
(which includes the RGB to luma step yume is spared). The first build
needs network access and `m4` (yume's build script builds GMP).

    pip install pdqhash numpy
    python3 scripts/compare.py                  # sizes 512x512, 1600x1004, 4032x3024
    python3 scripts/compare.py --yume --rounds 5
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import pdqhash

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
SIZES = [(512, 512), (1600, 1004), (4032, 3024)]
PLATFORMS = ["streaming", "avx2", "sse2", "portable", "scalar"]
YUME_DIR = "/tmp/percept-yume-timing"

YUME_CARGO = """[package]
name = "yume_timing"
version = "0.1.0"
edition = "2021"

[dependencies]
yume-pdq = "=1.1.0"
# The versions yume-pdq 1.1.0's own lock file uses: it does not build with
# later generic-array / typenum releases.
generic-array = "=1.2.0"
typenum = "=1.18.0"

[profile.release]
codegen-units = 1
lto = true
"""

YUME_MAIN = r"""
// Times yume-pdq's smart kernel on 512x512 luma made from a raw RGB file.
use std::time::Instant;
use yume_pdq::generic_array::{typenum::U512, GenericArray};
use yume_pdq::kernel::Kernel;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let data = std::fs::read(&args[1]).unwrap();
    let reps: usize = args[2].parse().unwrap();
    let mut input: Box<GenericArray<GenericArray<f32, U512>, U512>> = Box::default();
    for y in 0..512 {
        for x in 0..512 {
            let p = &data[(y * 512 + x) * 3..][..3];
            input[y][x] = 0.299f32 * p[0] as f32 + 0.587f32 * p[1] as f32 + 0.114f32 * p[2] as f32;
        }
    }
    let mut kernel = yume_pdq::smart_kernel();
    let mut buf1 = Box::default();
    let mut tmp = Box::default();
    let mut pdqf = Box::default();
    let mut output = GenericArray::default();
    // Batches of calls lasting about 2 ms, as percept's time_hash does.
    let t = Instant::now();
    yume_pdq::hash(&mut kernel, std::hint::black_box(&input), &mut output, &mut buf1, &mut tmp, &mut pdqf);
    let batch = (0.002 / t.elapsed().as_secs_f64()).ceil().clamp(1.0, 1000.0) as usize;
    let mut times = Vec::new();
    for _ in 0..reps {
        let t = Instant::now();
        for _ in 0..batch {
            yume_pdq::hash(&mut kernel, std::hint::black_box(&input), &mut output, &mut buf1, &mut tmp, &mut pdqf);
        }
        times.push(t.elapsed().as_secs_f64() / batch as f64);
    }
    times.sort_by(f64::total_cmp);
    let hex: String = output.iter().flat_map(|r| r.iter()).map(|b| format!("{b:02x}")).collect();
    let kernel_name = format!("{:?}", kernel.ident()).replace('"', "'");
    println!("{{\"kernel\": \"{}\", \"median_s\": {}, \"min_s\": {}, \"hash\": \"{}\"}}", kernel_name, times[times.len() / 2], times[0], hex);
}
"""


def pixels(w, h, seed):
    """A photo-like RGB image: smooth structure plus sensor-like noise."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    img = np.zeros((h, w, 3), np.float32)
    for c in range(3):
        for _ in range(4):
            fx, fy = rng.uniform(1, 8, 2)
            img[:, :, c] += rng.uniform(20, 40) * np.sin(2 * np.pi * (fx * x / w + fy * y / h) + rng.uniform(0, 6))
    img += rng.normal(0, 8, img.shape).astype(np.float32)
    img = (img - img.min()) / (img.max() - img.min()) * 255
    return np.ascontiguousarray(img.astype(np.uint8))


def median_time(fn, reps):
    """(median seconds, last output, least seconds) over `reps` calls."""
    times = []
    out = None
    for _ in range(reps):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    times.sort()
    return times[len(times) // 2], out, times[0]


def bits_to_hex(bits):
    return f"{int(''.join(str(int(b)) for b in bits), 2):064x}"


def build_percept():
    subprocess.run(["cargo", "build", "--release", "--quiet", "--example", "time_hash"], cwd=ROOT, check=True)
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    return os.path.join(target, "release", "examples", "time_hash")


def build_yume():
    os.makedirs(os.path.join(YUME_DIR, "src"), exist_ok=True)
    for path, text in [("Cargo.toml", YUME_CARGO), ("src/main.rs", YUME_MAIN)]:
        with open(os.path.join(YUME_DIR, path), "w") as f:
            f.write(text)
    env = dict(os.environ, RUSTFLAGS="-C target-cpu=native", CARGO_TARGET_DIR=os.path.join(YUME_DIR, "target"))
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=YUME_DIR, env=env, check=True)
    return os.path.join(YUME_DIR, "target", "release", "yume_timing")


def spread(values):
    values = sorted(values)
    return values[len(values) // 2], values[0], values[-1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=9, help="calls per timing (median taken)")
    ap.add_argument("--rounds", type=int, default=3, help="rounds per size (ratio range reported)")
    ap.add_argument("--yume", action="store_true", help="also time yume-pdq at 512x512")
    args = ap.parse_args()

    env = dict(os.environ, RAYON_NUM_THREADS="1")
    exe = build_percept()
    yume = build_yume() if args.yume else None

    print(f"single thread; {args.rounds} rounds per size, each the median of {args.reps} calls; same pixels for every side")
    print("cells: percept time (median over rounds); ratio = pdqhash time / percept time in the same round: median [min-max]\n")
    mismatches = []
    for (w, h) in SIZES:
        img = pixels(w, h, seed=w * 31 + h)
        with tempfile.NamedTemporaryFile(suffix=".rgb", delete=False) as f:
            f.write(img.tobytes())
            raw = f.name
        rounds = []
        try:
            for _ in range(args.rounds):
                res = json.loads(subprocess.run([exe, raw, str(w), str(h), str(args.reps)], env=env, check=True, capture_output=True, text=True).stdout)
                t_ref, (bits, _quality), best_ref = median_time(lambda: pdqhash.compute(img), args.reps)
                t_luma, _, _ = median_time(lambda: (img[:, :, 0] * 0.299 + img[:, :, 1] * 0.587 + img[:, :, 2] * 0.114).astype("float32"), args.reps)
                t_yume = None
                if yume and (w, h) == (512, 512):
                    t_yume = json.loads(subprocess.run([yume, raw, str(max(args.reps, 50))], check=True, capture_output=True, text=True).stdout)
                rounds.append((res, t_ref, max(t_ref - t_luma, 1e-9), bits_to_hex(bits), t_yume, best_ref))
        finally:
            os.unlink(raw)

        res0 = rounds[0][0]
        print(f"{w}x{h} (detected: {res0['detected']})")
        ref_ms = spread([r[1] * 1e3 for r in rounds])
        core_ms = spread([r[2] * 1e3 for r in rounds])
        print(f"  pdqhash {ref_ms[0]:8.2f} ms   ref core {core_ms[0]:8.2f} ms   reference layout (percept) {res0['reference_layout']['median_s'] * 1e3:8.1f} ms")
        hashes = {r[0][name]["hash"] for r in rounds for name in r[0] if name != "detected"}
        if len(hashes) != 1:
            mismatches.append(f"{w}x{h}: percept paths disagree: {hashes}")
        same_as_pdqhash = rounds[0][3] in hashes
        for name in PLATFORMS:
            if name not in res0:
                continue
            ours = spread([r[0][name]["median_s"] * 1e3 for r in rounds])
            vs_ref = spread([r[1] / r[0][name]["median_s"] for r in rounds])
            vs_core = spread([r[2] / r[0][name]["median_s"] for r in rounds])
            mem = res0[name]["peak_extra_bytes"] / 1e6
            best = min(r[5] for r in rounds) / min(r[0][name]["min_s"] for r in rounds)
            print(f"  {name:>9} {ours[0]:8.2f} ms | vs pdqhash {vs_ref[0]:6.1f}x [{vs_ref[1]:.1f}-{vs_ref[2]:.1f}]"
                  f" | vs core {vs_core[0]:6.1f}x [{vs_core[1]:.1f}-{vs_core[2]:.1f}] | best/best {best:5.1f}x"
                  f" | peak extra heap {mem:.2f} MB")
        if rounds[0][4]:
            kernel = rounds[0][4]["kernel"]
            yume_ms = spread([r[4]["median_s"] * 1e3 for r in rounds])
            vs = spread([r[0]["streaming"]["median_s"] / r[4]["median_s"] for r in rounds])
            vs_luma = spread([r[0]["from_luma"]["median_s"] / r[4]["median_s"] for r in rounds])
            best_luma = min(r[0]["from_luma"]["min_s"] for r in rounds) / min(r[4]["min_s"] for r in rounds)
            luma_ms = spread([r[0]["from_luma"]["median_s"] * 1e3 for r in rounds])
            print(f"  yume-pdq ({kernel}) {yume_ms[0]:.3f} ms from float luma"
                  f" (yume hash {'equal to' if rounds[0][4]['hash'] in hashes else 'differs from'} the exact one)")
            print(f"  percept from the same float luma (hash_luma) {luma_ms[0]:.3f} ms; percept / yume-pdq = {vs_luma[0]:.2f}x [{vs_luma[1]:.2f}-{vs_luma[2]:.2f}], best/best {best_luma:.2f}x")
            print(f"  percept from RGB (includes luma, which yume is given) / yume-pdq = {vs[0]:.2f}x [{vs[1]:.2f}-{vs[2]:.2f}]")
        print(f"  same hash as pdqhash: {same_as_pdqhash}\n")
    print("vs pdqhash: pdqhash.compute() / percept; vs core: the same minus pdqhash's numpy luma step.")
    print("best/best: the least pdqhash (or yume-pdq) time over all rounds / percept's least; this machine's")
    print("processes run in a fast or a slow mode at random (all implementations), which medians mix.")
    print("'same hash' can be False on images where pdqhash's float64 luma differs from the C++ core's float32 (see README).")
    if mismatches:
        print("\n".join(mismatches))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
