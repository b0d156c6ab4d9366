#!/usr/bin/env bash
# fetch_eval_corpus.sh — build the image corpus for `percept eval` from Debian packages.
#
# usage:  bash scripts/fetch_eval_corpus.sh OUT_DIR   (outside the repository; ~1 GB while it runs)
#
# What it does (no root needed, except that apt's package lists must exist:
# on a fresh machine run `apt-get update` once, as root):
#   1. `apt-get download` the Debian 12 (bookworm) packages listed below, at the
#      pinned versions (a newer point-release version is used, with a warning,
#      if the pinned one is gone from the archive; STRICT=1 makes that an error).
#   2. extracts only the image files that the rules below select, and the copyright
#      files (`dpkg-deb --fsys-tarfile`), also from GCompris' Qt resource bundles (*.rcc).
#   3. makes a Python venv with pillow, numpy and pdqhash (Meta's C++ PDQ; the
#      sdist compiles, so g++ is needed) from PyPI, pinned.
#   4. selects the images by per-package path rules (curated by looking at the
#      images: photos, astro, cut-outs, drawings), drops images under 128 px,
#      de-duplicates (same bytes; same picture at another size/format/rotation,
#      found by PDQ and confirmed by thumbnails), and writes
#        OUT_DIR/photos/    full-frame natural photographs
#        OUT_DIR/drawings/  clip art, cartoons, drawn symbols
#        OUT_DIR/astro/     astronomical / space photographs (mostly black sky)
#        OUT_DIR/cutouts/   photographed objects cut out on transparency (flattened on white)
#        OUT_DIR/manifest.tsv    one row per kept file: source package + version, path,
#                                licence, size, sha256, PDQ hash + quality, cluster, twins
#        OUT_DIR/candidates.tsv  every selected source file and what happened to it
#        OUT_DIR/pdq_twins.tsv   distinct kept pictures that PDQ still puts within 31
#        OUT_DIR/summary.txt, summary.json, versions.txt
# Files are kept byte-identical (JPEG/PNG/WebP) unless they have transparency, an
# EXIF rotation or another format (GIF/TIFF/BMP/PPM): those are decoded, flattened
# (white; black for astro) and stored as PNG. SVG files are skipped and counted.
#
# Environment: KEEP_DEBS=1 keeps the downloaded .deb files in OUT_DIR/work/debs (~0.9 GB;
#              by default each is deleted once its images are extracted);
#              KEEP_TREE=1 keeps the extracted images (OUT_DIR/work/tree), so that a re-run
#              with changed rules skips steps 1-2 (and the hashes, cached in OUT_DIR/work/hashcache.pkl, are reused);
#              STRICT=1 refuses package versions other than the pinned ones.
# Runtime on 2 cores: ~3 min download+extract, ~2 min pdqhash build, ~10 min hashing.
set -euo pipefail

if [[ $# -lt 1 ]]; then
  echo "usage: bash scripts/fetch_eval_corpus.sh OUT_DIR" >&2
  exit 2
fi
OUT=$(mkdir -p "$1" && cd "$1" && pwd)
WORK=$OUT/work
DEBS=$WORK/debs
TREE=$WORK/tree
VENV=$WORK/venv
KEEP_TREE=${KEEP_TREE:-0}
KEEP_DEBS=${KEEP_DEBS:-0}
STRICT=${STRICT:-0}
T0=$(date +%s)
say() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*"; }

for t in apt-get apt-cache dpkg-deb tar python3 sha256sum; do
  command -v "$t" >/dev/null || { echo "missing tool: $t" >&2; exit 2; }
done
mkdir -p "$DEBS" "$TREE"

# ------------------------------------------------------------------ pinned inputs
# Debian 12 (bookworm, main) packages: name=version
PACKAGES="
afterstep-data=2.2.12-15
darknet=0.0.0+git20180914.61c9d02e-2+b4
digikam-data=4:7.9.0-1
forensics-samples-files=1.1.4-5
gcompris-qt-data=3.1-2
gdk-pixbuf-tests=2.42.10+dfsg-1+deb12u4
gnome-control-center-data=1:43.6-2~deb12u1
golang-github-disintegration-imaging-dev=1.6.2-2
golang-github-rwcarlsen-goexif-dev=0.0~git20190401.9e8deec-2
gramps=5.1.5-1
imagemagick-6-doc=8:6.9.11.60+dfsg-1.6+deb12u16
kalzium-data=4:22.12.3-1
kodi-data=2:20.1+dfsg-1
kphotoalbum=5.9.1-1
krank=0.7+dfsg2-4
labelme-examples=5.1.1-1
libdlib19.1=19.24+dfsg-1
libelementary-data=1.26.3-1
libjs-jquery-backstretch=2.1.17-4
libjs-jquery-colorbox=1.6.4-1.1
libjs-jquery-slides=12-4
libjxl-testdata=0.0~git20230110.d6168ff-1
lomiri-wallpapers-16.04=20.04.0-2
lomiri-wallpapers-20.04=20.04.0-2
lxqt-themes=1.2.0-1
mate-backgrounds=1.26.0-1
mate-screensaver-common=1.26.1-1+deb12u1
nip2=8.7.1-4
node-opencv=7.0.0+git20200316.f0a03a4b-1+b3
openclipart-png=1:0.18+dfsg-19
opencv-doc=4.6.0+dfsg-12
palapeli-data=4:22.12.3-1
plasma-workspace-wallpapers=4:5.27.5-2
psychtoolbox-3-common=3.0.18.12.dfsg1-1.1
pysiogame=4.20.01-1
python-matplotlib-data=3.6.3-1
python3-pattern=2.6+git20180818-4
python3-skimage=0.19.3-8
python3-sklearn=1.2.1+dfsg-1
qt5-quick-demos=5.15.8-2
scratch=1.4.0.6~dfsg1-6.1
scribus-template=1.2.4.1-6
stellarium-data=0.22.2-1
tuxpaint-stamps-default=2022.06.04-1
"
PY_PINS="pillow==13.0.0 numpy==2.4.6 pdqhash==0.2.8"

# ------------------------------------------------------------------ helpers (embedded)
cat > "$WORK/extract.py" <<'PY'
#!/usr/bin/env python3
"""extract.py tar DEST RULES PKG < data.tar : extract from a package's data tar the files that a
                                             rule of PKG selects, its copyright file and *.rcc bundles
   extract.py rcc DEST RULES PKG FILE.rcc... : extract from Qt resource bundles the files that a rule
                                             of PKG selects, as DEST/rcc/<bundle>/<path>"""
import os
import re
import struct
import sys
import tarfile
import zlib

IMG = re.compile(r'\.(jpe?g|png|webp|gif|bmp|tiff?|ppm|pgm|svgz?)$', re.I)


def wanted(rules_f, pkg):
    rx = [re.compile(f[2]) for f in (l.rstrip('\n').split('\t') for l in open(rules_f))
          if len(f) > 2 and f[0] == pkg and f[1] not in ('exclude', 'licence') and not f[0].startswith('#')]
    return lambda rel: bool(IMG.search(rel)) and any(r.search(rel) for r in rx)


def safe_join(dest, name):
    p = os.path.normpath(os.path.join(dest, name.lstrip('./')))
    if not p.startswith(os.path.abspath(dest) + os.sep):
        raise ValueError('unsafe path ' + name)
    return p


def from_tar(dest, want, pkg):
    n = 0
    with tarfile.open(fileobj=sys.stdin.buffer, mode='r|*') as t:
        for m in t:
            rel = m.name[2:] if m.name.startswith('./') else m.name
            if m.isfile() and (want(rel) or rel.endswith('.rcc') or (rel.startswith('usr/share/doc/') and rel.endswith('/copyright'))):
                p = safe_join(dest, m.name)
                os.makedirs(os.path.dirname(p), exist_ok=True)
                with open(p, 'wb') as f:
                    f.write(t.extractfile(m).read())
                n += 1
    print(n)


def from_rcc(dest, want, files):
    """Qt rcc format 1-3: header 'qres', version, tree/data/names offsets; tree nodes of
    14 (v1) or 22 bytes; flag 1 = zlib (4-byte length prefix), 2 = directory, 4 = zstd."""
    total = 0
    for path in files:
        b = open(path, 'rb').read()
        if b[:4] != b'qres':
            raise ValueError('not an rcc file: ' + path)
        ver, tree, data, names = struct.unpack('>IIII', b[4:20])
        node = 14 if ver == 1 else 22
        bundle = 'rcc/' + os.path.basename(path)[:-4] + '/'

        def name(off):
            p = names + off
            ln, = struct.unpack('>H', b[p:p + 2])
            return b[p + 6:p + 6 + 2 * ln].decode('utf-16-be')

        def walk(idx, prefix):
            nonlocal total
            p = tree + idx * node
            noff, flags = struct.unpack('>IH', b[p:p + 6])
            nm = name(noff) if idx else ''
            if flags & 2:
                cnt, first = struct.unpack('>II', b[p + 6:p + 14])
                for c in range(first, first + cnt):
                    walk(c, prefix + nm + '/' if idx else prefix)
                return
            doff, = struct.unpack('>I', b[p + 10:p + 14])
            q = data + doff
            sz, = struct.unpack('>I', b[q:q + 4])
            blob = b[q + 4:q + 4 + sz]
            if flags & 4:
                return                      # zstd: not used by these bundles
            if not want(bundle + prefix + nm):
                return
            if flags & 1:
                blob = zlib.decompress(blob[4:])
            dst = safe_join(dest, bundle + prefix + nm)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            open(dst, 'wb').write(blob)
            total += 1
        walk(0, '')
    print(total)


if __name__ == '__main__':
    w = wanted(sys.argv[3], sys.argv[4])
    if sys.argv[1] == 'tar':
        from_tar(sys.argv[2], w, sys.argv[4])
    else:
        from_rcc(sys.argv[2], w, sys.argv[5:])
PY
cat > "$WORK/build_corpus.py" <<'PY'
#!/usr/bin/env python3
"""Select, normalise, de-duplicate and describe the percept eval corpus.

usage: build_corpus.py RULES TREE OUT PKGINFO [CACHE]

RULES    TSV: package, category, regex on the installed path [, family regex].
         Category 'exclude' drops matching files of that package; otherwise
         the first matching rule of the package gives the category
         (photo, astro, cutout, drawing).
TREE     one folder per package: TREE/<package>/<installed tree>
OUT      gets photos/ drawings/ astro/ cutouts/, manifest.tsv,
         candidates.tsv, pdq_twins.tsv, summary.txt, summary.json
PKGINFO  TSV: package, version, .deb sha256, .deb bytes
CACHE    pickle of decoded-image facts and hashes, keyed by (sha256, category)
"""
import fnmatch
import hashlib
import json
import os
import pickle
import re
import shutil
import sys
import time
import warnings

import numpy as np
import pdqhash
from PIL import Image, ImageOps

warnings.filterwarnings('ignore')
Image.MAX_IMAGE_PIXELS = 300_000_000

MIN_SIDE = 128       # smaller images are dropped (icons, thumbnails)
MAX_PIXELS = 8192 * 8192   # larger ones too: percept's default decode limit (67,108,864 pixels)
PDQ_T = 31           # PDQ distance (min over the 8 rotations/flips) that makes a pair a candidate
THUMB_CORR = 0.97    # or: 16x16 grey thumbnails correlate this well
SAME_CORR = 0.98     # a candidate pair is the same picture when, for the best of the 8 rotations/flips,
GREY_MAD = 8.0       # its 64x64 grey thumbnails correlate >= SAME_CORR and differ by <= GREY_MAD levels,
RGB_MAD = 12.0       # and its 32x32 colour thumbnails differ by <= RGB_MAD (unless one is grey)
CAT_DIR = {'photo': 'photos', 'drawing': 'drawings', 'astro': 'astro', 'cutout': 'cutouts'}
CAT_PRIO = {'photo': 0, 'astro': 1, 'cutout': 2, 'drawing': 3}
IMG_RE = re.compile(r'\.(jpe?g|png|webp|gif|bmp|tiff?|ppm|pgm|svgz?)$', re.I)
KEEP_FMT = {'JPEG': 'jpg', 'PNG': 'png', 'WEBP': 'webp'}


def log(*a):
    print(time.strftime('%H:%M:%S'), *a, flush=True)


# ------------------------------------------------------------------ licences
def parse_dep5(path):
    """[(patterns, licence)] of a machine-readable debian/copyright, or None."""
    try:
        txt = open(path, encoding='utf-8', errors='replace').read()
    except OSError:
        return None
    if not re.match(r'\s*Format(-Specification)?:', txt):
        return None
    stanzas = []
    for para in re.split(r'\n\s*\n', txt):
        files, lic, cur = None, None, None
        for line in para.split('\n'):
            m = re.match(r'^(\S[^:]*):\s*(.*)$', line)
            if m:
                cur = m.group(1).lower()
                if cur == 'files':
                    files = m.group(2).split()
                elif cur in ('license', 'licence'):
                    lic = m.group(2).strip()
            elif cur == 'files' and line[:1] in (' ', '\t'):
                files += line.split()
            elif cur in ('license', 'licence') and not lic and line.strip():
                lic = line.strip()[:60]
        if files and lic:
            stanzas.append((files, lic))
    return stanzas


def licence_for(stanzas, relpath, fallback):
    """Licence of the last DEP-5 stanza whose Files pattern matches a suffix of
    the installed path, else whose pattern's file name matches the file name
    (source and installed paths differ: best effort), else the fallback."""
    if not stanzas:
        return fallback
    parts = relpath.split('/')
    best = None
    for pats, lic in stanzas:
        if any(p == '*' or any(fnmatch.fnmatchcase('/'.join(parts[i:]), p) for i in range(1, len(parts))) for p in pats):
            best = lic
    if best is None:
        for pats, lic in stanzas:
            if any('/' in p and fnmatch.fnmatchcase(parts[-1], p.rsplit('/', 1)[1]) and p.rsplit('/', 1)[1] != '*' for p in pats):
                best = lic
    return best or fallback


# ------------------------------------------------------------------ pixels
def load(path):
    im = Image.open(path)
    im.seek(0)
    return ImageOps.exif_transpose(im)


def has_alpha(im):
    return 'A' in im.mode or 'transparency' in im.info


def to_rgb(im, cat):
    """The pixels stored in the corpus: transparency is composited onto white
    (black for astronomical images, drawn on a black sky), so stored files have
    no alpha and every PDQ implementation sees the same pixels."""
    if im.mode in ('I;16', 'I;16B', 'I;16L', 'I'):
        im = Image.fromarray((np.asarray(im).astype(np.uint32) >> 8).clip(0, 255).astype(np.uint8))
    if has_alpha(im):
        rgba = im.convert('RGBA')
        bg = Image.new('RGBA', rgba.size, (0, 0, 0, 255) if cat == 'astro' else (255, 255, 255, 255))
        bg.alpha_composite(rgba)
        return bg.convert('RGB')
    return im if im.mode == 'RGB' else im.convert('RGB')


def dihedral(a):
    out = []
    for k in range(4):
        r = np.rot90(a, k)
        out += [r, r[:, ::-1]]
    return out


def same_picture(a, b):
    """a, b: (64x64 grey, 32x32x3 colour) float thumbnails; best over the 8 rotations/flips of b."""
    ag, ac = a
    bg, bc = b
    u = ag - ag.mean()
    nu = np.sqrt((u * u).sum())
    grey = np.abs(ac - ac.mean(axis=2, keepdims=True)).mean() < 2.0 or np.abs(bc - bc.mean(axis=2, keepdims=True)).mean() < 2.0
    best = (-2.0, 0.0, 0.0)
    for xg, xc in zip(dihedral(bg), dihedral(bc)):
        v = xg - xg.mean()
        corr = float((u * v).sum() / (nu * np.sqrt((v * v).sum()) + 1e-9))
        if corr > best[0]:
            best = (corr, float(np.abs(ag - xg).mean()), 0.0 if grey else float(np.abs(ac - xc).mean()))
    return best[0] >= SAME_CORR and best[1] <= GREY_MAD and best[2] <= RGB_MAD, best


def pdq_words(bits):
    return np.frombuffer(np.packbits(np.asarray(bits, dtype=np.uint8)).tobytes(), dtype='>u8').astype(np.uint64)


class UF:
    def __init__(self, n):
        self.p = list(range(n))

    def find(self, a):
        while self.p[a] != a:
            self.p[a] = self.p[self.p[a]]
            a = self.p[a]
        return a

    def union(self, a, b):
        a, b = self.find(a), self.find(b)
        if a != b:
            self.p[max(a, b)] = min(a, b)


def dih_min_dist(words0, dih_all):
    """words0: b x 4 (original orientation), dih_all: n x 8 x 4 -> b x n min distance."""
    d = None
    for k in range(8):
        x = np.bitwise_count(np.bitwise_xor(words0[:, None, :], dih_all[None, :, k, :])).sum(axis=-1)
        d = x if d is None else np.minimum(d, x)
    return d


# ------------------------------------------------------------------ main
def main():
    rules_f, root, out, pkginfo_f = sys.argv[1:5]
    cache_f = sys.argv[5] if len(sys.argv) > 5 else os.path.join(out, '.hashcache.pkl')
    t0 = time.time()
    os.makedirs(out, exist_ok=True)
    pkginfo = {}
    for line in open(pkginfo_f):
        f = line.rstrip('\n').split('\t')
        if len(f) >= 2:
            pkginfo[f[0]] = f[1]
    rules = []
    for line in open(rules_f):
        if line.strip() and not line.startswith('#'):
            f = line.rstrip('\n').split('\t')
            rules.append((f[0], f[1], f[2] if f[1] == 'licence' else re.compile(f[2]),
                          re.compile(f[3]) if len(f) > 3 and f[3] else None))

    # ---- 1. candidates
    cands, per_pkg, svg_skipped = [], {}, 0
    for pkg in sorted({r[0] for r in rules}):
        d = os.path.join(root, pkg)
        if not os.path.isdir(d):
            log('WARNING: package not extracted:', pkg)
            continue
        cr = f'{d}/usr/share/doc/{pkg}/copyright'
        if not os.path.exists(cr):
            found = sorted(os.path.join(dp, 'copyright') for dp, _, fn in os.walk(f'{d}/usr/share/doc') if 'copyright' in fn)
            cr = found[0] if found else None
        stanzas = parse_dep5(cr) if cr else None
        star = next((lic for pats, lic in stanzas if '*' in pats), None) if stanzas else None
        override = next((r[2] for r in rules if r[0] == pkg and r[1] == 'licence'), None)
        fallback = star or (('one of: ' + '; '.join(sorted({lic for _, lic in stanzas}))) if stanzas else
                            f'see /usr/share/doc/{pkg}/copyright')
        per_pkg[pkg] = {'version': pkginfo.get(pkg, '?'), 'licence_files_star': star, 'dep5': stanzas is not None,
                        'licences_in_copyright': sorted({lic for _, lic in stanzas}) if stanzas else None}
        per_pkg[pkg]['licence_override'] = override
        excl = [r[2] for r in rules if r[0] == pkg and r[1] == 'exclude']
        inc = [r for r in rules if r[0] == pkg and r[1] not in ('exclude', 'licence')]
        for dp, dn, fn in os.walk(d):
            dn.sort()
            for f in sorted(fn):
                p = os.path.join(dp, f)
                rel = os.path.relpath(p, d)
                if not IMG_RE.search(f) or os.path.islink(p) or any(x.search(rel) for x in excl):
                    continue
                for _, cat, rx, fam in inc:
                    if rx.search(rel):
                        if f.lower().endswith(('.svg', '.svgz')):
                            svg_skipped += 1
                            break
                        m = fam.search(rel) if fam else None
                        cands.append({'pkg': pkg, 'cat': cat, 'path': p, 'rel': rel,
                                      'family': f'{pkg}:{m.group(1)}' if m else None,
                                      'licence': override or licence_for(stanzas, rel, fallback)})
                        break
    log(f'{len(cands)} candidate files ({svg_skipped} SVG skipped)')

    # ---- 2. decode and hash (cached by content and category)
    try:
        cache = pickle.load(open(cache_f, 'rb'))
    except Exception:  # noqa: BLE001
        cache = {}
        ok = []
    for i, c in enumerate(cands):
        b = open(c['path'], 'rb').read()
        c['sha256'], c['bytes'] = hashlib.sha256(b).hexdigest(), len(b)
        key = (c['sha256'], c['cat'])
        if key not in cache:
            e = {}
            try:
                im = load(c['path'])
                e.update(fmt=Image.open(c['path']).format, w=im.size[0], h=im.size[1], has_alpha=int(has_alpha(im)))
                if min(im.size) < MIN_SIDE:
                    e['status'] = 'too-small'
                elif im.size[0] * im.size[1] > MAX_PIXELS:
                    e['status'] = 'too-large'
                else:
                    rgb = to_rgb(im, c['cat'])
                    hashes, q = pdqhash.compute_dihedral(np.asarray(rgb))
                    g = np.asarray(rgb.convert('L').resize((16, 16), Image.BILINEAR), dtype=np.float32).ravel()
                    g -= g.mean()
                    nrm = np.linalg.norm(g)
                    e.update(status='ok', quality=int(q), dih=np.stack([pdq_words(h) for h in hashes]),
                             t16=g / nrm if nrm > 1e-6 else g,
                             t64=np.asarray(rgb.convert('L').resize((64, 64), Image.BILINEAR), dtype=np.uint8),
                             t32=np.asarray(rgb.resize((32, 32), Image.BILINEAR), dtype=np.uint8))
                    e['pdq'] = np.packbits(np.asarray(hashes[0], dtype=np.uint8)).tobytes().hex()
            except Exception as ex:  # noqa: BLE001
                e = {'status': 'undecodable:' + type(ex).__name__}
            cache[key] = e
        c.update(cache[key])
        if c['status'] == 'ok':
            ok.append(c)
        if (i + 1) % 2000 == 0:
            log(f'hashed {i + 1}/{len(cands)}')
    pickle.dump(cache, open(cache_f, 'wb'))
    log(f'{len(ok)} images decoded and hashed (min side >= {MIN_SIDE}px)')

    # ---- 3. same-picture clusters
    n = len(ok)
    uf = UF(n)
    first = {}
    for i, c in enumerate(ok):                      # exact bytes and declared families
        for k in (('sha', c['sha256']), ('fam', c['family'])):
            if k[1] is None:
                continue
            if k in first:
                uf.union(first[k], i)
            else:
                first[k] = i
    dih = np.stack([c['dih'] for c in ok]) if n else np.zeros((0, 8, 4), np.uint64)
    t16 = np.stack([c['t16'] for c in ok]) if n else np.zeros((0, 256), np.float32)
    thumbs = [(c['t64'].astype(np.float32), c['t32'].astype(np.float32)) for c in ok]
    n_cand = n_same = 0
    for s in range(0, n, 256):
        d = dih_min_dist(dih[s:s + 256, 0, :], dih)
        corr = t16[s:s + 256] @ t16.T
        for a, b in zip(*np.nonzero((d <= PDQ_T) | (corr >= THUMB_CORR))):
            a += s
            if a < b:
                n_cand += 1
                same, _ = same_picture(thumbs[a], thumbs[b])
                if same:
                    n_same += 1
                    uf.union(a, b)
    log(f'candidate near-duplicate pairs {n_cand}, confirmed same picture {n_same}')

    clusters = {}
    for i in range(n):
        clusters.setdefault(uf.find(i), []).append(i)
    kept = []
    for root_i, members in sorted(clusters.items()):
        cat = min((ok[m]['cat'] for m in members), key=CAT_PRIO.get)
        pool = [m for m in members if ok[m]['cat'] == cat]
        rep = max(pool, key=lambda m: (ok[m]['w'] * ok[m]['h'], ok[m]['fmt'] == 'PNG', ok[m]['bytes'], -m))
        for m in members:
            c = ok[m]
            c['cluster'], c['cluster_size'] = f'c{root_i:05d}', len(members)
            if m != rep:
                r = ok[rep]
                c['status'] = ('dup-exact' if c['sha256'] == r['sha256'] else
                               'dup-family' if c['family'] and c['family'] == r['family'] else 'dup-near')
                c['dup_of'] = f"{r['pkg']}:/{r['rel']}"
        ok[rep]['status'] = 'kept'
        ok[rep]['final_cat'] = cat
        kept.append(ok[rep])
    kept.sort(key=lambda c: (CAT_PRIO[c['final_cat']], c['pkg'], c['rel']))

    # ---- 4. PDQ twins: distinct pictures (kept files) within PDQ_T of each other
    kd = np.stack([c['dih'] for c in kept]) if kept else np.zeros((0, 8, 4), np.uint64)
    twins = []
    for s in range(0, len(kept), 256):
        d = dih_min_dist(kd[s:s + 256, 0, :], kd)
        for a, b in zip(*np.nonzero(d <= PDQ_T)):
            if a + s < b:
                twins.append((a + s, b, int(d[a, b])))
    tw_count = [0] * len(kept)
    for a, b, _ in twins:
        tw_count[a] += 1
        tw_count[b] += 1

    # ---- 5. files, manifest, summary
    for d in CAT_DIR.values():
        shutil.rmtree(os.path.join(out, d), ignore_errors=True)
        os.makedirs(os.path.join(out, d))
    rows = []
    for k, c in enumerate(kept):
        cat_dir = CAT_DIR[c['final_cat']]
        stem = re.sub(r'[^A-Za-z0-9._-]+', '_', os.path.splitext(os.path.basename(c['rel']))[0])[:60]
        ext = KEEP_FMT.get(c['fmt'])
        im0 = Image.open(c['path'])
        copy_ok = bool(ext) and getattr(im0, 'n_frames', 1) == 1 and not c['has_alpha'] \
            and im0.mode in ('RGB', 'L', 'P', 'CMYK', 'YCbCr') and im0.getexif().get(0x0112, 1) == 1
        name = f"{c['pkg']}__{stem}__{hashlib.sha256(c['rel'].encode()).hexdigest()[:8]}.{ext if copy_ok else 'png'}"
        dst = os.path.join(out, cat_dir, name)
        if copy_ok:
            shutil.copyfile(c['path'], dst)                     # byte-identical copy
            conv = ''
        else:   # alpha, EXIF rotation, GIF/TIFF/BMP/PPM, 16-bit or animated: decode, flatten, PNG
            to_rgb(load(c['path']), c['final_cat']).save(dst, 'PNG')
            conv = f"{c['fmt']}->PNG" + (f" alpha-on-{'black' if c['final_cat'] == 'astro' else 'white'}" if c['has_alpha'] else '')
        c['file'] = f'{cat_dir}/{name}'
        c['out_sha256'] = hashlib.sha256(open(dst, 'rb').read()).hexdigest()
        c['out_bytes'] = os.path.getsize(dst)
        rows.append([c['file'], c['final_cat'], c['pkg'], per_pkg[c['pkg']]['version'], '/' + c['rel'], c['licence'],
                     c['w'], c['h'], c['fmt'], conv, c['out_sha256'], c['sha256'], c['pdq'], c['quality'],
                     c['cluster'], c['cluster_size'], tw_count[k]])
    hdr = ['file', 'category', 'source_package', 'version', 'source_path', 'licence', 'width', 'height',
           'source_format', 'converted', 'sha256', 'source_sha256', 'pdq', 'pdq_quality', 'cluster',
           'cluster_size', 'pdq_twins']
    with open(os.path.join(out, 'manifest.tsv'), 'w') as f:
        f.write('\t'.join(hdr) + '\n')
        f.writelines('\t'.join(map(str, r)) + '\n' for r in rows)
    with open(os.path.join(out, 'pdq_twins.tsv'), 'w') as f:
        f.write('file_a\tfile_b\tpdq_distance_min_dihedral\tquality_a\tquality_b\n')
        for a, b, d in sorted(twins, key=lambda t: t[2]):
            f.write(f"{kept[a]['file']}\t{kept[b]['file']}\t{d}\t{kept[a]['quality']}\t{kept[b]['quality']}\n")
    with open(os.path.join(out, 'candidates.tsv'), 'w') as f:
        f.write('rule_category\tsource_package\tsource_path\tstatus\twidth\theight\tformat\tsource_sha256\tpdq\tpdq_quality\tcluster\tsame_picture_as\n')
        for c in cands:
            f.write('\t'.join(str(c.get(k, '')) for k in ('cat', 'pkg')) + f"\t/{c['rel']}\t" +
                    '\t'.join(str(c.get(k, '')) for k in ('status', 'w', 'h', 'fmt', 'sha256', 'pdq', 'quality', 'cluster', 'dup_of')) + '\n')

    summ = {'built': time.strftime('%Y-%m-%d %H:%M:%S'), 'seconds': round(time.time() - t0),
            'params': {'min_side': MIN_SIDE, 'max_pixels': MAX_PIXELS, 'pdq_threshold': PDQ_T, 'thumb16_corr': THUMB_CORR,
                       'same_picture_corr64': SAME_CORR, 'same_picture_grey_mad': GREY_MAD, 'same_picture_rgb_mad': RGB_MAD},
            'svg_skipped': svg_skipped, 'categories': {}, 'packages': per_pkg}
    for cat, cdir in CAT_DIR.items():
        cc = [c for c in cands if c['cat'] == cat]
        kk = [c for c in kept if c['final_cat'] == cat]
        st = {}
        for c in cc:
            s = c['status'].split(':')[0]
            st[s] = st.get(s, 0) + 1
        by_pkg, fmts = {}, {}
        for c in kk:
            by_pkg[c['pkg']] = by_pkg.get(c['pkg'], 0) + 1
            fmts[c['fmt']] = fmts.get(c['fmt'], 0) + 1
        ms = sorted(min(c['w'], c['h']) for c in kk)
        ids = {id(c) for c in kk}
        summ['categories'][cdir] = {
            'candidate_files': len(cc), 'status_counts': st, 'kept': len(kk),
            'clusters_total': len({c.get('cluster') for c in cc if c.get('cluster')}),
            'kept_pdq_quality_lt_50': sum(c['quality'] < 50 for c in kk),
            'kept_with_alpha_flattened': sum(c['has_alpha'] for c in kk),
            'pdq_twin_pairs_within_category': sum(1 for a, b, _ in twins if id(kept[a]) in ids and id(kept[b]) in ids),
            'kept_files_with_a_twin': sum(1 for k2, c in enumerate(kept) if id(c) in ids and tw_count[k2]),
            'kept_by_package': dict(sorted(by_pkg.items(), key=lambda x: (-x[1], x[0]))),
            'kept_source_formats': fmts,
            'min_side_px': {'min': ms[0], 'median': ms[len(ms) // 2], 'max': ms[-1]} if ms else None,
            'bytes_on_disk': sum(c['out_bytes'] for c in kk),
        }
    json.dump(summ, open(os.path.join(out, 'summary.json'), 'w'), indent=1)
    with open(os.path.join(out, 'summary.txt'), 'w') as f:
        f.write(f"percept eval corpus, built {summ['built']} in {summ['seconds']} s\n"
                f"kept: images >= {MIN_SIDE}px on the short side and <= {MAX_PIXELS} pixels, one per same-picture cluster (the largest).\n"
                f"same picture = identical bytes, or a declared size family, or (PDQ distance <= {PDQ_T} under any of the\n"
                f"8 rotations/flips, or 16x16 grey-thumbnail correlation >= {THUMB_CORR}) confirmed by thumbnails\n"
                f"(best rotation/flip: 64x64 grey correlation >= {SAME_CORR}, grey MAD <= {GREY_MAD}, 32x32 colour MAD <= {RGB_MAD}). Distinct pictures that PDQ still\n"
                f"puts within {PDQ_T} are kept and listed in pdq_twins.tsv. SVG files skipped: {svg_skipped}\n\n")
        for cdir, s in summ['categories'].items():
            f.write(f"{cdir}/: {s['kept']} files ({s['bytes_on_disk'] / 1e6:.0f} MB) from {s['candidate_files']} candidate files; "
                    f"status {s['status_counts']}\n"
                    f"   min side {s['min_side_px']}, PDQ quality < 50: {s['kept_pdq_quality_lt_50']}, "
                    f"alpha flattened: {s['kept_with_alpha_flattened']}, PDQ-twin pairs: {s['pdq_twin_pairs_within_category']} "
                    f"({s['kept_files_with_a_twin']} files), source formats {s['kept_source_formats']}\n")
            for p, k in s['kept_by_package'].items():
                lics = {}
                for c in kept:
                    if c['pkg'] == p and CAT_DIR[c['final_cat']] == cdir:
                        lics[c['licence']] = lics.get(c['licence'], 0) + 1
                lic = '; '.join(f'{n} {l}' if len(lics) > 1 else l for l, n in sorted(lics.items(), key=lambda x: -x[1]))
                f.write(f"   {k:6d}  {p} {per_pkg[p]['version']}  [{lic}]\n")
            f.write('\n')
    log('done')
    sys.stdout.write(open(os.path.join(out, 'summary.txt')).read())


if __name__ == '__main__':
    main()
PY
cat > "$WORK/rules.tsv" <<'RULES'
# package	category	regex on the installed path (no leading /)	[family regex: files whose group(1) is equal are one picture]
# category 'licence': the third column is the licence recorded for every file of that package
# (for packages whose debian/copyright is not machine-readable or does not name the images)
krank	licence	Public Domain (per debian/copyright: images with unknown licence were replaced)
kphotoalbum	licence	GPL-2+ (package licence; the demo photos are not licensed separately)
nip2	licence	GPL-2+ (package licence)
digikam-data	licence	GPL-2+ (package licence)
scribus-template	licence	Public Domain (templates placed in the public domain by their author, per debian/copyright)
imagemagick-6-doc	licence	ImageMagick licence (see imagemagick-6-common's copyright)
python-matplotlib-data	licence	matplotlib licence (PSF-based; see debian/copyright)
openclipart-png	licence	Public Domain (Creative Commons public-domain dedication, per debian/copyright)
# ---------------------------------------------------------------- photos (full-frame natural photographs)
afterstep-data	photo	^usr/share/afterstep/desktop/tiles/rose512\.jpg$
darknet	photo	^usr/share/darknet/data/(dog|eagle|giraffe|horses|kite|person)\.jpg$
digikam-data	photo	^usr/share/digikam/(about/images/body-background\.jpg|data/sample-aix\.png)$
forensics-samples-files	photo	^usr/share/forensics-samples/original-files/pic[12]/IMG[-_][^/]*\.(jpg|JPG)$
gcompris-qt-data	exclude	/details/.*(Gogh|Eglise_dAuvers|PortraitOfPereTanguy)
gcompris-qt-data	photo	^rcc/[^/]+/gcompris/src/activities/(explore_monuments|explore_world_animals|explore_farm_animals|explore_world_music|categorization|erase)/.*\.webp$
gcompris-qt-data	photo	^rcc/details/.*_background\.webp$
gdk-pixbuf-tests	photo	/gdk-pixbuf/(bug725582-testrotate\.png|issue70\.jpg|test-images/reftests/cat\.jpg\.ref\.png)$
gnome-control-center-data	photo	^usr/share/pixmaps/faces/[^/]*\.jpg$
golang-github-disintegration-imaging-dev	photo	/imaging/testdata/(branches|flowers)\.png$
golang-github-rwcarlsen-goexif-dev	photo	/goexif/exif/sample1\.jpg$
imagemagick-6-doc	photo	/html/images/bluebells_lin\.jpg$
kodi-data	photo	/skin\.estouchy/background/tv\.jpg$|/skin\.estuary/extras/home-images/(movie|music)\.jpg$
kphotoalbum	photo	^usr/share/kphotoalbum/demo/[^/]*\.jpg$
labelme-examples	exclude	/video_annotation/.*/0000010[1-9]\.jpg$
labelme-examples	photo	/(data_annotated|JPEGImages)/[^/]*\.jpg$
libdlib19.1	photo	/examples/(mmod_cars_test_image2?\.jpg|faces/20[0-9_]+\.jpg|faces/Tom_Cruise_avp_2014_4\.jpg|johns/[^/]+/[^/]*\.jpg)$
libelementary-data	photo	^usr/share/elementary/images/(insanely_huge_test_image|mystrale|mystrale_2|plant_01|sky_0[1-4]|twofish)\.jpg$|^usr/share/elementary/images/static_webp_image\.webp$
libjxl-testdata	photo	/jxl/flower/flower\.png$|/external/wesaturate/500px/[^/]*\.png$	/external/wesaturate/500px/([a-z0-9]+)_
lomiri-wallpapers-16.04	exclude	/(analogpattern|greenlock|umang)[^/]*$
lomiri-wallpapers-16.04	photo	^usr/share/backgrounds/[^/]*\.jpg$
lomiri-wallpapers-20.04	photo	^usr/share/backgrounds/Kleiber[^/]*\.jpg$
lxqt-themes	photo	^usr/share/lxqt/wallpapers/(Butterfly-Kenneth-Wimer|Valendas|after-the-rain|appleflower|beam|butterfly|cloud|drop|flowers|fog|this-is-not-windows)\.(jpg|png)$
mate-backgrounds	photo	^usr/share/backgrounds/mate/nature/[^/]*\.jpg$|^usr/share/backgrounds/mate/desktop/(Aqua|Blinds)[^/]*$
nip2	photo	/examples/[^/]+/(slanted_oval_vase2?|framing_picture)[^/]*\.(jpg|png)$
node-opencv	photo	/examples/files/(car1|car2|coin1|mona_x|quads|shapes|stuff)[^/]*\.(jpg|png)$
opencv-doc	photo	/examples/data/(aero1|aloeL|apple|baboon|basketball1|blox|board|box|box_in_scene|building|butterfly|chicky_512|ela_original|fruits|graf1|home|left|leuvenA|licenseplate_motion|messi5|orange|rubberwhale1|smarties|squirrel_cls|stuff|sudoku)\.(jpg|png)$
opencv-doc	photo	/examples/(alphamat/input_images/plant\.jpg|dnn_superres/butterfly\.png|hfs/data/00[0-2]\.jpg|text/scenetext0[1-6]\.jpg)$
palapeli-data	photo	^usr/share/palapeli/collection/[^/]*\.jpg$
plasma-workspace-wallpapers	photo	^usr/share/wallpapers/(BytheWater|ColdRipple|ColorfulCups|DarkestHour|EveningGlow|FallenLeaf|Grey|Kite|OneStandsOut|Path|summer_1am)/contents/(images|screenshot)	^usr/share/wallpapers/([^/]+)/
psychtoolbox-3-common	photo	/(MorphDemo/TeapotTexture\.jpg|OldNewRecognition/stims/stim[0-9]+\.jpg|konijntjes1024x768gray\.jpg|SR-ResearchDemo/town\.jpg)$
python-matplotlib-data	photo	/sample_data/grace_hopper\.jpg$
python3-pattern	photo	/static/cat\.jpg$
python3-skimage	photo	/skimage/data/(astronaut|camera|chelsea|coffee|coins|motorcycle_left|retina|rocket)\.(png|jpg)$
python3-sklearn	photo	/sklearn/datasets/images/(china|flower)\.jpg$
scratch	exclude	/(chalkboard|party-room|room[123]|spotlight-stage|school2|woods-and-bench|moon)\.jpg$
scratch	photo	^usr/share/scratch/Media/Backgrounds/[^/]+/[^/]*\.jpg$
gramps	photo	/example/gramps/[^/]*\.jpg$|^usr/share/gramps/images/splash\.jpg$
kalzium-data	photo	^usr/share/kalzium/data/toolpics/[^/]*\.jpg$
krank	photo	/levels/unera-backgrounds/[^/]*\.jpg$
libjs-jquery-backstretch	photo	/examples/[^/]*\.jpg$	/examples/(sample[0-9]+)_[0-9]+\.jpg$
libjs-jquery-colorbox	photo	/examples/content/(daisy|marylou|ohoopee[0-9])[^/]*\.jpg$
libjs-jquery-slides	photo	/examples/(Linking|Product)/img/[^/]*\.jpg$
qt5-quick-demos	photo	/qt5/examples/demos/rssnews/content/images/[^/]*\.jpg$
scribus-template	photo	/templates/(br2/(nature|sunset)|cal2/moon|menu2/pizza|scribus_project_[a-z]+/(craigbradney|petr_vanek))\.jpg$
# ---------------------------------------------------------------- astronomical / space photographs
mate-screensaver-common	astro	^usr/share/backgrounds/cosmos/[^/]*\.jpg$
stellarium-data	astro	^usr/share/stellarium/nebulae/default/[^/]*\.png$
gcompris-qt-data	astro	/solar_system/resource/[^/]*\.webp$
python3-skimage	astro	/skimage/data/(hubble_deep_field|moon)\.(png|jpg)$
scratch	astro	/Media/Backgrounds/Nature/moon\.jpg$
scribus-template	astro	/templates/br2/(brightness|halfmoon|moon)\.jpg$
# ---------------------------------------------------------------- photographic cut-outs on transparency (composited on white)
tuxpaint-stamps-default	drawing	/cartoon/|^usr/share/tuxpaint/stamps/symbols/(alphabets|chess|faces|math|music|shapes)/|^usr/share/tuxpaint/stamps/symbols/[^/]*\.png$|^usr/share/tuxpaint/stamps/town/(roadsigns|flags)/
tuxpaint-stamps-default	cutout	^usr/share/tuxpaint/stamps/.*\.png$
scratch	cutout	^usr/share/scratch/Media/Costumes/(People|Animals|Things|Transportation)/[^/]*\.gif$
# ---------------------------------------------------------------- drawings / clip art
openclipart-png	drawing	\.png$
pysiogame	drawing	/art4apps/.*\.jpg$
RULES

RULES_SHA=$(sha256sum < "$WORK/rules.tsv" | cut -c1-16)

deb_for() {   # the .deb in $DEBS for package $1, preferring version $2
  local f best=""
  for f in "$DEBS/$1"_*.deb; do
    [ -e "$f" ] || continue
    [ "$(dpkg-deb -f "$f" Package)" = "$1" ] || continue
    best=$f
    [ "$(dpkg-deb -f "$f" Version)" = "$2" ] && break
  done
  echo "$best"
}

# ------------------------------------------------------------------ 1+2. download and extract
say "1/3 downloading $(echo $PACKAGES | wc -w) Debian packages and extracting the selected images into $TREE"
: > "$WORK/pkginfo.tsv"
for spec in $PACKAGES; do
  name=${spec%%=*}; ver=${spec#*=}
  if [ -e "$TREE/$name/.done" ] && [ "$(cut -f2 "$TREE/$name/.done")" = "$ver" ] \
     && [ "$(cat "$TREE/$name/.rules" 2>/dev/null)" = "$RULES_SHA" ]; then
    cat "$TREE/$name/.done" >> "$WORK/pkginfo.tsv"; continue          # extracted by an earlier run
  fi
  f=$(deb_for "$name" "$ver")
  if [ -z "$f" ] || [ "$(dpkg-deb -f "$f" Version)" != "$ver" ]; then
    if (cd "$DEBS" && apt-get download -q=2 "$name=$ver" >/dev/null 2>"$WORK/apt.err"); then
      :
    elif [ "$STRICT" = 1 ]; then
      echo "pinned $name=$ver cannot be downloaded:" >&2; cat "$WORK/apt.err" >&2; exit 3
    elif [ -z "$f" ]; then
      say "WARNING: $name=$ver is not in the archive (any more); taking its current version"
      (cd "$DEBS" && apt-get download -q=2 "$name" >/dev/null 2>"$WORK/apt.err") || { cat "$WORK/apt.err" >&2; exit 3; }
    fi
    f=$(deb_for "$name" "$ver")
  fi
  got=$(dpkg-deb -f "$f" Version)
  [ "$got" = "$ver" ] || say "WARNING: $name: using $got, not the pinned $ver"
  rm -rf "${TREE:?}/$name"; mkdir -p "$TREE/$name"
  dpkg-deb --fsys-tarfile "$f" | python3 "$WORK/extract.py" tar "$TREE/$name" "$WORK/rules.tsv" "$name" >/dev/null
  if [ "$name" = gcompris-qt-data ]; then     # its images live inside Qt resource bundles
    python3 "$WORK/extract.py" rcc "$TREE/$name" "$WORK/rules.tsv" "$name" "$TREE/$name"/usr/share/gcompris-qt/rcc/*.rcc >/dev/null
  fi
  find "$TREE/$name" -name '*.rcc' -delete
  line=$(printf '%s\t%s\t%s\t%s' "$name" "$got" "$(sha256sum < "$f" | cut -d' ' -f1)" "$(stat -c %s "$f")")
  echo "$line" > "$TREE/$name/.done"; echo "$RULES_SHA" > "$TREE/$name/.rules"; echo "$line" >> "$WORK/pkginfo.tsv"
  [ "$KEEP_DEBS" = 1 ] || rm -f "$f"
done
say "   $(awk -F'\t' '{s+=$4} END {printf "%.0f MB", s/1e6}' "$WORK/pkginfo.tsv") of .deb files; extracted $(du -sh "$TREE" | cut -f1)"

# ------------------------------------------------------------------ 3. python env
say "2/3 Python venv with $PY_PINS"
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import pdqhash, PIL, numpy' 2>/dev/null; then
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check $PY_PINS
fi

# ------------------------------------------------------------------ 4. select, hash, de-duplicate
say "3/3 selecting, hashing and de-duplicating"
"$VENV/bin/python" "$WORK/build_corpus.py" "$WORK/rules.tsv" "$TREE" "$OUT" "$WORK/pkginfo.tsv" "$WORK/hashcache.pkl"

{
  echo "# built $(date -u +%Y-%m-%dT%H:%M:%SZ) by fetch_eval_corpus.sh on $(. /etc/os-release; echo "$PRETTY_NAME"), $(uname -m)"
  echo "# Debian packages: name, version, .deb sha256, .deb bytes"
  cat "$WORK/pkginfo.tsv"
  echo "# Python ($("$VENV/bin/python" -V 2>&1)) packages"
  "$VENV/bin/pip" freeze --disable-pip-version-check
} > "$OUT/versions.txt"

[ "$KEEP_TREE" = 1 ] || rm -rf "$TREE" "$WORK/hashcache.pkl"
say "done in $(( $(date +%s) - T0 )) s; disk: corpus $(du -sh --exclude=work "$OUT" | cut -f1), work folder $(du -sh "$WORK" | cut -f1)"
