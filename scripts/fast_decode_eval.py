#!/usr/bin/env python3
"""How far the fast JPEG decode profile's PDQ hashes are from the exact ones.

    python3 scripts/fast_decode_eval.py CORPUS_DIR [--min-side 256,512]
                                        [--repeat 1] [--rebuild]

Builds a corpus of real photographs in CORPUS_DIR (required; a folder
outside the repository, created if missing and reused by later runs; needs
apt-get, dpkg, pip and Pillow), runs
`examples/fast_decode_eval.rs` in release mode on one thread
(in a one-thread pool) and prints, per min_side: the distance distribution
between the fast and the exact hash, how many exceed PDQ's usual match
threshold (31), the quality changes, and the decode+hash speedup (exact
time / fast time, both from the same run).

The corpus, fetched once and reused (--rebuild remakes the JPEGs):
  - photographs from Debian's wallpaper packages (mate-backgrounds nature
    set, plasma-workspace-wallpapers, lomiri-wallpapers-16.04/-20.04),
    chosen by name below; their rendered illustrations (gnome, sway,
    plasma, ukui) are kept as a separate "illustration" group;
  - scikit-image's and scikit-learn's bundled sample photos (PyPI wheels);
  - Meta's PDQ test JPEGs: those under testdata/reference/data, or, when
    Meta's full reference set is beside the checkout
    (../shared/reference/pdq/data), every JPEG there instead (a superset).
Each photo is used as found (JPEGs kept byte for byte when at most 12 MP,
others re-encoded at quality 92) and re-encoded at about 12 MP and 3 MP
(Lanczos, baseline and progressive, 4:2:0 and 4:4:4, some as CMYK or
greyscale), plus a centre crop at native resolution for large ones, so the
scaled decoder runs at 1/4 and 1/8 (percept scales baseline JPEGs only,
and not at 1/2: both measured no faster than the full decode).
"""

import argparse
import csv
import glob
import hashlib
import io
import os
import shutil
import statistics
import subprocess
import sys
import zipfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Meta's test JPEGs: the full set beside the checkout when it is there,
# else the subset kept in the repository.
SHARED_REFERENCE = os.path.join(REPO, "..", "shared", "reference", "pdq", "data")
REFERENCE = (SHARED_REFERENCE if os.path.isdir(SHARED_REFERENCE)
             else os.path.join(REPO, "testdata", "reference", "data"))
DEBS = [
    "mate-backgrounds",
    "plasma-workspace-wallpapers",
    "lomiri-wallpapers-16.04",
    "lomiri-wallpapers-20.04",
    "gnome-backgrounds",
    "sway-backgrounds",
    "ukui-wallpapers",
]
WHEELS = {"scikit-image": "skimage/data/", "scikit-learn": "sklearn/datasets/images/"}

# Photographs among the packages' files (looked at one by one); the rest of
# the packages' images are illustrations or renders.
LOMIRI_PHOTOS = [
    "Bridge_by_Sander_Klootwijk", "Dragonfly_by_Bolly", "Infinite-Sea_by_Aury88",
    "Kleiber_by_Lukas_Baubkus", "Picture_0B_by_freespace", "Picture_1A_by_freespace",
    "Wine_by_Jakkub_Mede", "aitzgorri_by_Aitzol_Berasategi", "analogpattern_by_Peter_Nerlich",
    "free_by_Peter_Nerlich", "friends_by_Aitzol_Berasategi", "greentock_by_Peter_Nerlich",
    "life_by_Aitzol_Berasategi", "picosdeeuropa_by_Aitzol_Berasategi",
    "seeding_by_Clements_Engelhardt", "sunset_by_Aitzol_Berasategi", "umang_by_Abhishek_Mudgal",
]
PLASMA_PHOTOS = [
    "BytheWater", "ColdRipple", "ColorfulCups", "DarkestHour", "EveningGlow", "FallenLeaf",
    "Grey", "Kite", "OneStandsOut", "Path", "summer_1am",
]
SKIMAGE_PHOTOS = [
    "astronaut.png", "brick.png", "camera.png", "cell.png", "chelsea.png", "clock_motion.png",
    "coffee.png", "coins.png", "grass.png", "gravel.png", "hubble_deep_field.jpg", "ihc.png",
    "moon.png", "motorcycle_left.png", "motorcycle_right.png", "retina.jpg", "rocket.jpg",
]
SKLEARN_PHOTOS = ["china.jpg", "flower.jpg"]

MAX_PIXELS = 12_000_000
THRESHOLD = 31
DEFAULT_MIN_SIDE = 512  # JpegScaling::DEFAULT_MIN_SIDE


def run(cmd, **kw):
    print("+", " ".join(cmd), file=sys.stderr)
    return subprocess.run(cmd, check=True, **kw)


def fetch(corpus):
    """Downloads and unpacks the packages (once)."""
    debs = os.path.join(corpus, "debs")
    extract = os.path.join(corpus, "extract")
    os.makedirs(debs, exist_ok=True)
    missing = [d for d in DEBS if not glob.glob(os.path.join(debs, d + "_*.deb"))]
    if missing:
        run(["apt-get", "download"] + missing, cwd=debs)
    if not os.path.isdir(extract):
        for deb in sorted(glob.glob(os.path.join(debs, "*.deb"))):
            run(["dpkg", "-x", deb, extract])
    wheels = os.path.join(corpus, "wheels")
    os.makedirs(wheels, exist_ok=True)
    for name in WHEELS:
        pattern = os.path.join(wheels, name.replace("-", "_") + "-*.whl")
        if not glob.glob(pattern):
            run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                 "-d", wheels, name])
    return extract, wheels


def sources(extract, wheels):
    """(group, name, bytes) for every source image."""
    out = []
    bg = os.path.join(extract, "usr", "share", "backgrounds")
    wp = os.path.join(extract, "usr", "share", "wallpapers")

    def add(group, path):
        with open(path, "rb") as f:
            out.append((group, os.path.relpath(path, extract), f.read()))

    for name in LOMIRI_PHOTOS:
        add("photo", os.path.join(bg, name + ".jpg"))
    for path in sorted(glob.glob(os.path.join(bg, "mate", "nature", "*.jpg"))):
        add("photo", path)
    wallpapers = sorted(glob.glob(os.path.join(wp, "*")))
    for folder in wallpapers:
        images = glob.glob(os.path.join(folder, "contents", "images", "*.*"))
        if not images:
            continue
        largest = max(images, key=lambda p: os.path.getsize(p))
        group = "photo" if os.path.basename(folder) in PLASMA_PHOTOS else "illustration"
        add(group, largest)
    photos = {n + ".jpg" for n in LOMIRI_PHOTOS}
    for path in sorted(glob.glob(os.path.join(bg, "*.*")) + glob.glob(os.path.join(bg, "gnome", "*.webp"))
                       + glob.glob(os.path.join(bg, "sway", "*_2048x1536.png"))
                       + glob.glob(os.path.join(bg, "mate", "desktop", "*.*"))
                       + glob.glob(os.path.join(bg, "mate", "abstract", "*.*"))):
        base = os.path.basename(path)
        if base in photos or os.path.islink(path) or "vnc" in base or not base.lower().endswith(
                (".jpg", ".png", ".webp")) or "Elephants_" in base:
            continue
        add("illustration", path)
    for name, prefix in WHEELS.items():
        [wheel] = glob.glob(os.path.join(wheels, name.replace("-", "_") + "-*.whl"))
        keep = SKIMAGE_PHOTOS if name == "scikit-image" else SKLEARN_PHOTOS
        with zipfile.ZipFile(wheel) as z:
            for base in keep:
                out.append(("photo", name + "/" + base, z.read(prefix + base)))
    for path in sorted(glob.glob(os.path.join(REFERENCE, "**", "*.jpg"), recursive=True)):
        with open(path, "rb") as f:
            out.append(("reference", "pdq/" + os.path.relpath(path, REFERENCE), f.read()))
    return out


def resized(im, pixels):
    from PIL import Image

    scale = (pixels / (im.width * im.height)) ** 0.5
    return im.resize((max(1, round(im.width * scale)), max(1, round(im.height * scale))),
                     Image.LANCZOS)


def make_jpegs(corpus, extract, wheels):
    """Writes the corpus JPEGs and a manifest (group, variant, source, path)."""
    from PIL import Image

    out_dir = os.path.join(corpus, "jpegs")
    shutil.rmtree(out_dir, ignore_errors=True)
    os.makedirs(out_dir)
    manifest = []
    seen = set()
    for i, (group, name, data) in enumerate(sources(extract, wheels)):
        digest = hashlib.sha256(data).hexdigest()[:12]
        if digest in seen:
            continue
        seen.add(digest)
        im = Image.open(io.BytesIO(data))
        is_jpeg = im.format == "JPEG"
        im.load()
        if im.mode not in ("RGB", "L", "CMYK"):
            im = im.convert("RGB")
        stem = f"{i:03d}-" + os.path.splitext(os.path.basename(name))[0][:40]

        def save(variant, image, **kw):
            path = os.path.join(out_dir, f"{stem}-{variant}.jpg")
            image.save(path, "JPEG", **kw)
            manifest.append((group, variant, name, path))

        if is_jpeg and im.width * im.height <= MAX_PIXELS:
            path = os.path.join(out_dir, f"{stem}-native.jpg")
            with open(path, "wb") as f:
                f.write(data)
            manifest.append((group, "native", name, path))
        else:
            native = im if im.width * im.height <= MAX_PIXELS else resized(im, MAX_PIXELS)
            save("native", native, quality=92)
        if group == "reference" and not name.endswith(("aaa-orig.jpg", "exif-rotn-1.jpg", "CMYK.jpg")):
            continue  # the reference's other JPEGs are edits of these few photos
        if group == "illustration":
            continue  # large already; a contrast group, not the subject
        if im.mode == "CMYK":
            im = im.convert("RGB")
        save("12mp", resized(im, MAX_PIXELS), quality=90, progressive=i % 2 == 1)
        save("3mp", resized(im, 3_000_000), quality=85, progressive=i % 2 == 0,
             subsampling=0 if i % 3 == 0 else 2)
        if min(im.size) >= 1600:
            w, h = im.size
            save("crop", im.crop((w // 4, h // 4, w // 4 + w // 2, h // 4 + h // 2)), quality=90)
        if i % 5 == 0 and im.mode == "RGB":
            save("12mp-cmyk", resized(im, MAX_PIXELS).convert("CMYK"), quality=90)
        if i % 7 == 0 and im.mode == "RGB":
            save("12mp-grey", resized(im, MAX_PIXELS).convert("L"), quality=90, progressive=True)
    with open(os.path.join(corpus, "manifest.tsv"), "w", newline="") as f:
        csv.writer(f, delimiter="\t").writerows(manifest)
    return manifest


def percentile(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, max(0, int(round(p / 100 * (len(s) - 1)))))]


def histogram(values):
    bins = [(0, 0), (1, 2), (3, 4), (5, 8), (9, 16), (17, 24), (25, 31), (32, 256)]
    return "  ".join(f"{lo}-{hi if hi < 256 else ''}: {sum(lo <= v <= hi for v in values)}"
                     if lo != hi else f"{lo}: {sum(v == lo for v in values)}" for lo, hi in bins)


def summarise(rows, manifest):
    info = {path: (group, variant, source) for group, variant, source, path in manifest}
    photos = {info[r["file"]][2] for r in rows if info[r["file"]][0] == "photo"}
    sizes = [r["width"] * r["height"] for r in rows if r["min_side"] == rows[0]["min_side"]]
    count = {g: sum(1 for r in rows if info[r["file"]][0] == g and r["min_side"] == rows[0]["min_side"])
             for g in ("photo", "reference", "illustration")}
    print(f"corpus: {count['photo']} JPEGs from photographs, {count['reference']} of Meta's "
          f"reference JPEGs (and their re-encodings), {count['illustration']} rendered "
          f"illustrations; {len(photos)} distinct photographs besides Meta's; "
          f"{min(sizes)} pixels to {max(sizes) / 1e6:.1f} MP")
    print()
    loud = []
    for min_side in sorted({r["min_side"] for r in rows}):
        at = [r for r in rows if r["min_side"] == min_side]
        print(f"== min_side {min_side} ==")
        unscaled = [r for r in at if r["downscale"] == 1]
        changed = [r for r in unscaled if r["exact_hash"] != r["fast_hash"]]
        print(f"  decoded in full (too small to scale): {len(unscaled)} files, "
              f"{len(changed)} with a different hash" + ("  <-- BUG" if changed else ""))
        for group in ("photo + reference", "illustration"):
            scaled = [r for r in at if r["downscale"] > 1
                      and (info[r["file"]][0] == "illustration") == (group == "illustration")]
            if not scaled:
                continue
            d = [r["distance"] for r in scaled]
            by = {k: sum(r["downscale"] == k for r in scaled) for k in (2, 4, 8)}
            print(f"  {group}: {len(scaled)} scaled files (1/2: {by[2]}, 1/4: {by[4]}, 1/8: {by[8]})")
            print(f"    distance: median {statistics.median(d)}, p90 {percentile(d, 90)}, "
                  f"p99 {percentile(d, 99)}, max {max(d)}, mean {statistics.mean(d):.1f}")
            print(f"    histogram: {histogram(d)}")
            for k in (2, 4, 8):
                dk = [r["distance"] for r in scaled if r["downscale"] == k]
                if dk:
                    print(f"    at 1/{k}: median {statistics.median(dk)}, p90 {percentile(dk, 90)}, "
                          f"max {max(dk)}")
            over = [r for r in scaled if r["distance"] > THRESHOLD]
            if over:
                loud.append((min_side, group, over))
                print(f"    !!! {len(over)} FILES ABOVE THE MATCH THRESHOLD {THRESHOLD} !!!")
                for r in over:
                    print(f"        {r['distance']:3d}  1/{r['downscale']}  {r['file']}")
            else:
                print(f"    above the match threshold {THRESHOLD}: none")
            dq = [r["fast_q"] - r["exact_q"] for r in scaled]
            gate = sum((r["fast_q"] >= 50) != (r["exact_q"] >= 50) for r in scaled)
            print(f"    quality change (fast - exact): median {statistics.median(dq)}, "
                  f"min {min(dq)}, max {max(dq)}, mean {statistics.mean(dq):+.1f}; "
                  f"files crossing the quality-50 gate: {gate}")
            speed = [r["exact_ms"] / r["fast_ms"] for r in scaled]
            total = sum(r["exact_ms"] for r in scaled) / sum(r["fast_ms"] for r in scaled)
            print(f"    speedup of decode+hash (exact / fast time): median {statistics.median(speed):.2f}x, "
                  f"p10 {percentile(speed, 10):.2f}x, p90 {percentile(speed, 90):.2f}x, "
                  f"whole set {total:.2f}x")
            for k in (2, 4, 8):
                sk = [r["exact_ms"] / r["fast_ms"] for r in scaled if r["downscale"] == k]
                if sk:
                    print(f"    at 1/{k}: median speedup {statistics.median(sk):.2f}x")
            dspeed = [r["exact_decode_ms"] / r["fast_decode_ms"] for r in scaled]
            print(f"    speedup of decode alone: median {statistics.median(dspeed):.2f}x")
            big = [r for r in scaled if r["width"] * r["height"] >= 10e6]
            if big:
                print(f"    files of 10 MP or more ({len(big)}): median decode+hash exact "
                      f"{statistics.median(r['exact_ms'] for r in big):.0f} ms, fast "
                      f"{statistics.median(r['fast_ms'] for r in big):.0f} ms; decode alone "
                      f"{statistics.median(r['exact_decode_ms'] for r in big):.0f} / "
                      f"{statistics.median(r['fast_decode_ms'] for r in big):.0f} ms")
        print()
    if loud:
        print("!!! SOME FAST-PROFILE HASHES ARE FURTHER THAN THE MATCH THRESHOLD FROM THE EXACT ONES "
              "(see above) !!!")
    return loud


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus", metavar="CORPUS_DIR",
                    help="folder for the corpus, outside the repository (reused by later runs)")
    ap.add_argument("--min-side", default="256,512")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--rebuild", action="store_true", help="remake the corpus JPEGs")
    args = ap.parse_args()
    corpus = os.path.abspath(args.corpus)
    if os.path.commonpath([corpus, REPO]) == REPO:
        sys.exit("the corpus must stay outside the repository")
    extract, wheels = fetch(corpus)
    manifest_path = os.path.join(corpus, "manifest.tsv")
    if args.rebuild or not os.path.exists(manifest_path):
        manifest = make_jpegs(corpus, extract, wheels)
    else:
        with open(manifest_path, newline="") as f:
            manifest = [tuple(r) for r in csv.reader(f, delimiter="\t")]

    run(["cargo", "build", "--release", "--example", "fast_decode_eval"], cwd=REPO)
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(REPO, "target"))
    exe = os.path.join(target, "release", "examples", "fast_decode_eval")
    files = "\n".join(path for *_, path in manifest) + "\n"
    out = run([exe, "--min-side", args.min_side, "--repeat", str(args.repeat)], cwd=REPO,
              input=files, capture_output=True, text=True).stdout
    with open(os.path.join(corpus, "results.tsv"), "w") as f:
        f.write(out)
    keys = ["file", "width", "height", "min_side", "downscale", "exact_hash", "exact_q",
            "fast_hash", "fast_q", "distance", "exact_ms", "fast_ms", "exact_decode_ms",
            "fast_decode_ms"]
    rows = []
    for line in out.splitlines():
        r = dict(zip(keys, line.split("\t")))
        for k in ("width", "height", "min_side", "downscale", "exact_q", "fast_q", "distance"):
            r[k] = int(r[k])
        for k in ("exact_ms", "fast_ms", "exact_decode_ms", "fast_decode_ms"):
            r[k] = float(r[k])
        rows.append(r)
    print(f"per-file results: {os.path.join(corpus, 'results.tsv')}")
    loud = summarise(rows, manifest)
    # Fails only for the default min_side (JpegScaling::DEFAULT_MIN_SIDE);
    # smaller ones are reported above, loudly.
    sys.exit(1 if any(min_side == DEFAULT_MIN_SIDE for min_side, _, _ in loud) else 0)


if __name__ == "__main__":
    main()
