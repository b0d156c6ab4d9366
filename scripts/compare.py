#!/usr/bin/env python3
"""Times percept's PDQ against the reference core in the same run, on the
same pixels, single-threaded, and prints the ratios.

The reference is `pdqhash` from PyPI: Meta's C++ PDQ core behind a thin
Cython layer. Its `compute()` first makes float luma with numpy (in float64,
then rounded to float32); we time that call as a whole ("pdqhash") and also
subtract the numpy luma step measured alone ("ref core"), so the ratio is
not flattered by Python overhead.

The headline ratios ("PAIRED") come from paired batches. This machine's
speed drifts by up to 1.6x from one moment to the next (the same code
takes 0.16 or 0.26 ms; see docs/performance.md), so two timings taken seconds apart do
not compare. A percept timing process (`time_hash ... serve`) and pdqhash
run alternately, each batch about 2 ms of calls after one untimed call, for
--pairs pairs per size; each pair's ratio is taken, and the median and
quartiles over pairs are printed, with best/best (the least time of each
side over all pairs). The pairs run pinned to one CPU at a time, both sides
on the same one (see `pinned`), for each CPU this process may use in turn
(--cpus to choose).

The per-platform table below it comes from rounds: in each round a fresh
percept process times every filter platform this CPU runs (median of
--reps calls) and pdqhash is timed right after; the median ratio over
rounds and its range are printed.

With --yume, it also builds a small timing program for the `yume-pdq` crate
(its fastest kernel for this CPU, `-C target-cpu=native`; not bit-exact:
it changes the algorithm) in /tmp, outside the repository, and times it at
512x512, paired the same way (--yume-pairs), twice: with percept's
`hash_luma` on the same float luma (yume-pdq takes 512x512 float luma, so
it is given the luma already made: equal input), and with percept's `hash`
from the RGB bytes against yume-pdq preceded by a plain luma loop (what an
app feeding it decoded pixels runs). In the rounds, percept from RGB is
also compared with yume-pdq on ready luma (the luma step it is spared). The first build needs network access and `m4` (yume's build
script builds GMP).

    pip install pdqhash numpy
    python3 scripts/compare.py                  # sizes 512x512, 1600x1004, 4032x3024
    python3 scripts/compare.py --yume --rounds 5 --pairs 31
"""
import argparse
import contextlib
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

/// The reference's float luma of 512x512 packed RGB, row by row.
fn fill_luma(data: &[u8], input: &mut GenericArray<GenericArray<f32, U512>, U512>) {
    for (row, px) in input.iter_mut().zip(data.chunks_exact(512 * 3)) {
        for (l, p) in row.iter_mut().zip(px.chunks_exact(3)) {
            *l = 0.299f32 * p[0] as f32 + 0.587f32 * p[1] as f32 + 0.114f32 * p[2] as f32;
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let data = std::fs::read(&args[1]).unwrap();
    let mut input: Box<GenericArray<GenericArray<f32, U512>, U512>> = Box::default();
    fill_luma(&data, &mut input);
    let mut kernel = yume_pdq::smart_kernel();
    let mut buf1 = Box::default();
    let mut tmp = Box::default();
    let mut pdqf = Box::default();
    let mut output = GenericArray::default();
    if args[2] == "serve" {
        // For each line N on stdin: one hash, then N timed, then the
        // seconds per timed hash. With `rgb`, each call first makes the
        // float luma from the RGB bytes (what an app feeding yume-pdq
        // decoded pixels has to do).
        use std::io::{BufRead, Write};
        let with_luma = args.get(3).is_some_and(|a| a == "rgb");
        let mut call = || {
            if with_luma {
                fill_luma(std::hint::black_box(&data), &mut input);
            }
            yume_pdq::hash(&mut kernel, std::hint::black_box(&input), &mut output, &mut buf1, &mut tmp, &mut pdqf);
        };
        let mut out = std::io::stdout().lock();
        for line in std::io::stdin().lock().lines() {
            let n: usize = line.unwrap().trim().parse().unwrap();
            // One call untimed, so the batch starts with warm caches.
            call();
            let t = Instant::now();
            for _ in 0..n {
                call();
            }
            writeln!(out, "{}", t.elapsed().as_secs_f64() / n.max(1) as f64).unwrap();
            out.flush().unwrap();
        }
        return;
    }
    let reps: usize = args[2].parse().unwrap();
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


class Server:
    """A timing process (`time_hash ... serve`, `yume_timing ... serve`):
    each batch(n) makes it hash once untimed (to start warm), then n times,
    and returns its seconds per timed hash."""

    def __init__(self, argv, env=None):
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)

    def batch(self, n):
        self.proc.stdin.write(f"{n}\n")
        self.proc.stdin.flush()
        return float(self.proc.stdout.readline())

    def close(self):
        self.proc.stdin.close()
        self.proc.wait()


def calls_for(batch, seconds=0.002):
    """How many calls make a batch of about `seconds` (after a warm-up)."""
    batch(1)
    return max(1, min(1000, round(seconds / batch(1))))


def paired(first, second, pairs):
    """Alternates batches of two timers (each `n -> seconds per call`, sized
    to about 2 ms) and returns the (first, second) times of each pair, the
    two sides of a pair run back to back, in alternating order. This
    machine's speed drifts by up to 1.6x between moments (see docs/performance.md); a
    pair shares the moment, so pair ratios are stable where times are not."""
    n1, n2 = calls_for(first), calls_for(second)
    out = []
    for i in range(pairs):
        if i % 2:
            b = second(n2)
            a = first(n1)
        else:
            a = first(n1)
            b = second(n2)
        out.append((a, b))
    return out


@contextlib.contextmanager
def pinned(cpu):
    """Runs this process (and the servers it starts) on one CPU only. Both
    sides of a pair then share that CPU's caches and clock. Unpinned, the
    two processes land on either of the CPUs, which here differ in speed from
    moment to moment, and a process woken on an idle CPU runs slower for
    a while; a pair's two sides were then measured on different terms."""
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {cpu})
    try:
        yield
    finally:
        os.sched_setaffinity(0, before)


def quartiles(values):
    values = sorted(values)
    q = lambda f: values[min(len(values) - 1, int(f * len(values)))]
    return q(0.5), q(0.25), q(0.75)


def describe(pairs, ratio):
    """For (percept, other) pairs of seconds: quartiles of `ratio(ours,
    theirs)` per pair, quartiles of each side in ms, and the ratio of the
    two sides' least times."""
    r = quartiles([ratio(a, b) for a, b in pairs])
    ours = quartiles([a * 1e3 for a, _ in pairs])
    theirs = quartiles([b * 1e3 for _, b in pairs])
    best = ratio(min(a for a, _ in pairs), min(b for _, b in pairs))
    return r, ours, theirs, best


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
    ap.add_argument("--pairs", type=int, default=21, help="paired batches per size vs pdqhash (a third at 4032x3024)")
    ap.add_argument("--yume-pairs", type=int, default=300, help="paired batches vs yume-pdq")
    ap.add_argument("--cpus", type=int, nargs="+", help="CPUs to pin the paired runs to, one after another (default: each one this process may use)")
    args = ap.parse_args()

    env = dict(os.environ, RAYON_NUM_THREADS="1")
    cpus = sorted(os.sched_getaffinity(0)) if args.cpus is None else args.cpus
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

        # The headline ratios: paired batches, see `paired`, on one CPU at
        # a time (both sides pinned to it: see `pinned`).
        ref_pairs, yume_pairs = {}, {}
        try:
            with tempfile.NamedTemporaryFile(suffix=".rgb", delete=False) as f:
                f.write(img.tobytes())
                raw = f.name

            def ref(n):
                pdqhash.compute(img)  # untimed, as the servers do
                t = time.perf_counter()
                for _ in range(n):
                    pdqhash.compute(img)
                return (time.perf_counter() - t) / n

            npairs = args.pairs if w * h < 4_000_000 else max(5, args.pairs // 3)
            for cpu in cpus:
                with pinned(cpu):
                    ours = Server([exe, raw, str(w), str(h), "serve", "streaming"], env)
                    ref_pairs[cpu] = paired(ours.batch, ref, npairs)
                    ours.close()
                    if yume and (w, h) == (512, 512):
                        # Equal input (float luma for both), then both from
                        # RGB (yume-pdq's side making the luma with a plain loop).
                        yume_pairs[cpu] = []
                        for mode, theirs_argv in [("from_luma", [yume, raw, "serve"]), ("streaming", [yume, raw, "serve", "rgb"])]:
                            ours = Server([exe, raw, str(w), str(h), "serve", mode], env)
                            theirs = Server(theirs_argv)
                            yume_pairs[cpu].append(paired(ours.batch, theirs.batch, args.yume_pairs))
                            ours.close()
                            theirs.close()
        finally:
            os.unlink(raw)

        res0 = rounds[0][0]
        print(f"{w}x{h} (detected: {res0['detected']})")
        for cpu in cpus:
            pairs = ref_pairs[cpu]
            r, t, tr, best = describe(pairs, lambda ours, theirs: theirs / ours)
            print(f"  PAIRED on CPU {cpu} ({len(pairs)} pairs of back-to-back batches): pdqhash / percept = {r[0]:.1f}x"
                  f" [quartiles {r[1]:.1f}-{r[2]:.1f}], best/best {best:.1f}x; percept {t[0]:.3f} ms [{t[1]:.3f}-{t[2]:.3f}],"
                  f" pdqhash {tr[0]:.2f} ms")
            for label, pairs in zip(["from the same float luma: percept hash_luma / yume-pdq",
                                     "from RGB: percept hash / (luma loop + yume-pdq)"], yume_pairs.get(cpu, [])):
                r, ta, tb, best = describe(pairs, lambda ours, theirs: ours / theirs)
                print(f"  PAIRED on CPU {cpu} vs yume-pdq ({len(pairs)} pairs), {label} = {r[0]:.2f}x"
                      f" [quartiles {r[1]:.2f}-{r[2]:.2f}], best/best {best:.2f}x;"
                      f" percept {ta[0]:.3f} ms [{ta[1]:.3f}-{ta[2]:.3f}], yume-pdq {tb[0]:.3f} ms [{tb[1]:.3f}-{tb[2]:.3f}]")
        if len(cpus) > 1:
            everything = [b / a for pairs in ref_pairs.values() for a, b in pairs]
            r = quartiles(everything)
            print(f"  PAIRED, all CPUs ({len(everything)} pairs): pdqhash / percept = {r[0]:.1f}x [quartiles {r[1]:.1f}-{r[2]:.1f}]")
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
    print("best/best: the least pdqhash (or yume-pdq) time over all rounds (or pairs) / percept's least.")
    print("PAIRED: ratios of back-to-back batches; this machine's speed drifts by up to 1.6x between moments,")
    print("which the round medians mix and a pair shares.")
    print("'same hash' can be False on images where pdqhash's float64 luma differs from the C++ core's float32 (see docs/performance.md).")
    if mismatches:
        print("\n".join(mismatches))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
