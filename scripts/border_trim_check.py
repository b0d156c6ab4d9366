#!/usr/bin/env python3
"""Border trim on copies that `percept eval` does not make.

Takes every 7th photo (in name order, at most 100) of a folder, lists the
originals' hashes, and makes eight kinds of bordered copy with Pillow
(another JPEG encoder than percept's): black letterboxes at JPEG q30, q50
and q75; a dark-grey pillarbox at q60 and a light one at q40; a screenshot
on a dark-mode canvas under a light status bar (q80); one on a mid-grey
canvas, slightly blurred (q70); and the picture at half size on a
near-white canvas (q85). Then it scans the copies with the given percept
binaries and prints, per kind, how many match their own original (a match
to another original is counted apart).

Usage: border_trim_check.py PHOTOS_DIR WORK_DIR PERCEPT [PERCEPT...]
Needs Pillow (pip install pillow).
"""
import collections
import json
import os
import subprocess
import sys

from PIL import Image, ImageFilter


def copies(im):
    w, h = im.size
    out = {}
    for q, top in ((30, 0.125), (50, 0.15), (75, 0.15)):
        c = Image.new("RGB", (w, int(h * (1 + 2 * top))), (0, 0, 0))
        c.paste(im, (0, int(h * top) + (3 if q == 30 else 0)))
        out[f"lbox-q{q}"] = (c, q)
    c = Image.new("RGB", (int(w * 1.4), h), (30, 30, 30))
    c.paste(im, (int(w * 0.2), 0))
    out["pbox-grey-q60"] = (c, 60)
    c = Image.new("RGB", (int(w * 1.3), h), (235, 235, 235))
    c.paste(im, (int(w * 0.15) + 5, 0))
    out["pbox-light-q40"] = (c, 40)
    cw, ch = (1080, 2340) if h >= w else (2340, 1080)
    s = min(0.7 * cw / w, 0.7 * ch / h)
    p = im.resize((max(1, int(w * s)), max(1, int(h * s))), Image.BILINEAR)
    c = Image.new("RGB", (cw, ch), (18, 18, 18))
    c.paste(Image.new("RGB", (cw, 60), (200, 200, 200)), (0, 0))
    c.paste(p, ((cw - p.size[0]) // 2, (ch - p.size[1]) // 3))
    out["shot-dark-q80"] = (c, 80)
    c = Image.new("RGB", (cw, ch), (128, 128, 128))
    c.paste(p, ((cw - p.size[0]) // 2, (ch - p.size[1]) // 2))
    out["shot-grey-blur-q70"] = (c.filter(ImageFilter.GaussianBlur(0.6)), 70)
    p = im.resize((max(1, w // 2), max(1, h // 2)), Image.LANCZOS)
    c = Image.new("RGB", (w, h), (250, 250, 250))
    c.paste(p, ((w - p.size[0]) // 2 + 1, (h - p.size[1]) // 2 + 3))
    out["canvas-light-q85"] = (c, 85)
    return out


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    photos, work, binaries = sys.argv[1], sys.argv[2], sys.argv[3:]
    names = sorted(os.listdir(photos))[::7][:100]
    made = os.path.join(work, "copies")
    os.makedirs(made, exist_ok=True)
    originals = [os.path.join(photos, n) for n in names]
    for path in originals:
        im = Image.open(path).convert("RGB")
        base = os.path.splitext(os.path.basename(path))[0]
        for kind, (c, q) in copies(im).items():
            c.save(os.path.join(made, f"{base}__{kind}.jpg"), quality=q)
    for binary in binaries:
        csv = subprocess.run([binary, "hash", *originals], capture_output=True, check=True).stdout
        hashes = os.path.join(work, "originals.csv")
        with open(hashes, "wb") as f:
            f.write(csv)
        listed = os.path.join(work, "originals.pcl")
        if os.path.exists(listed):
            os.remove(listed)
        subprocess.run([binary, "list", "build", hashes, "-o", listed], capture_output=True, check=True)
        scan = subprocess.run(
            [binary, "scan", "-q", "--list", listed, "--format", "json", made],
            capture_output=True,
        ).stdout.decode()
        found, total, other = collections.Counter(), collections.Counter(), 0
        for line in scan.splitlines():
            r = json.loads(line)
            if "summary" in r:
                continue
            base, kind = os.path.basename(r["file"]).rsplit("__", 1)
            kind = kind.rsplit(".", 1)[0]
            total[kind] += 1
            if r["verdict"] == "match":
                label = os.path.splitext(os.path.basename(r.get("label") or ""))[0]
                if label == base:
                    found[kind] += 1
                else:
                    other += 1
        print(f"{binary}: {len(originals)} originals")
        for kind in sorted(total):
            print(f"  {kind:20s} {found[kind]:4d} / {total[kind]}")
        print(f"  matched another original: {other}")


if __name__ == "__main__":
    main()
