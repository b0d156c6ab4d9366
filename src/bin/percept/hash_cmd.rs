//! `percept hash`.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use percept::hash::pdq::{self, Dihedral, Profile};
use percept::input::{decode_file, DecodeOptions};
use rayon::prelude::*;

use crate::walk::{expand, Entry};
use crate::{Format, HashArgs, ProfileArg};

/// Files decoded at once: bounds memory to a few decoded images per core
/// whatever the folder size, while output stays in input order.
const CHUNK: usize = 16;

/// One hash (the single-hash function) or eight (the dihedral function,
/// in [`Dihedral::ALL`] order), with the quality.
struct Hashed {
    hashes: Vec<percept::Hash256>,
    quality: u8,
}

pub fn run(args: HashArgs) -> ExitCode {
    let profile = match args.profile {
        ProfileArg::Full => Profile::FullResolution,
        ProfileArg::Cli512 => Profile::Cli512,
    };
    let mut options = DecodeOptions::default();
    options.apply_orientation = args.apply_exif;
    options.limits.max_pixels = args.max_pixels;

    let entries = expand(&args.paths);
    let stdout = std::io::stdout();
    let mut failures = 0usize;
    for chunk in entries.chunks(CHUNK) {
        let results: Vec<(&Path, Result<Hashed, String>)> = chunk
            .par_iter()
            .map(|entry| match entry {
                Entry::File(p) => (p.as_path(), hash_file(p, &options, profile, args.dihedral)),
                Entry::Unreadable(p, e) => (p.as_path(), Err(format!("cannot read: {e}"))),
            })
            .collect();
        let mut out = stdout.lock();
        for (path, result) in results {
            match result {
                Ok(h) => {
                    let line = format_line(path, &h, args.format);
                    if writeln!(out, "{line}").is_err() {
                        // Broken pipe (e.g. `| head`): stop quietly.
                        return ExitCode::from(1);
                    }
                }
                Err(reason) => {
                    failures += 1;
                    eprintln!("percept: {}: {reason}", path.display());
                }
            }
        }
    }
    if failures > 0 {
        eprintln!(
            "percept: {failures} of {} files could not be hashed",
            entries.len()
        );
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn hash_file(
    path: &Path,
    options: &DecodeOptions,
    profile: Profile,
    dihedral: bool,
) -> Result<Hashed, String> {
    let image = decode_file(path, options).map_err(|e| e.to_string())?;
    let view = image.view();
    Ok(if dihedral {
        let d = pdq::hash_dihedral(&view, profile);
        Hashed {
            hashes: d.hashes.to_vec(),
            quality: d.quality,
        }
    } else {
        let p = pdq::hash(&view, profile);
        Hashed {
            hashes: vec![p.hash],
            quality: p.quality,
        }
    })
}

fn format_line(path: &Path, h: &Hashed, format: Format) -> String {
    let name = path.display().to_string();
    match format {
        Format::Csv => {
            let hashes: Vec<String> = h.hashes.iter().map(|h| h.to_hex()).collect();
            format!("{},{},{}", hashes.join(","), h.quality, name)
        }
        Format::Json => {
            let mut object = serde_json::json!({
                "file": name, "hash": h.hashes[0].to_hex(), "quality": h.quality,
            });
            if h.hashes.len() == Dihedral::ALL.len() {
                let variants: serde_json::Map<String, serde_json::Value> = Dihedral::ALL
                    .iter()
                    .zip(&h.hashes)
                    .map(|(v, hash)| (v.name().to_string(), hash.to_hex().into()))
                    .collect();
                object["dihedral"] = variants.into();
            }
            object.to_string()
        }
    }
}
