#!/usr/bin/env python3
r"""Regenerates the sample images in testdata/images/ (deterministic).

Every image is made here from arithmetic and a seeded generator, so the
project owns them outright. Needs numpy and Pillow:
    pip install numpy pillow
    python3 scripts/make_testdata.py

The sample list is then made with percept itself (an existing output is
removed first: `list build` refuses to write a version that is not above
the list it replaces):
    percept hash testdata/images/waves-320x240.png testdata/images/grey-200x150.png > testdata/sample-list.csv
    rm -f testdata/sample-list.pcl
    percept list build testdata/sample-list.csv --exact-files testdata/images/other-rgba-180x300.png \
        --prefilter-key 7065726365707420746573746461746f -o testdata/sample-list.pcl

The signed sample lists in testdata/signed/ (two public TEST-ONLY keys with
fixed seeds; see testdata/signed/README.md) are made the same way:
    printf '%s\n' 1111111111111111111111111111111111111111111111111111111111111111 > testdata/signed/test-key-a.secret
    printf '%s\n' 2222222222222222222222222222222222222222222222222222222222222222 > testdata/signed/test-key-b.secret
    for v in 1 2; do
        rm -f /tmp/sample-v$v.pcl
        percept list build testdata/sample-list.csv --exact-files testdata/images/other-rgba-180x300.png \
            --prefilter-key 7065726365707420746573746461746f --list-version $v -o /tmp/sample-v$v.pcl
    done
    percept list sign /tmp/sample-v2.pcl --secret-key testdata/signed/test-key-a.secret -o testdata/signed/sample-v2-signed-a.pcl
    percept list sign /tmp/sample-v1.pcl --secret-key testdata/signed/test-key-a.secret -o testdata/signed/sample-v1-signed-a.pcl
    percept list sign /tmp/sample-v2.pcl --secret-key testdata/signed/test-key-b.secret -o testdata/signed/sample-v2-signed-b.pcl
    percept list info testdata/signed/sample-v2-signed-a.pcl | sed -n 's/^signed by: *\([0-9a-f]\{64\}\) .*/\1/p' > testdata/signed/test-key-a.pub
    percept list info testdata/signed/sample-v2-signed-b.pcl | sed -n 's/^signed by: *\([0-9a-f]\{64\}\) .*/\1/p' > testdata/signed/test-key-b.pub
(`percept list keygen` draws a random seed, so the fixed test seeds are
written directly; tests/cli.rs checks that the signed lists rebuild byte
for byte.) testdata/sample-list-format2.pcl is the sample list as list
format version 2 (before exact-file ids and labels) wrote it, kept so that
tests/db_file.rs checks that such lists still open.
"""
import os

import numpy as np
from PIL import Image

OUT = os.path.join(os.path.dirname(__file__), "..", "testdata", "images")
# Images for border trim, kept apart from the sample folder the README scans.
TRIM = os.path.join(os.path.dirname(__file__), "..", "testdata", "trim")


def smooth(h, w, seed, noise=6.0):
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    chans = []
    for c in range(3):
        v = np.zeros((h, w))
        for _ in range(5):
            fx, fy = rng.uniform(0.5, 6.0, 2) / max(h, w)
            ph = rng.uniform(0, 2 * np.pi)
            v += rng.uniform(20, 50) * np.sin(2 * np.pi * (fx * x * 3 + fy * y * 2) + ph)
        v += rng.normal(0, noise, (h, w))
        chans.append(v)
    img = np.stack(chans, axis=-1)
    img = (img - img.min()) / (img.max() - img.min()) * 235 + 10
    return np.clip(img, 0, 255).astype(np.uint8)


def main():
    os.makedirs(OUT, exist_ok=True)
    a = smooth(240, 320, 1)
    Image.fromarray(a).save(os.path.join(OUT, "waves-320x240.png"), optimize=True)
    # The same picture rotated and mirrored: PDQ's dihedral hashes find them.
    Image.fromarray(np.rot90(a).copy()).save(os.path.join(OUT, "waves-320x240-rot90.png"), optimize=True)
    Image.fromarray(a[:, ::-1].copy()).save(os.path.join(OUT, "waves-320x240-mirrored.png"), optimize=True)
    # A lossy copy: a few bits away from the original.
    Image.fromarray(a).save(os.path.join(OUT, "waves-320x240-q85.jpg"), quality=85)
    b = smooth(150, 200, 2)
    Image.fromarray(b).convert("L").save(os.path.join(OUT, "grey-200x150.png"), optimize=True)
    c = smooth(300, 180, 3, noise=20.0)
    rgba = np.dstack([c, np.full(c.shape[:2], 255, np.uint8)])
    Image.fromarray(rgba, "RGBA").save(os.path.join(OUT, "other-rgba-180x300.png"), optimize=True)
    # Unrelated pictures: no match against the sample list.
    Image.fromarray(smooth(160, 240, 5, noise=3.0)).save(os.path.join(OUT, "unrelated-240x160.png"), optimize=True)
    Image.fromarray(smooth(200, 200, 6)).save(os.path.join(OUT, "unrelated-200x200.jpg"), quality=80)
    Image.fromarray(np.full((64, 64, 3), 128, np.uint8)).save(os.path.join(OUT, "flat-64x64.png"))
    Image.fromarray(smooth(4, 4, 4)).save(os.path.join(OUT, "tiny-4x4.png"))
    # The listed picture letterboxed (black bars above and below): only
    # border trim matches it.
    os.makedirs(TRIM, exist_ok=True)
    boxed = np.zeros((400, 320, 3), np.uint8)
    boxed[80:320] = a
    Image.fromarray(boxed).save(os.path.join(TRIM, "waves-320x240-letterboxed.png"), optimize=True)


if __name__ == "__main__":
    main()
