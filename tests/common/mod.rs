//! Shared helpers for the integration tests: where the reference data sits
//! and how its tables read.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};

/// The repository's root: the nearest folder at or above this package that
/// holds `testdata/reference` (so that tests in a workspace member find it).
pub fn repo_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest
        .ancestors()
        .find(|dir| dir.join("testdata/reference/SOURCE.md").is_file())
        .unwrap_or_else(|| panic!("no testdata/reference at or above {}", manifest.display()))
        .to_path_buf()
}

/// Meta's PDQ reference vectors kept in the repository: the subset of
/// `../shared/reference/pdq` that the tests use, same layout and names
/// (`testdata/reference/SOURCE.md` says which files and where from).
pub fn reference_dir() -> PathBuf {
    repo_root().join("testdata/reference")
}

/// The full reference set, `../shared/reference/pdq` beside the checkout,
/// when it is there (CI has it; a fresh clone does not). Checks that need
/// its large files are optional extras on top of those on `reference_dir`.
pub fn optional_shared_reference() -> Option<PathBuf> {
    let dir = repo_root().join("../shared/reference/pdq");
    dir.join("generated").is_dir().then_some(dir)
}

/// [`optional_shared_reference`], printing on stderr that `what` was
/// skipped when it is absent, so that a skip is never silent. (Written to
/// the stderr handle, not with `eprintln!`, which the test harness
/// captures and shows only for failing tests.)
pub fn shared_reference_or_skip(what: &str) -> Option<PathBuf> {
    let dir = optional_shared_reference();
    if dir.is_none() {
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED optional extra: {what} (needs Meta's full PDQ reference set at \
             ../shared/reference/pdq beside the checkout, which is absent; \
             the checks on testdata/reference still ran)"
        );
    }
    dir
}

/// The PNG and JPEG files under `dir`, in the order the CLI walks a folder:
/// each folder's entries sorted by path, subfolders walked where they sort.
pub fn images_walked(dir: &Path) -> Vec<PathBuf> {
    let mut children: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    children.sort();
    let mut out = Vec::new();
    for child in children {
        if child.is_dir() {
            out.extend(images_walked(&child));
        } else if child
            .extension()
            .is_some_and(|e| ["png", "jpg", "jpeg"].contains(&e.to_str().unwrap_or("")))
        {
            out.push(child);
        }
    }
    out
}

/// One row of `expected-core-fullres.tsv` or `expected-cli-512nn.tsv`.
#[derive(Debug, Clone)]
pub struct ExpectedRow {
    pub file: String,
    pub variant: String,
    pub pixels: String,
    pub width: u32,
    pub height: u32,
    pub quality: u8,
    pub hash: String,
    pub dih_quality: u8,
    /// orig, rot90, rot180, rot270, flipx, flipy, flipplus1, flipminus1
    pub dihedral: [String; 8],
}

impl ExpectedRow {
    /// PNG rows (including the synthetic ones) do not depend on a decoder.
    pub fn is_decoder_independent(&self) -> bool {
        self.file.ends_with(".png")
    }
}

/// Reads a generated table from `reference` (`reference_dir()` or the
/// shared set). The core table has a separate dihedral quality column; the
/// CLI table does not (its one quality serves both).
pub fn read_expected(reference: &Path, name: &str) -> Vec<ExpectedRow> {
    let path = reference.join("generated").join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut lines = text.lines().filter(|l| !l.starts_with('#'));
    let header: Vec<&str> = lines.next().expect("header").split('\t').collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    };
    let dih_names = [
        "orig",
        "rot90",
        "rot180",
        "rot270",
        "flipx",
        "flipy",
        "flipplus1",
        "flipminus1",
    ];
    let dih_cols: Vec<usize> = dih_names.iter().map(|n| col(&format!("dih_{n}"))).collect();
    let dq = header.iter().position(|h| *h == "dih_quality");
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            let quality: u8 = f[col("quality")].parse().unwrap();
            ExpectedRow {
                file: f[col("file")].to_string(),
                variant: f[col("variant")].to_string(),
                pixels: f[col("pixels")].to_string(),
                width: f[col("width")].parse().unwrap(),
                height: f[col("height")].parse().unwrap(),
                quality,
                hash: f[col("hash")].to_string(),
                dih_quality: dq.map_or(quality, |c| f[c].parse().unwrap()),
                dihedral: std::array::from_fn(|i| f[dih_cols[i]].to_string()),
            }
        })
        .collect()
}

/// CRC-32 (IEEE), as PNG chunks use it.
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A PNG file from its parts, written by hand so that tests can make files
/// no encoder would (huge claimed sizes, zero width): signature, IHDR
/// (`w x h`, `bit_depth`, `colour_type`), one IDAT holding `idat`, IEND.
pub fn png_from_parts(w: u32, h: u32, bit_depth: u8, colour_type: u8, idat: &[u8]) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut chunk = |kind: &[u8], data: &[u8]| {
        out.extend((data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend(data);
        out.extend(&body);
        out.extend(crc32(&body).to_be_bytes());
    };
    let mut ihdr = Vec::new();
    ihdr.extend(w.to_be_bytes());
    ihdr.extend(h.to_be_bytes());
    ihdr.extend([bit_depth, colour_type, 0, 0, 0]);
    chunk(b"IHDR", &ihdr);
    chunk(b"IDAT", idat);
    chunk(b"IEND", &[]);
    out
}
