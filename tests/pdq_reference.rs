//! PDQ against the outputs of Meta's C++ reference core
//! (`testdata/reference/generated/`): bit for bit on every
//! decoder-independent (PNG) row, and within a documented bound on JPEG rows,
//! whose pixels depend on the JPEG decoder. The repository keeps the rows
//! whose images are small enough to carry; the other rows (large photos)
//! are checked too when the full set is beside the checkout
//! (`../shared/reference/pdq`, as on CI), and reported as skipped otherwise.

mod common;

use std::path::Path;

use common::{read_expected, reference_dir, shared_reference_or_skip, ExpectedRow};
use percept::hash::pdq::{self, Pipeline, Platform, Profile};
use percept::input::{decode_file, DecodeOptions};
use percept::Hash256;

/// Largest distance seen between our JPEG decode (image-rs / zune-jpeg) and
/// the reference's (libjpeg-turbo) on the reference JPEGs; see
/// docs/exactness.md.
const JPEG_DECODER_BOUND: u32 = 8;

/// Rows of each table in `testdata/reference` checked bit for bit: 15 PNG
/// rows, less the 16-bit grey PNG's `stored` row (see `compute`).
const PNG_ROWS_IN_TESTDATA: usize = 14;
/// JPEG rows of each table in `testdata/reference`.
const JPEG_ROWS_IN_TESTDATA: usize = 15;

struct Outcome {
    hash: pdq::PdqHash,
    dihedral: pdq::DihedralHashes,
}

fn compute(
    reference: &Path,
    row: &ExpectedRow,
    profile: Profile,
    pipeline: Pipeline,
) -> Option<Outcome> {
    // `stored` for the 16-bit grey PNG records Pillow's clamping conversion,
    // not a PDQ answer (generated/README.md); percept keeps the high byte,
    // which is the `scaled-16to8` row.
    if row.pixels.contains("values above 255 clamp") {
        return None;
    }
    let mut options = DecodeOptions::default();
    options.apply_orientation = row.variant == "exif-applied";
    let img = decode_file(reference.join(&row.file), &options)
        .unwrap_or_else(|e| panic!("{}: {e}", row.file));
    assert_eq!(
        (img.width(), img.height()),
        (row.width, row.height),
        "{} size",
        row.file
    );
    let view = img.view();
    Some(Outcome {
        hash: pdq::hash_with(&view, profile, pipeline),
        dihedral: pdq::hash_dihedral_with(&view, profile, pipeline),
    })
}

fn hex(h: &str) -> Hash256 {
    Hash256::from_hex(h).unwrap()
}

/// The rows of `table` to check: from `testdata/reference`, or, with
/// `shared`, the full set's rows whose images the repository does not keep
/// (after checking that the repository's rows are the full set's, unchanged).
fn rows(table: &str, shared: Option<&Path>) -> Vec<ExpectedRow> {
    let ours = read_expected(&reference_dir(), table);
    let Some(shared) = shared else {
        return ours;
    };
    let full = read_expected(shared, table);
    for row in &ours {
        let same = full.iter().any(|f| {
            (
                &f.file,
                &f.variant,
                &f.hash,
                &f.dihedral,
                f.quality,
                f.dih_quality,
            ) == (
                &row.file,
                &row.variant,
                &row.hash,
                &row.dihedral,
                row.quality,
                row.dih_quality,
            )
        });
        assert!(
            same,
            "{table}: {} [{}] differs from the full table",
            row.file, row.variant
        );
    }
    full.into_iter()
        .filter(|f| !ours.iter().any(|o| o.file == f.file))
        .collect()
}

/// Returns (rows checked, mismatch descriptions), on the PNG rows of
/// `rows(table, shared)`.
fn check_exact(
    table: &str,
    shared: Option<&Path>,
    profile: Profile,
    pipeline: Pipeline,
) -> (usize, Vec<String>) {
    let reference = shared.map_or_else(reference_dir, Path::to_path_buf);
    let mut checked = 0;
    let mut bad = Vec::new();
    for row in rows(table, shared)
        .iter()
        .filter(|r| r.is_decoder_independent())
    {
        let Some(got) = compute(&reference, row, profile, pipeline) else {
            continue;
        };
        checked += 1;
        let name = format!("{} [{}]", row.file, row.variant);
        if got.hash.hash != hex(&row.hash) {
            bad.push(format!(
                "{name}: hash {} != {} ({} bits)",
                got.hash.hash,
                row.hash,
                got.hash.hash.distance(&hex(&row.hash))
            ));
        }
        if got.hash.quality != row.quality {
            bad.push(format!(
                "{name}: quality {} != {}",
                got.hash.quality, row.quality
            ));
        }
        if got.dihedral.quality != row.dih_quality {
            bad.push(format!(
                "{name}: dihedral quality {} != {}",
                got.dihedral.quality, row.dih_quality
            ));
        }
        for (i, v) in pdq::Dihedral::ALL.iter().enumerate() {
            let want = hex(&row.dihedral[i]);
            if got.dihedral.hashes[i] != want {
                bad.push(format!(
                    "{name}: {} differs by {} bits",
                    v.name(),
                    got.dihedral.hashes[i].distance(&want)
                ));
            }
        }
    }
    (checked, bad)
}

/// The default pipeline, the reference layout, and the streaming filter on
/// every platform this CPU can run.
fn every_pipeline() -> Vec<Pipeline> {
    let mut all = vec![Pipeline::Streaming, Pipeline::ReferenceLayout];
    all.extend(Platform::available().into_iter().map(Pipeline::StreamingOn));
    all
}

/// Every PNG row of `table` bit for bit on every pipeline: the repository's
/// rows, then the full set's others when it is beside the checkout.
fn png_rows_are_bit_exact(table: &str, profile: Profile) {
    for pipeline in every_pipeline() {
        let (n, bad) = check_exact(table, None, profile, pipeline);
        assert!(
            bad.is_empty(),
            "{pipeline:?}: {} mismatches:\n{}",
            bad.len(),
            bad.join("\n")
        );
        assert_eq!(n, PNG_ROWS_IN_TESTDATA, "{table}: PNG rows checked");
        println!("{table} {pipeline:?}: {n} PNG rows bit-exact (hash, quality, 8 dihedral)");
    }
    let what = format!("{table}: the PNG rows whose images testdata/reference does not keep");
    let Some(shared) = shared_reference_or_skip(&what) else {
        return;
    };
    for pipeline in every_pipeline() {
        let (n, bad) = check_exact(table, Some(&shared), profile, pipeline);
        assert!(
            bad.is_empty(),
            "{pipeline:?}, ../shared: {} mismatches:\n{}",
            bad.len(),
            bad.join("\n")
        );
        // c.png, pen-and-coaster.png, the L and P modes of the bridge (0.7
        // to 1.2 MB each), the 640x480 and 1200x900 synthetic images.
        assert_eq!(n, 6, "{table}: PNG rows checked from ../shared only");
        println!("{table} {pipeline:?}: {n} more PNG rows bit-exact from ../shared");
    }
}

#[test]
fn core_fullres_png_rows_are_bit_exact() {
    png_rows_are_bit_exact("expected-core-fullres.tsv", Profile::FullResolution);
}

#[test]
fn cli_512nn_png_rows_are_bit_exact() {
    png_rows_are_bit_exact("expected-cli-512nn.tsv", Profile::Cli512);
}

/// Returns (rows checked, rows exact, largest distance) on the JPEG rows of
/// `rows(table, shared)`, asserting each is within the bound.
fn check_jpeg_rows(table: &str, shared: Option<&Path>, profile: Profile) -> (usize, usize, u32) {
    let reference = shared.map_or_else(reference_dir, Path::to_path_buf);
    let (mut exact, mut total, mut max) = (0, 0, 0);
    for row in rows(table, shared)
        .iter()
        .filter(|r| !r.is_decoder_independent())
    {
        let got = compute(&reference, row, profile, Pipeline::Streaming).unwrap();
        let mut worst = got.hash.hash.distance(&hex(&row.hash));
        for i in 0..8 {
            worst = worst.max(got.dihedral.hashes[i].distance(&hex(&row.dihedral[i])));
        }
        total += 1;
        exact += usize::from(worst == 0);
        max = max.max(worst);
        assert!(
            worst <= JPEG_DECODER_BOUND,
            "{} [{}]: {worst} bits from the reference",
            row.file,
            row.variant
        );
    }
    (total, exact, max)
}

/// JPEG rows depend on the decoder; report how close image-rs's decode gets.
#[test]
fn jpeg_rows_within_documented_bound() {
    let tables = [
        ("expected-core-fullres.tsv", Profile::FullResolution),
        ("expected-cli-512nn.tsv", Profile::Cli512),
    ];
    for (table, profile) in tables {
        let (total, exact, max) = check_jpeg_rows(table, None, profile);
        println!("{table}: JPEG rows {exact}/{total} exact, max distance {max}");
        assert_eq!(total, JPEG_ROWS_IN_TESTDATA, "{table}: JPEG rows checked");
    }
    let what = "the JPEG rows whose images testdata/reference does not keep \
                (bridge photos and the 12 MP EXIF-rotation photos, 19 MB)";
    let Some(shared) = shared_reference_or_skip(what) else {
        return;
    };
    for (table, profile) in tables {
        let (total, exact, max) = check_jpeg_rows(table, Some(&shared), profile);
        println!("{table}, ../shared: JPEG rows {exact}/{total} exact, max distance {max}");
        // 7 bridge-mods, the 8 dihedral bridges, the 4 EXIF photos twice
        // (stored and rotated).
        assert_eq!(total, 23, "{table}: JPEG rows checked from ../shared only");
    }
}
