//! report.json (everything, the same bytes for the same seed and inputs)
//! and report.md (tables at a few thresholds, throughput, the lists to
//! review).

use std::fmt::Write;

use percept::hash::pdq::Profile;
use serde_json::{json, Map, Value};

use super::metrics::{self, Curve, Group, PairGroup, MAX_THRESHOLD};
use super::transforms::ALL;
use super::{per_second, Run, Timing, TABLE_THRESHOLDS};

/// Items report.md lists at most per list (report.json has them all, up to
/// the close-pair cap).
const MD_LIST_CAP: usize = 50;

fn profile_name(p: Profile) -> &'static str {
    match p {
        Profile::FullResolution => "full",
        Profile::Cli512 => "cli512",
    }
}

/// A fraction with three decimals, or `-` when nothing was counted.
pub fn fraction(f: Option<f64>) -> String {
    f.map_or_else(|| "-".to_string(), |f| format!("{f:.3}"))
}

fn rates(c: &Curve) -> Value {
    c.fractions().into_iter().map(Value::from).collect()
}

fn recall_group(plain: &Curve, dihedral: &Curve) -> Value {
    json!({
        "n": plain.n,
        "within_plain": plain.within.to_vec(),
        "within_dihedral": dihedral.within.to_vec(),
        "recall_plain": rates(plain),
        "recall_dihedral": rates(dihedral),
    })
}

fn pair_group(plain: &Curve, dihedral: &Curve) -> Value {
    json!({
        "pairs": plain.n,
        "within_plain": plain.within.to_vec(),
        "within_dihedral": dihedral.within.to_vec(),
        "rate_plain": rates(plain),
        "rate_dihedral": rates(dihedral),
        "rule_of_three_rate": metrics::rule_of_three(plain.n),
    })
}

/// report.json.
pub fn json(run: &Run) -> String {
    let s = &run.settings;
    let names: Vec<&str> = run.originals.iter().map(|o| o.name.as_str()).collect();
    let transforms: Vec<Value> = ALL
        .iter()
        .zip(&run.recall)
        .map(|(t, r)| {
            let mut v = json!({
                "name": t.name,
                "description": t.description(),
                "hashed": r.hashed,
                "failed": r.failed,
                "excluded_low_quality_original": r.low_quality_original,
                "excluded_low_quality_copy": r.low_quality_copy,
                // Reserved for the split of recall by per-hash stability
                // (metrics::Group); null until the library reports it.
                "stability": Value::Null,
            });
            for (group, curves) in &r.groups {
                v[group.key()] = recall_group(&curves.plain, &curves.dihedral);
            }
            v
        })
        .collect();
    let fp = &run.false_positives;
    let mut false_positives = json!({
        "pairs_total": fp.pairs,
        "duplicate_pairs": fp.duplicates.iter().map(|d| json!({
            "a": names[d.a], "b": names[d.b], "same_bytes": d.same_bytes,
            "plain": d.plain, "dihedral": d.dihedral,
        })).collect::<Vec<_>>(),
        "close_pair_threshold": percept::index::DEFAULT_THRESHOLD,
        "close_pairs_total": fp.close_total,
        "close_pairs": fp.close.iter().map(|c| json!({
            "a": names[c.a], "b": names[c.b], "plain": c.plain, "dihedral": c.dihedral,
        })).collect::<Vec<_>>(),
    });
    for (group, curves) in &fp.groups {
        false_positives[group.key()] = pair_group(&curves.plain, &curves.dihedral);
    }
    let originals: Vec<Value> = run
        .originals
        .iter()
        .map(|o| {
            let mut copies = Map::new();
            let mut errors = Map::new();
            for (t, c) in ALL.iter().zip(&o.copies) {
                match c {
                    Ok(s) => {
                        copies.insert(t.name.into(), json!([s.plain, s.dihedral, s.copy_quality]));
                    }
                    Err(e) => {
                        errors.insert(t.name.into(), e.clone().into());
                    }
                }
            }
            json!({
                "file": o.name,
                "quality": o.original.quality,
                "hash": o.original.hash.to_hex(),
                "copies": copies,
                "copy_errors": errors,
                "stable": Value::Null,
            })
        })
        .collect();
    let report = json!({
        "percept_version": env!("CARGO_PKG_VERSION"),
        "settings": {
            "seed": s.seed,
            "profile": profile_name(s.profile),
            "min_quality": s.min_quality,
            "duplicate_distance": s.duplicate_distance,
            "max_threshold": MAX_THRESHOLD,
            "transforms": ALL.iter().map(|t| t.name).collect::<Vec<_>>(),
        },
        "corpus": {
            "inputs": run.inputs,
            "originals": run.originals.len(),
            "errors": run.failed.len(),
            "skipped": run.skipped.len(),
            "below_min_quality": run.low_quality_originals(),
            "copies_hashed": run.recall.iter().map(|r| r.hashed).sum::<u64>(),
            "copies_failed": run.copy_failures(),
            "failed": run.failed.iter().map(|(f, e, c)| json!({"file": f, "error": e, "class": c})).collect::<Vec<_>>(),
            "skipped_files": run.skipped,
        },
        "transforms": transforms,
        "false_positives": false_positives,
        "originals": originals,
    });
    let mut text = serde_json::to_string_pretty(&report).unwrap_or_default();
    text.push('\n');
    text
}

fn threshold_header(first: &str) -> String {
    let mut h = format!("| {first} | n |");
    for t in TABLE_THRESHOLDS {
        let _ = write!(h, " T={t} |");
    }
    h.push_str("\n|---|--:|");
    for _ in TABLE_THRESHOLDS {
        h.push_str("--:|");
    }
    h.push('\n');
    h
}

fn recall_table(md: &mut String, run: &Run, group: Group, dihedral: bool) {
    md.push_str(&threshold_header("transform"));
    for (t, r) in ALL.iter().zip(&run.recall) {
        let Some((_, c)) = r.groups.iter().find(|(g, _)| *g == group) else {
            continue;
        };
        let curve = if dihedral { &c.dihedral } else { &c.plain };
        let _ = write!(md, "| {} | {} |", t.name, curve.n);
        for th in TABLE_THRESHOLDS {
            let _ = write!(md, " {} |", fraction(curve.fraction(th)));
        }
        md.push('\n');
    }
    md.push('\n');
}

fn fp_cell(c: &Curve, t: u32) -> String {
    let k = c.within[t as usize];
    match c.fraction(t) {
        Some(r) if k > 0 => format!("{k} ({r:.1e})"),
        _ => k.to_string(),
    }
}

fn more(md: &mut String, total: usize) {
    if total > MD_LIST_CAP {
        let _ = writeln!(
            md,
            "- ... and {} more (all in report.json)",
            total - MD_LIST_CAP
        );
    }
}

/// report.md.
pub fn markdown(run: &Run, timing: &Timing, command_line: &str, font_note: &str) -> String {
    let s = &run.settings;
    let names: Vec<&str> = run.originals.iter().map(|o| o.name.as_str()).collect();
    let fp = &run.false_positives;
    let copies_hashed: u64 = run.recall.iter().map(|r| r.hashed).sum();
    let mut md = String::new();
    let _ = writeln!(md, "# percept eval\n");
    let _ = writeln!(
        md,
        "percept {}, seed {}, profile {}, minimum quality {}, duplicate distance {}.\n",
        env!("CARGO_PKG_VERSION"),
        s.seed,
        profile_name(s.profile),
        s.min_quality,
        s.duplicate_distance
    );
    let _ = writeln!(md, "Command: `{command_line}`\n");
    let _ = writeln!(
        md,
        "Throughput: {} originals and {} copies hashed in {:.2} s on {}: \
         {:.1} originals/s, {:.1} hashes/s (a hash: one decode where the copy \
         is a JPEG, one PDQ pass with its eight dihedral hashes; the \
         transforms' own time included). Not in report.json, which is the \
         same from run to run.\n",
        run.originals.len(),
        copies_hashed,
        timing.elapsed.as_secs_f64(),
        crate::out::count(timing.threads, "thread"),
        per_second(run.originals.len() as u64, timing.elapsed),
        per_second(timing.hashed, timing.elapsed),
    );

    md.push_str("## Corpus\n\n| | count |\n|---|--:|\n");
    for (what, n) in [
        ("inputs", run.inputs as u64),
        ("originals evaluated", run.originals.len() as u64),
        ("inputs that failed (listed below)", run.failed.len() as u64),
        ("files skipped (not an image)", run.skipped.len() as u64),
        (
            &format!("originals below quality {}", s.min_quality) as &str,
            run.low_quality_originals() as u64,
        ),
        ("transforms", ALL.len() as u64),
        ("copies made and hashed", copies_hashed),
        ("copies that failed", run.copy_failures()),
        ("pairs of originals", fp.pairs),
        (
            "duplicate pairs (left out of false positives)",
            fp.duplicates.len() as u64,
        ),
    ] {
        let _ = writeln!(md, "| {what} | {n} |");
    }
    md.push('\n');

    md.push_str(
        "## Recall\n\n\
         Recall at T: the fraction of originals whose transformed copy is \
         within T bits of the original's hash. *Copy hash* compares the \
         copy's own hash with the original's (`percept compare`'s \
         \"as given\"); *dihedral* takes the closest of the copy's eight \
         rotation and flip hashes, as `percept scan` does. n is the number \
         of copies counted. Copies that could not be made or hashed are in \
         no curve (see Transforms).\n\n",
    );
    for group in Group::ALL {
        for dihedral in [true, false] {
            let _ = writeln!(
                md,
                "### {}, {}\n",
                if dihedral {
                    "With dihedral matching"
                } else {
                    "Copy hash against original hash"
                },
                group.title()
            );
            recall_table(&mut md, run, group, dihedral);
        }
    }
    let _ = writeln!(
        md,
        "![recall](recall.svg)\n\nPlots: recall.svg and recall.png (quality-gated recall \
         for every transform), false-positives.svg and .png; {font_note}.\n\n\
         ## Transforms\n\n\
         Left out of the quality-gated recall: copies of originals below \
         quality {q}, and copies below quality {q} of originals that pass.\n\n\
         | transform | what | hashed | failed | original below {q} | copy below {q} |\n\
         |---|---|--:|--:|--:|--:|",
        q = s.min_quality
    );
    for (t, r) in ALL.iter().zip(&run.recall) {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} |",
            t.name,
            t.description(),
            r.hashed,
            r.failed,
            r.low_quality_original,
            r.low_quality_copy
        );
    }
    md.push('\n');

    let _ = writeln!(
        md,
        "## False positives\n\n\
         Over every unordered pair of distinct originals: the number of \
         pairs within T, and the rate per pair. *Dihedral*: the closest of \
         either image's eight rotation and flip hashes to the other's hash. \
         Duplicates are left out: byte-identical files, and pairs that both \
         pass the quality gate and are within {d} bits with dihedral \
         matching (unrelated hashes differ in about 128 bits, standard \
         deviation 8, so {d} bits or fewer is the same picture). Below T = \
         {d} the quality-gated counts are therefore 0 by construction.\n",
        d = s.duplicate_distance
    );
    md.push_str(&threshold_header("pairs"));
    for (group, c) in &fp.groups {
        for (label, curve) in [("plain", &c.plain), ("dihedral", &c.dihedral)] {
            let name = match group {
                PairGroup::All => "all",
                PairGroup::QualityGated => "quality-gated",
            };
            let _ = write!(md, "| {name}, {label} | {} |", curve.n);
            for t in TABLE_THRESHOLDS {
                let _ = write!(md, " {} |", fp_cell(curve, t));
            }
            md.push('\n');
        }
    }
    md.push('\n');
    for (group, c) in &fp.groups {
        let n = c.plain.n;
        let name = match group {
            PairGroup::All => "all pairs",
            PairGroup::QualityGated => "quality-gated pairs",
        };
        match metrics::rule_of_three(n) {
            Some(bound) => {
                let _ = writeln!(
                    md,
                    "- Sample size ({name}): {n} pairs. A rate below about \
                     3 / {n} = {bound:.1e} cannot be told from 0 on this \
                     corpus (rule of three: with no false positive in {n} \
                     pairs, the rate is below that bound at 95 % confidence)."
                );
            }
            None => {
                let _ = writeln!(md, "- No {name}: no false-positive rate can be given.");
            }
        }
    }
    md.push_str("\n![false positives](false-positives.svg)\n\n");

    let _ = writeln!(
        md,
        "### Duplicate pairs (left out)\n\n{} pairs.\n",
        fp.duplicates.len()
    );
    for d in fp.duplicates.iter().take(MD_LIST_CAP) {
        let _ = writeln!(
            md,
            "- `{}` and `{}`: {}, distance {} ({} with dihedral matching)",
            names[d.a],
            names[d.b],
            if d.same_bytes {
                "identical bytes"
            } else {
                "near-identical hashes"
            },
            d.plain,
            d.dihedral
        );
    }
    more(&mut md, fp.duplicates.len());
    let _ = writeln!(
        md,
        "\n### Close pairs (counted as false positives; review them)\n\n\
         Pairs that are not duplicates but within {} bits with dihedral \
         matching: {}.\n",
        percept::index::DEFAULT_THRESHOLD,
        fp.close_total
    );
    for c in fp.close.iter().take(MD_LIST_CAP) {
        let _ = writeln!(
            md,
            "- `{}` and `{}`: distance {} ({} with dihedral matching), qualities {} and {}",
            names[c.a],
            names[c.b],
            c.plain,
            c.dihedral,
            run.originals[c.a].original.quality,
            run.originals[c.b].original.quality
        );
    }
    more(&mut md, fp.close_total as usize);

    let low: Vec<_> = run
        .originals
        .iter()
        .filter(|o| o.original.quality < s.min_quality)
        .collect();
    let _ = writeln!(
        md,
        "\n## Originals below quality {}\n\n{}.\n",
        s.min_quality,
        low.len()
    );
    for o in low.iter().take(MD_LIST_CAP) {
        let _ = writeln!(md, "- `{}`: quality {}", o.name, o.original.quality);
    }
    more(&mut md, low.len());
    let _ = writeln!(md, "\n## Errors\n\n{} inputs failed.\n", run.failed.len());
    for (file, error, class) in run.failed.iter().take(MD_LIST_CAP) {
        let _ = writeln!(md, "- `{file}`: {error} ({class})");
    }
    more(&mut md, run.failed.len());
    let copy_errors: Vec<(&str, &str, &str)> = run
        .originals
        .iter()
        .flat_map(|o| {
            ALL.iter().zip(&o.copies).filter_map(move |(t, c)| {
                c.as_ref()
                    .err()
                    .map(|e| (o.name.as_str(), t.name, e.as_str()))
            })
        })
        .collect();
    if !copy_errors.is_empty() {
        let _ = writeln!(md, "\nCopies that failed: {}.\n", copy_errors.len());
        for (file, t, e) in copy_errors.iter().take(MD_LIST_CAP) {
            let _ = writeln!(md, "- `{file}`, {t}: {e}");
        }
        more(&mut md, copy_errors.len());
    }
    md
}
