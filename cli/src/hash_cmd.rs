//! `percept hash`.

use std::process::ExitCode;

use percept::hash::pdq::{self, Dihedral, Profile, Stability};
use percept::input::{decode_bytes, DecodeOptions, InputError};

use crate::out;
use crate::walk::{expand, for_each_ordered, read, Entry, NOT_AN_IMAGE};
use crate::{Format, HashArgs};

/// One hash (the single-hash function) or eight (the dihedral function,
/// in [`Dihedral::ALL`] order), with the quality.
struct Hashed {
    hashes: Vec<percept::Hash256>,
    quality: u8,
    stability: Stability,
    /// 1, or 4/8 when the fast profile decoded at that fraction.
    downscale: u8,
}

enum Outcome {
    Hashed(Hashed),
    Failed(InputError),
    Skipped(&'static str),
}

#[derive(Default)]
struct Summary {
    hashed: usize,
    errors: usize,
    skipped: usize,
}

pub fn run(args: HashArgs) -> ExitCode {
    let profile = crate::profile(args.profile);
    let mut options = DecodeOptions::default();
    options.apply_orientation = args.apply_exif;
    options.limits.max_pixels = args.max_pixels;
    options.jpeg_scaling = crate::jpeg_scaling(args.fast_decode);
    let report_downscale = args.fast_decode.is_some();
    let dihedral = args.dihedral;

    let entries = expand(&args.paths);
    let bar = out::progress(entries.len(), !args.quiet, "files");
    let mut summary = Summary::default();
    let format = args.format;
    let verbose = args.verbose;
    for_each_ordered(
        entries,
        move |entry| hash_entry(entry, &options, profile, dihedral),
        |entry, outcome| {
            bar.inc(1);
            let name = entry.name();
            let record = match outcome {
                Outcome::Hashed(h) => {
                    summary.hashed += 1;
                    Some(format_line(&name, &h, format, report_downscale))
                }
                Outcome::Failed(e) => {
                    summary.errors += 1;
                    bar.suspend(|| out::error(format!("{name}: {e}")));
                    (format == Format::Json).then(|| {
                        serde_json::json!({"file": name, "error": e.to_string(), "class": out::class(&e)})
                            .to_string()
                    })
                }
                Outcome::Skipped(why) => {
                    summary.skipped += 1;
                    if verbose {
                        bar.suspend(|| out::error(format!("{name}: skipped: {why}")));
                    }
                    (format == Format::Json)
                        .then(|| serde_json::json!({"file": name, "skipped": why}).to_string())
                }
            };
            if let Some(record) = record {
                bar.suspend(|| out::line(&record));
            }
        },
    );
    bar.finish_and_clear();
    let total = summary.hashed + summary.errors + summary.skipped;
    if format == Format::Json {
        out::line(
            &serde_json::json!({"summary": {
                "files": total, "hashed": summary.hashed,
                "errors": summary.errors, "skipped": summary.skipped,
            }})
            .to_string(),
        );
    }
    if summary.errors > 0 || summary.skipped > 0 || verbose {
        out::error(format!(
            "hashed {} of {}: {}, {} skipped ({})",
            summary.hashed,
            out::count(total, "file"),
            out::count(summary.errors, "error"),
            summary.skipped,
            NOT_AN_IMAGE
        ));
    }
    if summary.hashed == 0 && summary.errors == 0 {
        out::error("nothing to hash: no image found in the given paths");
        return out::exit(false, true);
    }
    out::exit(false, summary.errors > 0)
}

fn hash_entry(entry: &Entry, options: &DecodeOptions, profile: Profile, dihedral: bool) -> Outcome {
    let source = match entry.source() {
        Ok(s) => s,
        Err(e) => return Outcome::Failed(e),
    };
    let bytes = match read(source, options.limits.max_input_bytes, true) {
        Ok(Some(b)) => b,
        Ok(None) => return Outcome::Skipped(NOT_AN_IMAGE),
        Err(e) => return Outcome::Failed(e),
    };
    let image = match decode_bytes(&bytes, options) {
        Ok(i) => i,
        Err(e) => return Outcome::Failed(e),
    };
    drop(bytes);
    let view = image.view();
    let downscale = image.downscale();
    Outcome::Hashed(if dihedral {
        let d = pdq::hash_dihedral(&view, profile);
        Hashed {
            hashes: d.hashes.to_vec(),
            quality: d.quality,
            stability: d.stability.unwrap_or(Stability::NO_HASH),
            downscale,
        }
    } else {
        let p = pdq::hash(&view, profile);
        Hashed {
            hashes: vec![p.hash],
            quality: p.quality,
            stability: p.stability,
            downscale,
        }
    })
}

/// One output line. JSON objects carry the hash's stability (`weak_bits`,
/// `stable`), and with `--fast-decode` also `downscale` (1, 4 or 8); CSV
/// keeps the reference's columns.
fn format_line(name: &str, h: &Hashed, format: Format, report_downscale: bool) -> String {
    match format {
        Format::Csv => {
            let hashes: Vec<String> = h.hashes.iter().map(|h| h.to_hex()).collect();
            format!("{},{},{}", hashes.join(","), h.quality, name)
        }
        Format::Json => {
            let mut object = serde_json::json!({
                "file": name, "hash": h.hashes[0].to_hex(), "quality": h.quality,
                "weak_bits": h.stability.weak_bits, "stable": h.stability.is_stable(),
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
