#!/usr/bin/env python3
"""Compare percept's known-hash index with FAISS binary indexes on the same lists.

For every (N, kind) configuration this script

  * runs percept's ``index_timing`` example, which builds a list of N random
    (or "skewed") 256-bit PDQ hashes, times percept's indexed and linear search
    and writes the list to a temporary file (raw 32-byte records);
  * loads that file into numpy and builds two FAISS indexes over it,
    ``IndexBinaryFlat(256)`` (brute force) and
    ``IndexBinaryMultiHash(256, nhash=16, b=16)`` with ``nflip = T // 16``
    (exact for radius T by pigeonhole: if 256 bits differ in <= T positions,
    one of the 16 16-bit substrings differs in <= T // 16 positions);
  * times ``range_search`` per "image" (8 query hashes in one call) for 100
    innocent images (8 random hashes) and 100 matching images (one variant is
    a stored hash with ~10 random bits flipped);
  * checks MultiHash returns exactly what Flat returns;
  * prints a table of build time, memory per stored hash and per-image latency.

FAISS runs single-threaded (``faiss.omp_set_num_threads(1)``) so the numbers
compare per core with percept, which is single-threaded here.

Notes:
  * FAISS ``range_search`` on binary indexes returns distances strictly below
    the radius, so radius ``T + 1`` is used for "distance <= T" (checked at
    start-up on a tiny example).
  * FAISS memory is the growth of the process's VmRSS while adding the list to
    the index, divided by N (it includes the stored codes, 32 bytes/hash).
    percept's figure is ``index_bytes_per_hash`` from ``index_timing``.
  * The query sets differ: percept's come from its own generator inside
    ``index_timing``, FAISS's from numpy (``default_rng(1)``); both follow the
    same recipe, so per-image latencies are comparable, match counts are not.

Requirements (install yourself):  pip install faiss-cpu numpy

Usage (from anywhere):
  python3 scripts/compare_index.py                       # 1M, random+skewed, T=31
  python3 scripts/compare_index.py --sizes 1000000,10000000 --kinds random
"""

import argparse
import gc
import json
import os
import pickle
import subprocess
import sys
import tempfile
import time

import numpy as np

try:
    import faiss
except ImportError:
    sys.exit("faiss is not installed: pip install faiss-cpu numpy")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "examples", "index_timing")
GB = 1024 ** 3


def rss_bytes():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def mem_available_bytes():
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no MemAvailable in /proc/meminfo")


def check_radius_semantics():
    """Confirm range_search(q, r) on a binary index returns distances < r."""
    x = np.zeros((3, 32), dtype=np.uint8)
    x[1, 0] = 0b111  # distance 3 from the zero hash
    x[2, 0] = 0b1111  # distance 4
    idx = faiss.IndexBinaryFlat(256)
    idx.add(x)
    _, d, _ = idx.range_search(np.zeros((1, 32), dtype=np.uint8), 4)
    if sorted(d.tolist()) != [0, 3]:
        sys.exit(f"unexpected FAISS range_search semantics: radius 4 gave {sorted(d.tolist())}")


def run_percept(n, queries, t, kind, hashfile):
    cmd = [BIN, str(n), str(queries), str(t), kind, hashfile]
    print("  $", " ".join(cmd), flush=True)
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    line = [l for l in out.splitlines() if l.strip().startswith("{")][-1]
    return json.loads(line)


def flip_bits(h, k, rng):
    """`h` (32 uint8) with k random bit positions flipped (with replacement,
    like index_timing's `near`)."""
    h = h.copy()
    for bit in rng.integers(0, 256, size=k):
        h[bit // 8] ^= np.uint8(1 << (bit % 8))
    return h


def make_queries(xb, images, rng):
    innocent = [rng.integers(0, 256, size=(8, 32), dtype=np.uint8) for _ in range(images)]
    matching = []
    for i in range(images):
        q = rng.integers(0, 256, size=(8, 32), dtype=np.uint8)
        target = xb[rng.integers(0, len(xb))]
        q[i % 8] = flip_bits(target, 10, rng)
        matching.append(q)
    return innocent, matching


def time_search(index, images, radius):
    """Returns (seconds per image, total matches, per-image result sets)."""
    results = []
    start = time.perf_counter()
    for q in images:
        results.append(index.range_search(q, radius))
    elapsed = time.perf_counter() - start
    sets, total = [], 0
    for lims, _, ids in results:
        s = set()
        for row in range(len(lims) - 1):
            for j in ids[lims[row]:lims[row + 1]]:
                s.add((row, int(j)))
        sets.append(s)
        total += len(s)
    return elapsed / len(images), total, sets


def _bench_faiss_child(make_index, xb, innocent, matching, radius):
    gc.collect()
    before = rss_bytes()
    start = time.perf_counter()
    index = make_index()
    index.add(xb)
    build_s = time.perf_counter() - start
    gc.collect()
    bytes_per_hash = (rss_bytes() - before) / len(xb)
    ti, fi, si = time_search(index, innocent, radius)
    tm, fm, sm = time_search(index, matching, radius)
    return dict(build_s=build_s, bph=bytes_per_hash, inn=ti, mat=tm,
                hits=(fi, fm), sets=(si, sm))


def bench_faiss(name, make_index, xb, innocent, matching, radius):
    """Builds and times one FAISS index in a forked child, so that its memory
    is measured from a clean heap and returned to the OS afterwards."""
    rfd, wfd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(rfd)
        code = 0
        try:
            res = _bench_faiss_child(make_index, xb, innocent, matching, radius)
        except BaseException as e:  # report to the parent
            res, code = {"error": repr(e)}, 1
        with os.fdopen(wfd, "wb") as w:
            pickle.dump(res, w)
        os._exit(code)
    os.close(wfd)
    with os.fdopen(rfd, "rb") as r:
        data = r.read()
    _, status = os.waitpid(pid, 0)
    if not data:
        sys.exit(f"{name}: child died (wait status {status}); out of memory?")
    res = pickle.loads(data)
    if "error" in res:
        sys.exit(f"{name}: {res['error']}")
    res["name"] = name
    fi, fm = res["hits"]
    print(f"  {name}: build {res['build_s']:.2f}s, {res['bph']:.1f} B/hash, "
          f"innocent {res['inn'] * 1e3:.3f} ms/img ({fi} hits), "
          f"matching {res['mat'] * 1e3:.3f} ms/img ({fm} hits)", flush=True)
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1000000", help="comma-separated list sizes N")
    ap.add_argument("--kinds", default="random,skewed", help="comma-separated: random,skewed")
    ap.add_argument("--threshold", type=int, default=31, help="match if Hamming distance <= T")
    ap.add_argument("--images", type=int, default=100,
                    help="innocent images and matching images (each) to time")
    ap.add_argument("--mh-bytes-per-hash", type=float, default=1024.0,
                    help="estimated MultiHash memory per hash, for the skip check")
    ap.add_argument("--mem-budget-gb", type=float, default=12.0,
                    help="skip MultiHash if its estimate exceeds min(this, MemAvailable)")
    ap.add_argument("--no-build", action="store_true", help="do not run cargo build first")
    args = ap.parse_args()

    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s]
    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    for k in kinds:
        if k not in ("random", "skewed"):
            sys.exit(f"unknown kind {k!r}")
    t = args.threshold
    radius = t + 1  # FAISS binary range_search: distance < radius
    nflip = t // 16

    faiss.omp_set_num_threads(1)
    check_radius_semantics()

    if not args.no_build:
        r = subprocess.run(["cargo", "build", "--release", "--example", "index_timing"], cwd=ROOT)
        if r.returncode != 0:
            if os.path.exists(BIN):
                print("warning: cargo build failed; using the existing binary", file=sys.stderr)
            else:
                sys.exit("cargo build failed and no index_timing binary exists")

    tables = []
    for n in sizes:
        for kind in kinds:
            print(f"== N={n:,} kind={kind} T={t}", flush=True)
            with tempfile.TemporaryDirectory() as tmp:
                hashfile = os.path.join(tmp, "hashes.bin")
                p = run_percept(n, 2 * args.images, t, kind, hashfile)
                xb = np.fromfile(hashfile, dtype=np.uint8)
            if xb.size != n * 32:
                sys.exit(f"hash file has {xb.size} bytes, expected {n * 32}")
            xb = xb.reshape(n, 32)
            print(f"  percept: {json.dumps(p)}", flush=True)

            rng = np.random.default_rng(1)
            innocent, matching = make_queries(xb, args.images, rng)

            rows = [
                dict(name="percept indexed", build_s=p["build_s"], bph=p["index_bytes_per_hash"],
                     inn=p["indexed_nonmatching_s"], mat=p["indexed_matching_s"]),
                dict(name="percept linear", build_s=None, bph=None,
                     inn=None, mat=p["linear_s"]),
            ]
            flat = bench_faiss("FAISS Flat", lambda: faiss.IndexBinaryFlat(256),
                               xb, innocent, matching, radius)
            rows.append(flat)

            def make_mh():
                idx = faiss.IndexBinaryMultiHash(256, 16, 16)
                idx.nflip = nflip
                return idx

            est = args.mh_bytes_per_hash * n
            budget = min(args.mem_budget_gb * GB, mem_available_bytes())
            notes = []
            if est > budget:
                msg = (f"FAISS MultiHash skipped: estimated {est / GB:.1f} GB "
                       f"(~{args.mh_bytes_per_hash:.0f} B/hash) exceeds budget {budget / GB:.1f} GB "
                       f"(min of --mem-budget-gb and MemAvailable)")
                print("  " + msg, flush=True)
                notes.append(msg)
            else:
                mh = bench_faiss(f"FAISS MultiHash(nflip={nflip})", make_mh,
                                 xb, innocent, matching, radius)
                rows.append(mh)
                bad = sum(a != b for a, b in zip(mh["sets"][0] + mh["sets"][1],
                                                  flat["sets"][0] + flat["sets"][1]))
                if bad:
                    msg = (f"WARNING: MultiHash differs from Flat on {bad} of "
                           f"{2 * args.images} images (not exact with nflip={nflip})")
                else:
                    msg = f"MultiHash == Flat on all {2 * args.images} images (exact)"
                print("  " + msg, flush=True)
                notes.append(msg)
            missed = sum(1 for s in flat["sets"][1] if not s)
            if missed:
                notes.append(f"WARNING: {missed} matching images had no hit in FAISS Flat")
            notes.append(f"hits (innocent/matching images): percept {p['matches_nonmatching']}/"
                         f"{p['matches_matching']}, FAISS Flat {flat['hits'][0]}/{flat['hits'][1]}")
            tables.append((n, kind, rows, notes))
            del xb, innocent, matching, flat
            gc.collect()

    def f(v, fmt):
        return "-" if v is None else format(v, fmt)

    print()
    print(f"Threshold T={t} (FAISS radius {radius}), {args.images} innocent + {args.images} "
          f"matching images of 8 hashes, single thread. ms = milliseconds per image.")
    print("percept linear: matching ms from 4 images only.")
    for n, kind, rows, notes in tables:
        print()
        print(f"N={n:,} {kind}")
        hdr = f"{'index':<26} {'build s':>8} {'bytes/hash':>10} {'innocent ms':>12} {'matching ms':>12}"
        print(hdr)
        print("-" * len(hdr))
        for r in rows:
            print(f"{r['name']:<26} {f(r['build_s'], '8.2f'):>8} {f(r['bph'], '10.1f'):>10} "
                  f"{f(r['inn'] and r['inn'] * 1e3, '12.4f'):>12} "
                  f"{f(r['mat'] and r['mat'] * 1e3, '12.4f'):>12}")
        fr = [r for r in rows if r["name"].startswith("FAISS")]
        pi = rows[0]
        bi = min(fr, key=lambda r: r["inn"])
        bm = min(fr, key=lambda r: r["mat"])
        print(f"ratio FAISS-best/percept indexed: innocent {bi['inn'] / pi['inn']:.1f}x ({bi['name']}), "
              f"matching {bm['mat'] / pi['mat']:.1f}x ({bm['name']})")
        for note in notes:
            print("  " + note)


if __name__ == "__main__":
    main()
