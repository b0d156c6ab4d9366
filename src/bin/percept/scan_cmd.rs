//! `percept scan`.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use percept::db::{ListFile, OpenOptions};
use percept::hash::pdq::Profile;
use percept::input::read_file_limited;
use percept::scan::{ScanOptions, ScanResult, Scanner, Verdict};
use rayon::prelude::*;

use crate::walk::{expand, Entry};
use crate::{ProfileArg, ScanArgs, ScanFormat};

/// Files in flight at once (bounded memory whatever the folder size).
const CHUNK: usize = 16;

#[derive(Default)]
struct Summary {
    matched: usize,
    no_match: usize,
    unreliable: usize,
    errors: usize,
}

pub fn run(args: ScanArgs) -> ExitCode {
    let mut open = OpenOptions::default();
    open.trusted_keys = match crate::list_cmd::parse_public_keys(&args.public_keys) {
        Ok(k) => k,
        Err(code) => return code,
    };
    open.min_list_version = args.min_list_version;
    let list = match ListFile::open_with(&args.list, &open) {
        Ok(l) => Arc::new(l),
        Err(e) => {
            eprintln!("percept: {}: {e}", args.list.display());
            return ExitCode::from(2);
        }
    };
    let mut options = ScanOptions::default();
    options.threshold = args.threshold;
    options.min_quality = args.min_quality;
    options.profile = match args.profile {
        ProfileArg::Full => Profile::FullResolution,
        ProfileArg::Cli512 => Profile::Cli512,
    };
    options.decode.jpeg_scaling = crate::jpeg_scaling(args.fast_decode);
    let report_downscale = args.fast_decode.is_some();
    let scanner = Scanner::new(list, options);
    let entries = expand(&args.paths);

    let bar = ProgressBar::with_draw_target(
        Some(entries.len() as u64),
        if !args.quiet && std::io::stderr().is_terminal() {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        },
    );
    if let Ok(style) =
        ProgressStyle::with_template("{bar:40} {pos}/{len} images, {per_sec}, eta {eta}")
    {
        bar.set_style(style);
    }

    let stdout = std::io::stdout();
    if args.format == ScanFormat::Csv {
        println!("verdict,distance,id,label,quality,exact_file,file");
    }
    let mut summary = Summary::default();
    for chunk in entries.chunks(CHUNK) {
        let results: Vec<(&Path, Result<ScanResult, String>)> = chunk
            .par_iter()
            .map(|entry| match entry {
                Entry::File(p) => (p.as_path(), scan_file(&scanner, p)),
                Entry::Unreadable(p, e) => (p.as_path(), Err(format!("cannot read: {e}"))),
            })
            .collect();
        let mut out = stdout.lock();
        for (path, result) in results {
            bar.inc(1);
            match result {
                Ok(r) => {
                    match r.verdict {
                        Verdict::Match => summary.matched += 1,
                        Verdict::NoMatch => summary.no_match += 1,
                        Verdict::Unreliable => summary.unreliable += 1,
                    }
                    let line = format_result(path, &r, args.format, report_downscale);
                    if bar.suspend(|| writeln!(out, "{line}")).is_err() {
                        return ExitCode::from(1);
                    }
                }
                Err(reason) => {
                    summary.errors += 1;
                    bar.suspend(|| eprintln!("percept: {}: {reason}", path.display()));
                }
            }
        }
    }
    bar.finish_and_clear();
    let line = format!(
        "scanned {} images: {} match, {} no-match, {} unreliable, {} errors",
        entries.len(),
        summary.matched,
        summary.no_match,
        summary.unreliable,
        summary.errors
    );
    if args.format == ScanFormat::Text {
        println!("{line}");
    } else {
        eprintln!("percept: {line}");
    }
    if summary.errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn scan_file(scanner: &Scanner, path: &Path) -> Result<ScanResult, String> {
    let bytes = read_file_limited(path, scanner.options().decode.limits.max_input_bytes)
        .map_err(|e| e.to_string())?;
    scanner.scan_bytes(&bytes).map_err(|e| e.to_string())
}

/// One verdict line. With `--fast-decode`, JSON objects also carry
/// `downscale` (1, 4 or 8); text and CSV keep their columns.
fn format_result(
    path: &Path,
    r: &ScanResult,
    format: ScanFormat,
    report_downscale: bool,
) -> String {
    let best = r.best();
    let label = r.best_label().unwrap_or("");
    let distance = best.map(|m| m.distance.to_string()).unwrap_or_default();
    let id = best.map(|m| m.id.to_string()).unwrap_or_default();
    let quality = r.quality.map(|q| q.to_string()).unwrap_or_default();
    let file = path.display().to_string();
    match format {
        ScanFormat::Text => {
            let how = if r.exact_file {
                "exact file".to_string()
            } else if let Some(m) = best {
                format!(
                    "distance {} ({}), id {}{}",
                    m.distance,
                    m.variant.name(),
                    m.id,
                    if label.is_empty() {
                        String::new()
                    } else {
                        format!(", {label:?}")
                    }
                )
            } else {
                String::new()
            };
            format!(
                "{:<10}  quality {:>3}  {}  {}",
                r.verdict.as_str(),
                quality,
                file,
                how
            )
        }
        ScanFormat::Csv => format!(
            "{},{},{},{},{},{},{}",
            r.verdict.as_str(),
            distance,
            id,
            csv_field(label),
            quality,
            r.exact_file,
            csv_field(&file)
        ),
        ScanFormat::Json => {
            let mut object = serde_json::json!({
                "file": file,
                "verdict": r.verdict.as_str(),
                "exact_file": r.exact_file,
                "quality": r.quality,
                "distance": best.map(|m| m.distance),
                "id": best.map(|m| m.id),
                "label": r.best_label(),
                "variant": best.map(|m| m.variant.name()),
                "matches": r.matches.len(),
            });
            if report_downscale {
                object["downscale"] = r.downscale.into();
            }
            object.to_string()
        }
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}
