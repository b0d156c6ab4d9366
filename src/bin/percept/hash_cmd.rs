//! `percept hash`.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc;
use std::sync::Arc;

use percept::hash::pdq::{self, Dihedral, Profile};
use percept::input::{decode_file, DecodeOptions};

use crate::walk::{expand, Entry};
use crate::{Format, HashArgs, ProfileArg};

/// Files handed to the thread pool ahead of the next one to print. Memory
/// stays bounded whatever the folder size: a queued file is only a path,
/// each pool thread holds at most one decoded image (a task decodes, hashes
/// and drops it), and at most this many small results wait to be printed
/// in input order. Unlike fixed chunks, no thread idles at a chunk's end
/// while another finishes a large image.
const AHEAD: usize = 64;

/// One hash (the single-hash function) or eight (the dihedral function,
/// in [`Dihedral::ALL`] order), with the quality.
struct Hashed {
    hashes: Vec<percept::Hash256>,
    quality: u8,
    /// 1, or 4/8 when the fast profile decoded at that fraction.
    downscale: u8,
}

pub fn run(args: HashArgs) -> ExitCode {
    let profile = match args.profile {
        ProfileArg::Full => Profile::FullResolution,
        ProfileArg::Cli512 => Profile::Cli512,
    };
    let mut options = DecodeOptions::default();
    options.apply_orientation = args.apply_exif;
    options.limits.max_pixels = args.max_pixels;
    options.jpeg_scaling = crate::jpeg_scaling(args.fast_decode);
    let report_downscale = args.fast_decode.is_some();
    let options = Arc::new(options);
    let dihedral = args.dihedral;

    let entries = expand(&args.paths);
    let stdout = std::io::stdout();
    let mut failures = 0usize;
    let (results_tx, results) = mpsc::channel::<(usize, Result<Hashed, String>)>();
    let mut waiting: BTreeMap<usize, Result<Hashed, String>> = BTreeMap::new();
    let (mut queued, mut printed) = (0, 0);
    while printed < entries.len() {
        while queued < entries.len() && queued < printed + AHEAD {
            let job: Result<PathBuf, String> = match &entries[queued] {
                Entry::File(p) => Ok(p.clone()),
                Entry::Unreadable(_, e) => Err(format!("cannot read: {e}")),
            };
            let (options, tx, index) = (Arc::clone(&options), results_tx.clone(), queued);
            rayon::spawn(move || {
                let result = job.and_then(|p| hash_file(&p, &options, profile, dihedral));
                // The receiver is gone only if printing stopped (broken pipe).
                let _ = tx.send((index, result));
            });
            queued += 1;
        }
        let (index, result) = results.recv().expect("a worker dropped its result");
        waiting.insert(index, result);
        let mut out = stdout.lock();
        while let Some(result) = waiting.remove(&printed) {
            let path = entry_path(&entries[printed]);
            printed += 1;
            match result {
                Ok(h) => {
                    let line = format_line(path, &h, args.format, report_downscale);
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

fn entry_path(entry: &Entry) -> &Path {
    match entry {
        Entry::File(p) | Entry::Unreadable(p, _) => p,
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
    let downscale = image.downscale();
    Ok(if dihedral {
        let d = pdq::hash_dihedral(&view, profile);
        Hashed {
            hashes: d.hashes.to_vec(),
            quality: d.quality,
            downscale,
        }
    } else {
        let p = pdq::hash(&view, profile);
        Hashed {
            hashes: vec![p.hash],
            quality: p.quality,
            downscale,
        }
    })
}

/// One output line. With `--fast-decode`, JSON objects also carry
/// `downscale` (1, 4 or 8); CSV keeps the reference's columns.
fn format_line(path: &Path, h: &Hashed, format: Format, report_downscale: bool) -> String {
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
            if report_downscale {
                object["downscale"] = h.downscale.into();
            }
            object.to_string()
        }
    }
}
