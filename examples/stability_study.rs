//! For each image under the given folders: its PDQ quality, how far the
//! hash of its JPEG q90 copy lands (with dihedral matching, as a scan
//! compares), and candidate stability measures from the 256 DCT values
//! the hash thresholds at their median. Tab-separated on stdout.
//!
//! `cargo run --release --example stability_study -- DIR...`

use std::io::Cursor;
use std::path::{Path, PathBuf};

use image::codecs::jpeg::JpegEncoder;
use percept::hash::pdq::{self, stages, Profile};
use percept::input::{decode_bytes, DecodeOptions, PixelFormat};
use rayon::prelude::*;

const DELTAS: [f32; 8] = [0.0, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2];
/// Margins in the DCT's own units (luma 0..255 through PDQ's DCT).
const ABSOLUTE: [f32; 10] = [0.01, 0.03, 0.1, 0.3, 1.0, 2.0, 3.0, 5.0, 10.0, 20.0];

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        out.push(dir.to_path_buf());
        return;
    };
    let mut children: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    children.sort();
    for c in children {
        if c.is_dir() {
            files(&c, out);
        } else {
            out.push(c);
        }
    }
}

fn row(path: &Path) -> Option<String> {
    let bytes = std::fs::read(path).ok()?;
    let options = DecodeOptions::default();
    let image = decode_bytes(&bytes, &options).ok()?;
    let view = image.view();
    let (dct, quality) = stages::dct(&view, Profile::FullResolution)?;
    let original = pdq::hash(&view, Profile::FullResolution).hash;
    // The JPEG q90 copy of the decoded pixels.
    let (w, h) = (image.width(), image.height());
    let rgb: Vec<u8> = match image.format() {
        PixelFormat::Gray8 => (0..h as usize)
            .flat_map(|y| view.row(y).iter().flat_map(|&g| [g, g, g]))
            .collect(),
        PixelFormat::Rgb8 => (0..h as usize).flat_map(|y| view.row(y).to_vec()).collect(),
        _ => (0..h as usize)
            .flat_map(|y| {
                view.row(y)
                    .chunks_exact(4)
                    .flat_map(|p| [p[0], p[1], p[2]])
                    .collect::<Vec<_>>()
            })
            .collect(),
    };
    let mut jpeg = Vec::new();
    JpegEncoder::new_with_quality(Cursor::new(&mut jpeg), 90)
        .encode(&rgb, w, h, image::ExtendedColorType::Rgb8)
        .ok()?;
    let copy = decode_bytes(&jpeg, &options).ok()?;
    let copy_hashes = pdq::hash_dihedral(&copy.view(), Profile::FullResolution);
    let plain = copy_hashes.hashes[0].distance(&original);
    let dihedral = copy_hashes
        .hashes
        .iter()
        .map(|c| c.distance(&original))
        .min()
        .unwrap_or(256);

    let flat = dct.as_flattened();
    let mut sorted: Vec<f32> = flat.to_vec();
    sorted.sort_by(f32::total_cmp);
    // The reference's median of 256 values (Torben): the 128th smallest.
    let median = sorted[127];
    let above = flat.iter().filter(|&&v| v > median).count() as u32;
    if above != original.count_ones() {
        eprintln!("{}: median differs from the hash's", path.display());
    }
    let mut margins: Vec<f32> = flat.iter().map(|v| (v - median).abs()).collect();
    margins.sort_by(f32::total_cmp);
    let mean = margins.iter().sum::<f32>() / 256.0;
    let mad = margins[128];
    let max = margins[255];
    // How many margins lie within each limit times `scale`.
    let counts = |limits: &[f32], scale: f32| {
        let counts: Vec<String> = limits
            .iter()
            .map(|d| {
                margins
                    .iter()
                    .filter(|&&m| m <= d * scale)
                    .count()
                    .to_string()
            })
            .collect();
        counts.join("\t")
    };
    // Margins of the k-th closest coefficient, relative to the mean margin.
    let kth: Vec<String> = [1usize, 4, 8, 16, 32]
        .iter()
        .map(|&k| format!("{:.5}", margins[k - 1] / mean.max(f32::MIN_POSITIVE)))
        .collect();
    Some(format!(
        "{}\t{w}\t{h}\t{quality}\t{plain}\t{dihedral}\t{mean:.4}\t{mad:.4}\t{max:.4}\t{}\t{}\t{}\t{}\t{}",
        path.display(),
        counts(&ABSOLUTE, 1.0),
        counts(&DELTAS, mean),
        counts(&DELTAS, mad),
        counts(&DELTAS, max),
        kth.join("\t"),
    ))
}

fn main() {
    let mut all = Vec::new();
    for dir in std::env::args().skip(1) {
        files(Path::new(&dir), &mut all);
    }
    let names =
        |prefix: &str| -> Vec<String> { DELTAS.iter().map(|d| format!("{prefix}{d}")).collect() };
    println!(
        "file\twidth\theight\tquality\tq90_plain\tq90_dihedral\tmean_margin\tmad\tmax_margin\t{}\t{}\t{}\t{}\tk1\tk4\tk8\tk16\tk32",
        ABSOLUTE.iter().map(|d| format!("n_abs_{d}")).collect::<Vec<_>>().join("\t"),
        names("n_mean_").join("\t"),
        names("n_mad_").join("\t"),
        names("n_max_").join("\t"),
    );
    let rows: Vec<Option<String>> = all.par_iter().map(|p| row(p)).collect();
    let mut skipped = 0;
    for r in rows {
        match r {
            Some(line) => println!("{line}"),
            None => skipped += 1,
        }
    }
    eprintln!("{} images, {skipped} not decoded", all.len() - skipped);
}
