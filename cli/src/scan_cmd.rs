//! `percept scan`: images (or, with `--hashes`, hash lists) against a list.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use percept::db::{parse_list, ImportFormat, ListFile, OpenOptions};
use percept::input::InputError;
use percept::scan::{ScanOptions, ScanResult, Scanner, Verdict};

use crate::out;
use crate::walk::{expand, for_each_ordered, read, Entry, NOT_AN_IMAGE};
use crate::{ScanArgs, ScanFormat};

#[derive(Default)]
struct Summary {
    matched: usize,
    no_match: usize,
    unreliable: usize,
    errors: usize,
    skipped: usize,
    /// Scanned images whose hash is unstable (counted within the verdicts
    /// above, not beside them).
    unstable: usize,
}

impl Summary {
    fn total(&self) -> usize {
        self.matched + self.no_match + self.unreliable + self.errors + self.skipped
    }
}

enum Outcome {
    Scanned(ScanResult),
    Failed(InputError),
    Skipped(&'static str),
}

/// Opens the list for `scan` (and `compare --list`), with the messages an
/// operator needs when the path is wrong.
pub fn open_list(path: &Path, open: &OpenOptions) -> Result<ListFile, ExitCode> {
    if path.is_dir() {
        out::error(format!(
            "{}: is a folder, not a list file (build one with `percept list build`)",
            path.display()
        ));
        return Err(ExitCode::from(out::FAILED));
    }
    ListFile::open_with(path, open).map_err(|e| {
        out::error(format!(
            "{}: {}",
            path.display(),
            crate::list_cmd::explain(path, &e)
        ));
        ExitCode::from(out::FAILED)
    })
}

pub fn run(args: ScanArgs) -> ExitCode {
    let mut open = OpenOptions::default();
    open.trusted_keys = match crate::list_cmd::parse_public_keys(&args.public_keys) {
        Ok(k) => k,
        Err(code) => return code,
    };
    open.min_list_version = args.min_list_version;
    let list = match open_list(&args.list, &open) {
        Ok(l) => Arc::new(l),
        Err(code) => return code,
    };
    let mut options = ScanOptions::default();
    options.threshold = args.threshold;
    options.min_quality = args.min_quality;
    options.profile = crate::profile(args.profile);
    options.decode.jpeg_scaling = crate::jpeg_scaling(args.fast_decode);
    // `overrides_with` leaves at most one of the two set: the last given.
    let border_trim = args.border_trim || !args.no_border_trim;
    options.border_trim = border_trim;
    crate::warn_high_threshold(args.threshold);
    let list_version = list.info().list_version;
    let scanner = match Scanner::new(list, options) {
        Ok(s) => Arc::new(s),
        Err(e) => {
            out::error(e);
            return ExitCode::from(out::FAILED);
        }
    };
    let format = args.format;
    if format == ScanFormat::Csv {
        out::line(
            "file,verdict,distance,variant,id,label,quality,exact_file,error,weak_bits,stable,trimmed",
        );
    }
    let mut summary = Summary::default();
    let mut emit = |name: &str, hash: Option<&str>, outcome: Outcome, verbose: bool| {
        let record = match outcome {
            Outcome::Scanned(r) => {
                if r.stability.is_some_and(|s| !s.is_stable()) {
                    summary.unstable += 1;
                }
                match r.verdict {
                    Verdict::Match => summary.matched += 1,
                    Verdict::NoMatch => summary.no_match += 1,
                    Verdict::Unreliable => summary.unreliable += 1,
                }
                Some(format_result(
                    name,
                    hash,
                    &r,
                    format,
                    args.fast_decode.is_some(),
                    // Hashes have no pixels to trim.
                    border_trim && args.hashes.is_none(),
                ))
            }
            Outcome::Failed(e) => {
                summary.errors += 1;
                out::error(format!("{name}: {e}"));
                match format {
                    ScanFormat::Text => None,
                    ScanFormat::Csv => Some(format!(
                        "{},error,,,,,,,{},,,",
                        out::csv_field(name),
                        out::csv_field(&e.to_string())
                    )),
                    ScanFormat::Json => Some(
                        serde_json::json!({"file": name, "verdict": "error", "error": e.to_string(), "class": out::class(&e)})
                            .to_string(),
                    ),
                }
            }
            Outcome::Skipped(why) => {
                summary.skipped += 1;
                match format {
                    ScanFormat::Text => {
                        verbose.then(|| format!("{:<10}  {name}  ({why})", "skipped"))
                    }
                    ScanFormat::Csv => {
                        Some(format!("{},skipped,,,,,,,{why},,,", out::csv_field(name)))
                    }
                    ScanFormat::Json => Some(
                        serde_json::json!({"file": name, "verdict": "skipped", "skipped": why})
                            .to_string(),
                    ),
                }
            }
        };
        record
    };

    let bar;
    let mut unreadable_lines = 0;
    if let Some(hashes) = &args.hashes {
        bar = out::progress(0, false, "hashes");
        let text = match crate::list_cmd::read_text(hashes) {
            Ok(t) => t,
            Err(code) => return code,
        };
        let imported = parse_list(&text, ImportFormat::Auto, 0);
        for issue in &imported.issues {
            unreadable_lines += 1;
            out::error(format!(
                "{}:{}: {}",
                hashes.display(),
                issue.line,
                issue.reason
            ));
        }
        for ((entry, quality), line) in imported
            .entries
            .iter()
            .zip(&imported.qualities)
            .zip(&imported.lines)
        {
            let name = match &entry.label {
                Some(label) => label.clone(),
                None => format!("{}:{line}", hashes.display()),
            };
            let result = scanner.scan_hash(&entry.hash, quality.unwrap_or(100));
            let hex = entry.hash.to_hex();
            if let Some(record) = emit(&name, Some(&hex), Outcome::Scanned(result), args.verbose) {
                out::line(&record);
            }
        }
    } else {
        let entries = expand(&args.paths);
        bar = out::progress(entries.len(), !args.quiet, "files");
        let worker = scanner.clone();
        for_each_ordered(
            entries,
            move |entry| scan_entry(&worker, entry),
            |entry, outcome| {
                bar.inc(1);
                let name = entry.name();
                if let Some(record) = bar.suspend(|| emit(&name, None, outcome, args.verbose)) {
                    bar.suspend(|| out::line(&record));
                }
            },
        );
    }
    bar.finish_and_clear();
    summary.errors += unreadable_lines;
    let total = summary.total();
    let noun = if args.hashes.is_some() {
        "hash"
    } else {
        "file"
    };
    let text = format!(
        "scanned {}: {} match, {} no-match, {} unreliable, {}, {} skipped ({NOT_AN_IMAGE})",
        out::count(total, noun),
        summary.matched,
        summary.no_match,
        summary.unreliable,
        out::count(summary.errors, "error"),
        summary.skipped,
    );
    let nothing = summary.matched + summary.no_match + summary.unreliable + summary.errors == 0;
    let found = summary.matched > 0;
    let failed = summary.errors > 0 || nothing;
    match format {
        ScanFormat::Text => out::line(&text),
        ScanFormat::Csv => out::line(&format!(
            ",summary,,,,,,,files={total} match={} no-match={} unreliable={} errors={} skipped={} unstable={} list_version={list_version} exit={},,,",
            summary.matched,
            summary.no_match,
            summary.unreliable,
            summary.errors,
            summary.skipped,
            summary.unstable,
            u8::from(found) | u8::from(failed) << 1
        )),
        ScanFormat::Json => out::line(
            &serde_json::json!({"summary": {
                "files": total, "match": summary.matched, "no_match": summary.no_match,
                "unreliable": summary.unreliable, "errors": summary.errors,
                "skipped": summary.skipped, "unstable": summary.unstable,
                "list_version": list_version,
                "threshold": args.threshold, "exit": u8::from(found) | u8::from(failed) << 1,
            }})
            .to_string(),
        ),
    }
    if nothing {
        out::error("nothing scanned: no image found in the given paths");
    }
    out::exit(found, failed)
}

fn scan_entry(scanner: &Scanner, entry: &Entry) -> Outcome {
    let source = match entry.source() {
        Ok(s) => s,
        Err(e) => return Outcome::Failed(e),
    };
    // Every file is read whole: the exact-file digests are checked whatever
    // the content; only then does an unrecognised file found in a folder
    // count as skipped.
    let bytes = match read(
        source,
        scanner.options().decode.limits.max_input_bytes,
        false,
    ) {
        Ok(Some(b)) => b,
        Ok(None) => return Outcome::Skipped(NOT_AN_IMAGE),
        Err(e) => return Outcome::Failed(e),
    };
    let in_folder = matches!(
        source,
        crate::walk::Source::File {
            in_folder: true,
            ..
        }
    );
    match scanner.scan_bytes(&bytes) {
        Ok(r) => Outcome::Scanned(r),
        Err(InputError::UnrecognisedFormat) if in_folder => Outcome::Skipped(NOT_AN_IMAGE),
        Err(e) => Outcome::Failed(e),
    }
}

/// One verdict record. With `--fast-decode`, JSON objects also carry
/// `downscale` (1, 4 or 8); with `--border-trim`, `content_region`,
/// `content_quality` and a `trimmed` flag on each match.
fn format_result(
    name: &str,
    hash: Option<&str>,
    r: &ScanResult,
    format: ScanFormat,
    report_downscale: bool,
    report_trim: bool,
) -> String {
    let best = r.best();
    let file = r.exact_files.first();
    // The id and label of the closest hash entry, or of the known file.
    let label = best
        .and_then(|m| m.label.as_deref())
        .or_else(|| file.and_then(|f| f.label.as_deref()))
        .unwrap_or("");
    let id = best.map(|m| m.id).or_else(|| file.and_then(|f| f.id));
    let quality = r.quality.map(|q| q.to_string()).unwrap_or_default();
    match format {
        ScanFormat::Text => {
            let how = if r.exact_file {
                format!(
                    "exact file{}{}",
                    id.map(|id| format!(", id {id}")).unwrap_or_default(),
                    if label.is_empty() {
                        String::new()
                    } else {
                        format!(", label {label}")
                    }
                )
            } else if let Some(m) = best {
                format!(
                    "distance {} ({}{}), id {}{}",
                    m.distance,
                    m.variant.name(),
                    if m.trimmed { ", inside borders" } else { "" },
                    m.id,
                    if label.is_empty() {
                        String::new()
                    } else {
                        format!(", label {label}")
                    }
                )
            } else {
                String::new()
            };
            format!(
                "{:<10}  quality {:>3}{}  {}  {}",
                r.verdict.as_str(),
                quality,
                if r.stability.is_some_and(|s| !s.is_stable()) {
                    " (unstable hash)"
                } else {
                    ""
                },
                hash.map(|h| format!("{h}  {name}"))
                    .unwrap_or_else(|| name.to_string()),
                how
            )
        }
        ScanFormat::Csv => format!(
            "{},{},{},{},{},{},{},{},,{},{},{}",
            out::csv_field(name),
            r.verdict.as_str(),
            best.map(|m| m.distance.to_string()).unwrap_or_default(),
            best.map(|m| m.variant.name()).unwrap_or_default(),
            id.map(|id| id.to_string()).unwrap_or_default(),
            out::csv_field(label),
            quality,
            r.exact_file,
            r.stability
                .map(|s| s.weak_bits.to_string())
                .unwrap_or_default(),
            r.stability
                .map(|s| s.is_stable().to_string())
                .unwrap_or_default(),
            best.map(|m| m.trimmed.to_string()).unwrap_or_default(),
        ),
        ScanFormat::Json => {
            let matches: Vec<serde_json::Value> = r
                .matches
                .iter()
                .map(|m| {
                    let mut o = serde_json::json!({"id": m.id, "distance": m.distance, "variant": m.variant.name(), "label": m.label});
                    if report_trim {
                        o["trimmed"] = m.trimmed.into();
                    }
                    o
                })
                .chain(r.exact_files.iter().map(|f| {
                    serde_json::json!({"id": f.id, "label": f.label, "exact_file": true})
                }))
                .collect();
            let mut object = serde_json::json!({
                "file": name,
                "verdict": r.verdict.as_str(),
                "exact_file": r.exact_file,
                "quality": r.quality,
                "weak_bits": r.stability.map(|s| s.weak_bits),
                "stable": r.stability.map(|s| s.is_stable()),
                "distance": best.map(|m| m.distance),
                "id": id,
                "label": (!label.is_empty()).then_some(label),
                "variant": best.map(|m| m.variant.name()),
                "matches": matches,
                "list_version": r.list_version,
            });
            if let Some(h) = hash {
                object["hash"] = h.into();
            }
            if report_downscale {
                object["downscale"] = r.downscale.into();
            }
            if report_trim {
                object["content_region"] = match r.content_region {
                    Some(c) => {
                        serde_json::json!({"x": c.x, "y": c.y, "width": c.width, "height": c.height})
                    }
                    None => serde_json::Value::Null,
                };
                object["content_quality"] = r.content_quality.into();
            }
            object.to_string()
        }
    }
}
