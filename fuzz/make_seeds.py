#!/usr/bin/env python3
"""Writes the fuzzers' seed corpora into fuzz/seeds/ (checked in).

Every seed is generated here (small images drawn with Pillow) or copied from
the project's own testdata. Rerun after changing a format:
    pip install pillow && python3 fuzz/make_seeds.py
"""
import io
import os
import shutil

from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SEEDS = os.path.join(HERE, "seeds")


def put(target, name, data):
    d = os.path.join(SEEDS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def image(mode, size, fmt, **kw):
    w, h = size
    im = Image.new(mode, size)
    px = im.load()
    for y in range(h):
        for x in range(w):
            v = (x * 37 + y * 11) % 256
            px[x, y] = {"L": v, "RGB": (v, 255 - v, x * 8 % 256), "RGBA": (v, y * 9 % 256, 40, 200), "P": v % 16}[mode]
    out = io.BytesIO()
    im.save(out, fmt, **kw)
    return out.getvalue()


def main():
    shutil.rmtree(SEEDS, ignore_errors=True)
    put("decode_hash", "rgb.png", image("RGB", (12, 9), "PNG"))
    put("decode_hash", "grey.png", image("L", (7, 5), "PNG"))
    put("decode_hash", "palette.png", image("P", (6, 6), "PNG"))
    put("decode_hash", "rgba.png", image("RGBA", (5, 8), "PNG"))
    put("decode_hash", "baseline.jpg", image("RGB", (16, 16), "JPEG", quality=80))
    put("decode_hash", "progressive.jpg", image("RGB", (16, 16), "JPEG", progressive=True))
    put("decode_hash", "grey.jpg", image("L", (9, 9), "JPEG"))
    cmyk = io.BytesIO()
    Image.new("CMYK", (8, 8), (10, 200, 30, 5)).save(cmyk, "JPEG")
    put("decode_hash", "cmyk.jpg", cmyk.getvalue())
    put("decode_hash", "small.gif", image("P", (10, 7), "GIF"))
    put("decode_hash", "small.webp", image("RGB", (10, 7), "WEBP", lossless=True))
    put("decode_hash", "lossy.webp", image("RGB", (40, 30), "WEBP", quality=80))
    put("decode_hash", "small.bmp", image("RGB", (6, 4), "BMP"))
    put("decode_hash", "small.tif", image("RGB", (6, 4), "TIFF"))
    shutil.copy(os.path.join(ROOT, "testdata/images/tiny-4x4.png"), os.path.join(SEEDS, "decode_hash"))

    # pixel_view: arbitrary's layout of the Input struct is not stable to
    # hand-write; a few byte strings of plausible lengths give it material.
    for n in (16, 64, 300, 1200):
        put("pixel_view", f"bytes-{n}", bytes((i * 7 + 3) % 256 for i in range(n)))

    with open(os.path.join(ROOT, "testdata/sample-list.pcl"), "rb") as f:
        put("list_file", "sample-list.pcl", f.read())

    # ffi: the first bytes pick the entry point and sizes (arbitrary's
    # layout), the rest is the payload: an image, a list, hex text.
    for which in range(5):
        head = bytes([which, 12, 0, 9, 0, 36, 0, 0, 0, 0, 0, 40])
        payload = {0: image("RGB", (12, 9), "PNG"), 1: bytes(range(256)) * 2,
                   3: image("RGB", (16, 16), "JPEG")}.get(which, b"")
        if which == 2:
            with open(os.path.join(ROOT, "testdata/sample-list.pcl"), "rb") as f:
                payload = f.read()
        if which == 4:
            payload = b"f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22"
        put("ffi", f"entry-{which}", head + payload)

    put("hex", "hash", b"f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22")
    put("hex", "upper", b"F8F8F0CEE0F4A84F06370A22038F63F0B36E2ED596621E1D33E6B39C4E9C9B22\n")

    with open(os.path.join(ROOT, "testdata/sample-list.csv"), "rb") as f:
        put("importers", "reference.csv", f.read())
    put("importers", "hex.txt", b"f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22\nblake3:" + b"ab" * 32 + b"\n")
    put("importers", "hma.csv", b"hash,indicator_id,signal_type\nf8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22,123,pdq\n")
    put("importers", "te.csv", b"indicator_type,indicator,id\nHASH_PDQ,f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22,99\n")


if __name__ == "__main__":
    main()
