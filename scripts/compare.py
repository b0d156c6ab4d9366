#!/usr/bin/env python3
"""Times percept's PDQ against the reference core in the same run, on the
same pixels, single-threaded, and prints the ratios.

The reference is `pdqhash` from PyPI: Meta's C++ PDQ core behind a thin
Cython layer. Its `compute()` first makes float luma with numpy (in float64,
then rounded to float32); we time that call as a whole ("pdqhash total") and
also subtract the numpy luma step measured alone ("reference core only"),
so the ratio is not flattered by Python overhead.

    pip install pdqhash numpy
    python3 scripts/compare.py            # sizes 512x512, 1600x1004, 4032x3024
    python3 scripts/compare.py --reps 5   # fewer repetitions
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
    times = []
    out = None
    for _ in range(reps):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    times.sort()
    return times[len(times) // 2], out


def bits_to_hex(bits):
    return f"{int(''.join(str(int(b)) for b in bits), 2):064x}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=9)
    args = ap.parse_args()

    env = dict(os.environ, RAYON_NUM_THREADS="1")
    subprocess.run(["cargo", "build", "--release", "--quiet", "--example", "time_hash"], cwd=ROOT, check=True)
    exe = os.path.join(ROOT, "target", "release", "examples", "time_hash")

    print(f"single thread, median of {args.reps} runs per cell, same pixels for both sides")
    header = f"{'size':>10} | {'percept':>10} | {'ref-layout':>10} | {'pdqhash':>10} | {'ref core':>10} | {'vs pdqhash':>10} | {'vs core':>8} | same hash"
    print(header)
    print("-" * len(header))
    for (w, h) in SIZES:
        img = pixels(w, h, seed=w * 31 + h)
        with tempfile.NamedTemporaryFile(suffix=".rgb", delete=False) as f:
            f.write(img.tobytes())
            raw = f.name
        try:
            res = json.loads(subprocess.run([exe, raw, str(w), str(h), str(args.reps)], env=env, check=True, capture_output=True, text=True).stdout)
        finally:
            os.unlink(raw)
        t_ref, (bits, quality) = median_time(lambda: pdqhash.compute(img), args.reps)
        t_luma, _ = median_time(lambda: (img[:, :, 0] * 0.299 + img[:, :, 1] * 0.587 + img[:, :, 2] * 0.114).astype("float32"), args.reps)
        t_core = max(t_ref - t_luma, 1e-9)
        ours = res["streaming"]["median_s"]
        same = bits_to_hex(bits) == res["streaming"]["hash"]
        print(f"{w:>5}x{h:<4} | {ours*1e3:8.2f}ms | {res['reference_layout']['median_s']*1e3:8.2f}ms | {t_ref*1e3:8.2f}ms | {t_core*1e3:8.2f}ms | {t_ref/ours:9.2f}x | {t_core/ours:7.2f}x | {same}")
    print("\nvs pdqhash: pdqhash.compute() time / percept time; vs core: the same minus pdqhash's numpy luma step.")
    print("'same hash' can be False on images where pdqhash's float64 luma differs from the C++ core's float32 (see README).")


if __name__ == "__main__":
    sys.exit(main())
