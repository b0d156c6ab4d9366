#!/usr/bin/env python3
"""Writes testdata/expected-pdqhash.csv: PDQ hashes of the RGB sample images
computed by `pdqhash` (PyPI: Meta's C++ core behind Python), for the test
tests/testdata_images.rs to compare against.

    pip install pdqhash numpy pillow
    python3 scripts/testdata_expected.py

Only images without a greyscale source are listed: pdqhash takes RGB arrays,
so it would push a grey image through the RGB luma path, where percept (like
the C++ reference tool) uses the grey path. pdqhash computes luma in float64
before rounding to float32, which the C++ core does not; on these
non-symmetric images that makes no difference (the test would show it).
JPEG pixels are decoded by Pillow here, so JPEG rows are compared within a
bound, not exactly.
"""
import csv
import os

import numpy as np
import pdqhash
from PIL import Image

ROOT = os.path.join(os.path.dirname(__file__), "..")
IMAGES = os.path.join(ROOT, "testdata", "images")
NAMES = ["orig", "rot90", "rot180", "rot270", "flipx", "flipy", "flipplus1", "flipminus1"]


def to_hex(bits):
    # pdqhash returns the bits most significant first (index 0 is bit 255),
    # which is also the order of the 64-character text form.
    return f"{int(''.join(str(int(b)) for b in bits), 2):064x}"


def main():
    rows = []
    for name in sorted(os.listdir(IMAGES)):
        img = Image.open(os.path.join(IMAGES, name))
        if img.mode in ("L", "1", "LA", "I;16", "I"):
            continue
        rgb = np.asarray(img.convert("RGB"))
        if min(rgb.shape[:2]) < 5:
            continue  # pdqhash's numpy path needs no special case, but skip trivia
        h, q = pdqhash.compute(rgb)
        dih, dq = pdqhash.compute_dihedral(rgb)
        rows.append([name, to_hex(h), q] + [to_hex(d) for d in dih])
    out = os.path.join(ROOT, "testdata", "expected-pdqhash.csv")
    with open(out, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["file", "hash", "quality"] + ["dih_" + n for n in NAMES])
        w.writerows(rows)
    print(f"wrote {len(rows)} rows to {out}")


if __name__ == "__main__":
    main()
