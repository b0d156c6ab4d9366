//! report.json (everything, the same bytes for the same seed and inputs)
//! and report.md (tables at a few thresholds, throughput, the lists to
//! review).

use std::fmt::Write;

use percept::hash::pdq::{Profile, Stability};
use percept::input::Region;
use serde_json::{json, Map, Value};

use super::metrics::{self, Curve, Group, PairGroup, RecallCurves, MAX_THRESHOLD};
use super::transforms::ALL;
use super::{per_second, Run, Timing, PREDICTOR_TRANSFORM, TABLE_THRESHOLDS};

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

/// `a / b` with two decimals, `-` when `b` is 0.
pub fn ratio(a: u64, b: u64) -> String {
    if b > 0 {
        format!("{:.2}", a as f64 / b as f64)
    } else {
        "-".to_string()
    }
}

fn rates(c: &Curve) -> Value {
    c.fractions().into_iter().map(Value::from).collect()
}

/// A group's three curves: counts within each threshold and their rates,
/// keyed `within_*` and `{rate}_*`, and the group's size under `size`.
fn curves(c: &metrics::Curves, size: &str, rate: &str) -> Value {
    let mut object = serde_json::Map::new();
    object.insert(size.into(), c.plain.n.into());
    for (name, curve) in [
        ("plain", &c.plain),
        ("dihedral", &c.dihedral),
        ("trim", &c.trim),
    ] {
        object.insert(format!("within_{name}"), curve.within.to_vec().into());
    }
    for (name, curve) in [
        ("plain", &c.plain),
        ("dihedral", &c.dihedral),
        ("trim", &c.trim),
    ] {
        object.insert(format!("{rate}_{name}"), rates(curve));
    }
    Value::Object(object)
}

fn recall_group(c: &RecallCurves) -> Value {
    curves(c, "n", "recall")
}

fn pair_group(c: &metrics::PairCurves) -> Value {
    let mut object = curves(c, "pairs", "rate");
    object["rule_of_three_rate"] = metrics::rule_of_three(c.plain.n).into();
    object
}

fn region(r: Option<Region>) -> Value {
    r.map_or(
        Value::Null,
        |r| json!({"x": r.x, "y": r.y, "width": r.width, "height": r.height}),
    )
}

/// The stability block of report.json: the cut-off, the counts and the
/// predictor.
fn stability(run: &Run) -> Value {
    let (unstable, unstable_gated) = run.unstable_originals();
    let p = &run.predictor;
    json!({
        "weak_margin": (f64::from(Stability::WEAK_MARGIN) * 1000.0).round() / 1000.0,
        "unstable_weak_bits": Stability::UNSTABLE_WEAK_BITS,
        "unstable_originals": unstable,
        "quality_gated_originals": run.gated_originals(),
        "unstable_quality_gated_originals": unstable_gated,
        "predictor": {
            "transform": PREDICTOR_TRANSFORM,
            "threshold": p.threshold,
            "originals": p.originals,
            "missed": p.missed,
            "cutoffs": p.rows.iter().map(|r| json!({
                "cutoff": r.cutoff,
                "flagged": r.flagged,
                "caught": r.caught,
                "catch_rate": p.catch_rate(r),
                "flag_rate": p.flag_rate(r),
            })).collect::<Vec<_>>(),
        },
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
                "content_regions": r.regions,
                "content_regions_usable": r.regions_usable,
            });
            for (group, curves) in &r.groups {
                v[group.key()] = recall_group(curves);
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
            "trim": c.trim,
        })).collect::<Vec<_>>(),
    });
    for (group, curves) in &fp.groups {
        false_positives[group.key()] = pair_group(curves);
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
                        copies.insert(
                            t.name.into(),
                            json!([s.plain, s.dihedral, s.copy_quality, s.trim, s.inner_quality]),
                        );
                    }
                    Err(e) => {
                        errors.insert(t.name.into(), e.clone().into());
                    }
                }
            }
            let inner = o.original.inner;
            json!({
                "file": o.name,
                "quality": o.original.quality,
                "hash": o.original.hash.to_hex(),
                "weak_bits": o.original.stability.weak_bits,
                "stable": o.original.stability.is_stable(),
                "content_region": region(inner.map(|i| i.region)),
                "content_quality": inner.map(|i| i.quality),
                "copies": copies,
                "copy_errors": errors,
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
            "unstable_originals": run.unstable_originals().0,
            "originals_with_content_region": run.originals_with_region().0,
            "failed": run.failed.iter().map(|(f, e, c)| json!({"file": f, "error": e, "class": c})).collect::<Vec<_>>(),
            "skipped_files": run.skipped,
        },
        "transforms": transforms,
        "stability": stability(run),
        "border_trim": {
            "originals_with_content_region": run.originals_with_region().0,
            "originals_content_usable": run.originals_with_region().1,
            "copies_with_content_region": run.recall.iter().map(|r| r.regions).sum::<u64>(),
            "copies_content_usable": run.recall.iter().map(|r| r.regions_usable).sum::<u64>(),
            "extra_hashes": run.trim_hashes(),
        },
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

/// Which of a group's recall curves a table shows.
#[derive(Clone, Copy)]
enum Matching {
    Plain,
    Dihedral,
    Trim,
}

impl Matching {
    fn curve(self, c: &RecallCurves) -> &Curve {
        match self {
            Matching::Plain => &c.plain,
            Matching::Dihedral => &c.dihedral,
            Matching::Trim => &c.trim,
        }
    }

    fn title(self) -> &'static str {
        match self {
            Matching::Plain => "Copy hash against original hash",
            Matching::Dihedral => "With dihedral matching",
            Matching::Trim => "With dihedral matching and border trim",
        }
    }
}

fn group_curves(r: &metrics::Recall, group: Group) -> Option<&RecallCurves> {
    r.groups.iter().find(|(g, _)| *g == group).map(|(_, c)| c)
}

fn recall_table(md: &mut String, run: &Run, group: Group, matching: Matching) {
    md.push_str(&threshold_header("transform"));
    for (t, r) in ALL.iter().zip(&run.recall) {
        let Some(c) = group_curves(r, group) else {
            continue;
        };
        let curve = matching.curve(c);
        let _ = write!(md, "| {} | {} |", t.name, curve.n);
        for th in TABLE_THRESHOLDS {
            let _ = write!(md, " {} |", fraction(curve.fraction(th)));
        }
        md.push('\n');
    }
    md.push('\n');
}

/// Quality-gated recall at T = 31 split by the original's stability.
fn stability_table(md: &mut String, run: &Run) {
    let t = percept::index::DEFAULT_THRESHOLD;
    let _ = writeln!(
        md,
        "### By the original's stability, quality-gated, T = {t}\n\n\
         Stable: fewer than {w} weak bits; unstable: {w} or more (see \
         Stability). Every threshold is in report.json (`stable`, \
         `unstable`).\n\n\
         | transform | stable n | dihedral | + trim | unstable n | dihedral | + trim |\n\
         |---|--:|--:|--:|--:|--:|--:|",
        w = Stability::UNSTABLE_WEAK_BITS
    );
    for (tr, r) in ALL.iter().zip(&run.recall) {
        let _ = write!(md, "| {} |", tr.name);
        for group in [Group::Stable, Group::Unstable] {
            if let Some(c) = group_curves(r, group) {
                let _ = write!(
                    md,
                    " {} | {} | {} |",
                    c.dihedral.n,
                    fraction(c.dihedral.fraction(t)),
                    fraction(c.trim.fraction(t))
                );
            }
        }
        md.push('\n');
    }
    md.push('\n');
}

/// How often border trim found a picture inside borders, what it cost and
/// what it changed at T = 31.
fn border_trim_section(md: &mut String, run: &Run, timing: &Timing) {
    let q = run.settings.min_quality;
    let t = percept::index::DEFAULT_THRESHOLD;
    let (with, usable) = run.originals_with_region();
    let extra = run.trim_hashes();
    let _ = writeln!(
        md,
        "## Border trim\n\n\
         With border trim (`percept scan --border-trim`) an image with \
         uniform borders (a letterbox, a pillarbox, a plain canvas around a \
         screenshot of a picture) is also hashed inside them, and those \
         eight hashes are matched too when their quality is at least {q}. \
         Originals with such borders: {with} of {n} ({usable} with an inner \
         picture of quality {q} or more). Extra hashes: {extra}, one per \
         original or copy with borders, on top of the {hashed} images \
         hashed ({share}); included in the throughput above.\n\n\
         Recall is quality-gated. A region is found when the copy has \
         uniform borders; usable when its quality is at least {q}.\n\n\
         | transform | hashed | region found | rate | usable | recall T={t}, dihedral | + trim |\n\
         |---|--:|--:|--:|--:|--:|--:|",
        n = run.originals.len(),
        hashed = timing.hashed,
        share = match timing.hashed {
            0 => "-".to_string(),
            h => format!("{:.1} % more", 100.0 * extra as f64 / h as f64),
        },
    );
    for (tr, r) in ALL.iter().zip(&run.recall) {
        let gated = group_curves(r, Group::QualityGated);
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} | {} |",
            tr.name,
            r.hashed,
            r.regions,
            fraction((r.hashed > 0).then(|| r.regions as f64 / r.hashed as f64)),
            r.regions_usable,
            fraction(gated.and_then(|c| c.dihedral.fraction(t))),
            fraction(gated.and_then(|c| c.trim.fraction(t))),
        );
    }
    md.push('\n');
}

/// The unstable originals and the predictor table.
fn stability_section(md: &mut String, run: &Run) {
    let (unstable, unstable_gated) = run.unstable_originals();
    let p = &run.predictor;
    let _ = writeln!(
        md,
        "## Stability\n\n\
         A hash bit is weak when its DCT value lies within {m} of the \
         median, so that a small edit can flip it; a hash with {w} weak bits \
         or more is unstable (`percept hash` reports `weak_bits` and \
         `stable`). Unstable originals: {unstable} of {n}; {unstable_gated} of \
         the {gated} that pass the quality gate.\n\n\
         ### Stability as a predictor\n\n\
         Of the {o} originals that pass the quality gate (and whose \
         {PREDICTOR_TRANSFORM} copy was hashed), {missed} have a \
         {PREDICTOR_TRANSFORM} copy that does not match at T = {t} with \
         dihedral matching: the misses. A cut-off flags the originals with \
         at least that many weak bits. Catch rate: the share of the misses \
         flagged; flag rate: the share of the {o} originals flagged. The \
         library's cut-off is {w}.\n\n\
         | weak bits >= | flagged | flag rate | misses flagged | catch rate |\n\
         |--:|--:|--:|--:|--:|",
        m = Stability::WEAK_MARGIN,
        w = Stability::UNSTABLE_WEAK_BITS,
        n = run.originals.len(),
        gated = run.gated_originals(),
        o = p.originals,
        missed = p.missed,
        t = p.threshold,
    );
    for row in &p.rows {
        let _ = writeln!(
            md,
            "| {}{} | {} | {} | {} of {} | {} |",
            row.cutoff,
            if row.cutoff == Stability::UNSTABLE_WEAK_BITS {
                " (library)"
            } else {
                ""
            },
            row.flagged,
            fraction(p.flag_rate(row)),
            row.caught,
            p.missed,
            fraction(p.catch_rate(row)),
        );
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
         transforms' own time, the search for uniform borders and the extra \
         hashes of border trim included). Not in report.json, which is the \
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
        (
            &format!(
                "unstable originals ({} weak bits or more)",
                Stability::UNSTABLE_WEAK_BITS
            ) as &str,
            run.unstable_originals().0 as u64,
        ),
        (
            "originals with uniform borders (see Border trim)",
            run.originals_with_region().0 as u64,
        ),
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
         rotation and flip hashes, as `percept scan` does; *dihedral and \
         border trim* also the closest of the eight hashes of the picture \
         inside the copy's uniform borders, when it has some and that \
         picture's quality passes the gate, as `percept scan --border-trim` \
         does (see Border trim). n is the number of copies counted. Copies that could not be made or hashed are in \
         no curve (see Transforms).\n\n",
    );
    for group in [Group::QualityGated, Group::All] {
        for matching in [Matching::Dihedral, Matching::Trim, Matching::Plain] {
            let _ = writeln!(md, "### {}, {}\n", matching.title(), group.title());
            recall_table(&mut md, run, group, matching);
        }
        if group == Group::QualityGated {
            stability_table(&mut md, run);
        }
    }
    let _ = writeln!(
        md,
        "![recall](recall.svg)\n\n![recall with border trim](recall-trim.svg)\n\n\
         Plots: recall.svg and recall.png (quality-gated recall for every \
         transform: copy hash, dihedral), recall-trim.svg and .png (dihedral, \
         dihedral and border trim), false-positives.svg and .png; \
         {font_note}.\n\n\
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
    border_trim_section(&mut md, run, timing);
    stability_section(&mut md, run);

    let _ = writeln!(
        md,
        "## False positives\n\n\
         Over every unordered pair of distinct originals: the number of \
         pairs within T, and the rate per pair. *Dihedral*: the closest of \
         either image's eight rotation and flip hashes to the other's hash. \
         *Dihedral + trim*: also the closest of the eight hashes of either \
         image's inner picture (when it has one that passes the quality \
         gate) to the other's hash. \
         Duplicates are left out: byte-identical files, and pairs that both \
         pass the quality gate and are within {d} bits with dihedral \
         matching (unrelated hashes differ in about 128 bits, standard \
         deviation 8, so {d} bits or fewer is the same picture; border trim \
         does not make a duplicate). Below T = {d} the quality-gated plain \
         and dihedral counts are therefore 0 by construction.\n",
        d = s.duplicate_distance
    );
    md.push_str(&threshold_header("pairs"));
    for (group, c) in &fp.groups {
        for (label, curve) in [
            ("plain", &c.plain),
            ("dihedral", &c.dihedral),
            ("dihedral + trim", &c.trim),
        ] {
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
    let t = percept::index::DEFAULT_THRESHOLD as usize;
    for (group, c) in &fp.groups {
        let name = match group {
            PairGroup::All => "all pairs",
            PairGroup::QualityGated => "quality-gated pairs",
        };
        let _ = writeln!(
            md,
            "- Border trim at T = {t} ({name}): {} false positives against {} \
             without (ratio {}).",
            c.trim.within[t],
            c.dihedral.within[t],
            ratio(c.trim.within[t], c.dihedral.within[t])
        );
    }
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
         matching, or with border trim: {}.\n",
        percept::index::DEFAULT_THRESHOLD,
        fp.close_total
    );
    for c in fp.close.iter().take(MD_LIST_CAP) {
        let _ = writeln!(
            md,
            "- `{}` and `{}`: distance {} ({} with dihedral matching, {} with border trim), qualities {} and {}",
            names[c.a],
            names[c.b],
            c.plain,
            c.dihedral,
            c.trim,
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
