#!/usr/bin/env python3
"""`percept hash` over a folder of large JPEGs: throughput with every core
against one thread, and peak memory (max RSS) for two folder sizes, to show
it does not grow with the folder.

Makes photo-like 4032x3024 JPEGs (quality 90) with Pillow in a cache folder
(once), then runs the release binary under /usr/bin/time -v:

    pip install numpy pillow
    python3 scripts/folder_throughput.py            # 16 and 48 images
    python3 scripts/folder_throughput.py --small 8 --large 24 --rounds 3
"""
import argparse
import os
import re
import subprocess
import sys

import numpy as np
from PIL import Image

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))


def make_images(folder, count, w=4032, h=3024):
    os.makedirs(folder, exist_ok=True)
    for i in range(count):
        path = os.path.join(folder, f"photo-{i:03d}.jpg")
        if os.path.exists(path):
            continue
        rng = np.random.default_rng(i)
        y, x = np.mgrid[0:h, 0:w].astype(np.float32)
        img = np.zeros((h, w, 3), np.float32)
        for c in range(3):
            for _ in range(3):
                fx, fy = rng.uniform(1, 12, 2)
                img[:, :, c] += rng.uniform(20, 40) * np.sin(2 * np.pi * (fx * x / w + fy * y / h) + rng.uniform(0, 6))
        img += rng.normal(0, 6, img.shape).astype(np.float32)
        img = (img - img.min()) / (img.max() - img.min()) * 255
        Image.fromarray(img.astype(np.uint8)).save(path, quality=90)


def run(exe, folder, threads):
    env = dict(os.environ, RAYON_NUM_THREADS=str(threads))
    p = subprocess.run(["/usr/bin/time", "-v", exe, "hash", folder], env=env, capture_output=True, text=True, check=True)
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", p.stderr)
    seconds = int(wall.group(1) or 0) * 3600 + int(wall.group(2)) * 60 + float(wall.group(3))
    rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr).group(1))
    return seconds, rss_kb / 1024, p.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--small", type=int, default=16, help="images in the small folder")
    ap.add_argument("--large", type=int, default=48, help="images in the large folder")
    ap.add_argument("--rounds", type=int, default=5, help="pairs of runs per folder")
    ap.add_argument("--cache", default="/tmp/percept-folder-bench")
    args = ap.parse_args()

    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "percept"], cwd=ROOT, check=True)
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    exe = os.path.join(target, "release", "percept")
    cores = os.cpu_count()

    folders = {}
    for n in (args.small, args.large):
        src = os.path.join(args.cache, "all")
        make_images(src, max(args.small, args.large))
        folder = os.path.join(args.cache, f"n{n}")
        os.makedirs(folder, exist_ok=True)
        for i in range(n):
            link = os.path.join(folder, f"photo-{i:03d}.jpg")
            if not os.path.exists(link):
                os.symlink(os.path.join(src, f"photo-{i:03d}.jpg"), link)
        folders[n] = folder

    print(f"percept hash over folders of 4032x3024 JPEGs; {cores} cores; {args.rounds} pairs of runs"
          " (1 thread, then all cores, alternating which goes first); ratios per pair")
    ok = True
    for n, folder in folders.items():
        pairs = []
        for i in range(args.rounds):
            if i % 2:
                many = run(exe, folder, cores)
                one = run(exe, folder, 1)
            else:
                one = run(exe, folder, 1)
                many = run(exe, folder, cores)
            pairs.append((one, many))
            ok &= one[2] == many[2]
        speedups = sorted(one[0] / many[0] for one, many in pairs)
        med = speedups[len(speedups) // 2]
        one_rate = sorted(n / one[0] for one, _ in pairs)[len(pairs) // 2]
        many_rate = sorted(n / many[0] for _, many in pairs)[len(pairs) // 2]
        rss_one = max(one[1] for one, _ in pairs)
        rss_many = max(many[1] for _, many in pairs)
        print(f"  {n:3d} images: 1 thread {one_rate:5.2f} img/s ({rss_one:.0f} MB max RSS) | "
              f"{cores} threads {many_rate:5.2f} img/s ({rss_many:.0f} MB max RSS) | "
              f"speed-up median {med:.2f}x [{speedups[0]:.2f}-{speedups[-1]:.2f}] | same output: {ok}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
