//! `percept eval`: matching quality measured on the caller's images.
//!
//! Every original is decoded and hashed as `percept hash` does, then each
//! transform ([`transforms::ALL`]) makes a copy that goes through the same
//! decode (for JPEG copies) and hash path. Every image, original or copy,
//! is also looked at for uniform borders, and the picture inside them
//! hashed, as `percept scan --border-trim` does. [`metrics`] turns the
//! distances into recall and false-positive curves, with and without
//! border trim, and measures how well the originals' stability predicts
//! the misses; [`report`] and [`plot`] write them to the output folder.

mod metrics;
mod plot;
mod report;
mod rng;
mod transforms;

use std::process::ExitCode;
use std::time::{Duration, Instant};

use percept::hash::pdq::{self, Profile, Stability};
use percept::input::{content_region, decode_bytes, DecodeOptions, InputError};
use percept::{Hash256, PixelFormat, PixelView};

use crate::out;
use crate::walk::{expand, for_each_ordered, read, Entry, NOT_AN_IMAGE};
use crate::EvalArgs;
use metrics::{Inner, Original, Sample};
use rng::Rng;
use transforms::{Output, ALL};

/// The seed used when `--seed` is not given.
pub const DEFAULT_SEED: u64 = 18;

/// The default `--duplicate-distance`. Unrelated images' hashes differ in
/// about 128 of 256 bits (standard deviation 8), so 10 bits or fewer is
/// beyond chance: the same picture, not a false positive.
pub const DEFAULT_DUPLICATE_DISTANCE: u32 = 10;

/// Thresholds shown in the tables of report.md.
pub const TABLE_THRESHOLDS: [u32; 8] = [0, 8, 16, 24, 31, 40, 48, 63];

/// Close pairs listed at most (report.json; report.md shows fewer).
const CLOSE_PAIR_CAP: usize = 1000;

/// The transform whose misses the stability predictor is judged on: the
/// mildest edit, which a stable hash survives.
pub const PREDICTOR_TRANSFORM: &str = "jpeg-q90";

/// An image's hashes as `percept hash` and `percept scan --border-trim`
/// compute them.
#[derive(Clone, Copy, Debug)]
struct Hashes {
    /// The single-hash function's result (what a list holds).
    own: Hash256,
    /// The dihedral function's eight hashes (what a scan compares).
    dihedral: [Hash256; 8],
    quality: u8,
    /// The stability of `own`.
    stability: Stability,
    /// The picture inside uniform borders, when there is one.
    inner: Option<Inner>,
}

/// Hashes a view, and the picture inside its uniform borders when
/// [`content_region`] finds one. The single-hash function and the
/// dihedral function's first hash differ only for a 64x64 input (the
/// reference copies such pixels instead of filtering them); only then is
/// the single hash computed separately.
fn hash_view(view: &PixelView<'_>, profile: Profile) -> Hashes {
    let d = pdq::hash_dihedral(view, profile);
    let (own, stability) = if view.width() == 64 && view.height() == 64 {
        let single = pdq::hash(view, profile);
        (single.hash, single.stability)
    } else {
        (d.hashes[0], d.stability.unwrap_or(Stability::NO_HASH))
    };
    let inner = content_region(view).and_then(|region| {
        let inner = pdq::hash_dihedral(&view.crop(region).ok()?, profile);
        Some(Inner {
            region,
            dihedral: inner.hashes,
            quality: inner.quality,
        })
    });
    Hashes {
        own,
        dihedral: d.hashes,
        quality: d.quality,
        stability,
        inner,
    }
}

/// One evaluated original.
pub struct Evaluated {
    pub name: String,
    pub original: Original,
    /// One per transform, in [`ALL`] order: the copy's hashes, or why it
    /// could not be made, decoded or hashed.
    pub copies: Vec<Result<Sample, String>>,
}

enum Outcome {
    Evaluated(Box<Evaluated>),
    Failed(InputError),
    Skipped(&'static str),
}

/// Settings that shape the results (all of them go into report.json).
#[derive(Clone, Copy, Debug)]
pub struct Settings {
    pub seed: u64,
    pub profile: Profile,
    pub min_quality: u8,
    pub duplicate_distance: u32,
}

/// Everything the run found, for the report.
pub struct Run {
    pub settings: Settings,
    pub inputs: usize,
    pub originals: Vec<Evaluated>,
    /// Inputs that could not be read or decoded: name, message, class.
    pub failed: Vec<(String, String, &'static str)>,
    pub skipped: Vec<String>,
    pub recall: Vec<metrics::Recall>,
    pub false_positives: metrics::FalsePositives,
    /// Stability as a predictor of [`PREDICTOR_TRANSFORM`]'s misses.
    pub predictor: metrics::Predictor,
}

impl Run {
    pub fn copy_failures(&self) -> u64 {
        self.recall.iter().map(|r| r.failed).sum()
    }

    pub fn low_quality_originals(&self) -> usize {
        self.originals
            .iter()
            .filter(|o| o.original.quality < self.settings.min_quality)
            .count()
    }

    fn gated(&self, o: &Evaluated) -> bool {
        o.original.quality >= self.settings.min_quality
    }

    /// Originals that pass the quality gate.
    pub fn gated_originals(&self) -> usize {
        self.originals.iter().filter(|o| self.gated(o)).count()
    }

    /// Originals whose hash is unstable: all of them, and those that pass
    /// the quality gate.
    pub fn unstable_originals(&self) -> (usize, usize) {
        let unstable = || {
            self.originals
                .iter()
                .filter(|o| !o.original.stability.is_stable())
        };
        (
            unstable().count(),
            unstable().filter(|o| self.gated(o)).count(),
        )
    }

    /// Originals with a picture inside uniform borders: all of them, and
    /// those whose inner picture passes the quality gate.
    pub fn originals_with_region(&self) -> (usize, usize) {
        let with = || self.originals.iter().filter_map(|o| o.original.inner);
        let min = self.settings.min_quality;
        (with().count(), with().filter(|i| i.quality >= min).count())
    }

    /// Hashes border trim added: one per original or copy with a picture
    /// inside uniform borders.
    pub fn trim_hashes(&self) -> u64 {
        self.originals_with_region().0 as u64 + self.recall.iter().map(|r| r.regions).sum::<u64>()
    }
}

/// How long it took, for the terminal and report.md only (report.json
/// stays the same from run to run).
pub struct Timing {
    pub elapsed: Duration,
    pub threads: usize,
    /// Originals and copies hashed (not counting the hashes of pictures
    /// inside borders, [`Run::trim_hashes`]).
    pub hashed: u64,
}

pub fn run(args: EvalArgs) -> ExitCode {
    let started = Instant::now();
    let settings = Settings {
        seed: args.seed,
        profile: crate::profile(args.profile),
        min_quality: args.min_quality,
        duplicate_distance: args.duplicate_distance,
    };
    let options = DecodeOptions::default();
    let entries = expand(&args.paths);
    let inputs = entries.len();
    let bar = out::progress(inputs, !args.quiet, "originals");
    let mut originals = Vec::new();
    let mut failed = Vec::new();
    let mut skipped = Vec::new();
    let verbose = args.verbose;
    for_each_ordered(
        entries,
        move |entry| evaluate(entry, &options, settings),
        |entry, outcome| {
            bar.inc(1);
            let name = entry.name();
            match outcome {
                Outcome::Evaluated(e) => {
                    for (t, copy) in ALL.iter().zip(&e.copies) {
                        if let Err(why) = copy {
                            bar.suspend(|| out::error(format!("{name}: {}: {why}", t.name)));
                        }
                    }
                    originals.push(*e);
                }
                Outcome::Failed(e) => {
                    bar.suspend(|| out::error(format!("{name}: {e}")));
                    failed.push((name, e.to_string(), out::class(&e)));
                }
                Outcome::Skipped(why) => {
                    if verbose {
                        bar.suspend(|| out::error(format!("{name}: skipped: {why}")));
                    }
                    skipped.push(name);
                }
            }
        },
    );
    bar.finish_and_clear();
    if originals.len() < 2 {
        out::error(format!(
            "an evaluation needs at least 2 originals; {} of {} could be used ({}, {} skipped: {NOT_AN_IMAGE})",
            originals.len(),
            out::count(inputs, "input"),
            out::count(failed.len(), "error"),
            skipped.len()
        ));
        return ExitCode::from(out::FAILED);
    }

    let samples = |t: usize| -> Vec<Option<Sample>> {
        originals
            .iter()
            .map(|o| o.copies[t].as_ref().ok().copied())
            .collect()
    };
    let recall = (0..ALL.len())
        .map(|t| metrics::recall(&samples(t), settings.min_quality))
        .collect();
    let probe = ALL
        .iter()
        .position(|t| t.name == PREDICTOR_TRANSFORM)
        .map_or_else(Vec::new, samples);
    let predictor = metrics::predictor(
        &probe,
        settings.min_quality,
        percept::index::DEFAULT_THRESHOLD,
        &metrics::PREDICTOR_CUTOFFS,
    );
    let pool: Vec<Original> = originals.iter().map(|o| o.original.clone()).collect();
    let false_positives = metrics::false_positives(
        &pool,
        metrics::PairRules {
            min_quality: settings.min_quality,
            duplicate_distance: settings.duplicate_distance,
            close_threshold: percept::index::DEFAULT_THRESHOLD,
            close_cap: CLOSE_PAIR_CAP,
        },
    );
    let run = Run {
        settings,
        inputs,
        originals,
        failed,
        skipped,
        recall,
        false_positives,
        predictor,
    };
    let timing = Timing {
        elapsed: started.elapsed(),
        threads: rayon::current_num_threads(),
        hashed: run.originals.len() as u64 + run.recall.iter().map(|r| r.hashed).sum::<u64>(),
    };

    let mut write_failed = false;
    if let Err(e) = std::fs::create_dir_all(&args.out) {
        out::error(format!("{}: {e}", args.out.display()));
        return ExitCode::from(out::FAILED);
    }
    let font = match plot::load_font(args.font.as_deref()) {
        Ok(f) => f,
        Err(e) => {
            out::error(e);
            write_failed = true;
            plot::load_font(None).unwrap_or(plot::Font::None)
        }
    };
    if let plot::Font::None = font {
        out::warn(format!(
            "no font found in the usual places (such as {}): the PNG plots have no text (the SVG plots are complete); pass --font FILE",
            plot::FONT_PATHS[0]
        ));
    }
    let font_note = match &font {
        plot::Font::Loaded(path) => format!("PNG text drawn with {path}"),
        plot::Font::None => "no font found: the PNG plots have no text".to_string(),
    };
    let files = [
        ("report.json", report::json(&run).into_bytes()),
        (
            "report.md",
            report::markdown(&run, &timing, &command_line(), &font_note).into_bytes(),
        ),
    ];
    for (file, bytes) in files {
        let path = args.out.join(file);
        if let Err(e) = std::fs::write(&path, bytes) {
            out::error(format!("{}: {e}", path.display()));
            write_failed = true;
        }
    }
    for e in plot::write_all(&run, &args.out, &font) {
        out::error(e);
        write_failed = true;
    }

    summary(&run, &timing, &args.out);
    let errors = !run.failed.is_empty() || run.copy_failures() > 0 || write_failed;
    out::exit(false, errors)
}

/// The terminal summary: counts, throughput, and recall at the default
/// threshold for every transform.
fn summary(run: &Run, timing: &Timing, dir: &std::path::Path) {
    let t = percept::index::DEFAULT_THRESHOLD;
    out::line(&format!(
        "evaluated {} with {} transforms: {} hashed in {:.1} s on {} ({:.1} originals/s, {:.1} hashes/s)",
        out::count(run.originals.len(), "original"),
        ALL.len(),
        out::count(timing.hashed as usize, "image"),
        timing.elapsed.as_secs_f64(),
        out::count(timing.threads, "thread"),
        per_second(run.originals.len() as u64, timing.elapsed),
        per_second(timing.hashed, timing.elapsed),
    ));
    let fp = &run.false_positives;
    let gated = fp
        .groups
        .iter()
        .find(|(g, _)| *g == metrics::PairGroup::QualityGated)
        .map(|(_, c)| c);
    out::line(&format!(
        "{} below quality {}, {}, {} failed, {} of {} left out as duplicates",
        out::count(run.low_quality_originals(), "original"),
        run.settings.min_quality,
        out::count(run.failed.len(), "input error"),
        out::count(run.copy_failures() as usize, "copy"),
        out::count(fp.duplicates.len(), "pair"),
        fp.pairs,
    ));
    if let Some(g) = gated {
        let (without, with) = (g.dihedral.within[t as usize], g.trim.within[t as usize]);
        out::line(&format!(
            "false positives at T={t} (quality-gated, {}): {} plain, {without} dihedral, {with} dihedral + trim (with/without trim: {})",
            out::count(g.plain.n as usize, "pair"),
            g.plain.within[t as usize],
            report::ratio(with, without),
        ));
    }
    let (unstable, unstable_gated) = run.unstable_originals();
    let (regions, _) = run.originals_with_region();
    out::line(&format!(
        "{} unstable (weak bits >= {}), {unstable_gated} of them quality-gated; {} with uniform borders; border trim hashed {} more",
        out::count(unstable, "original"),
        Stability::UNSTABLE_WEAK_BITS,
        regions,
        out::count(run.trim_hashes() as usize, "image"),
    ));
    let p = &run.predictor;
    if let Some(row) = p.row(Stability::UNSTABLE_WEAK_BITS) {
        out::line(&format!(
            "stability as a predictor: the {PREDICTOR_TRANSFORM} copies of {} of {} quality-gated originals miss at T={}; weak bits >= {} flags {} originals (flag rate {}) and {} of the misses (catch rate {})",
            p.missed,
            p.originals,
            p.threshold,
            row.cutoff,
            row.flagged,
            report::fraction(p.flag_rate(row)),
            row.caught,
            report::fraction(p.catch_rate(row)),
        ));
    }
    out::line(&format!(
        "recall at T={t}, quality-gated (copy hash / dihedral / dihedral + trim):"
    ));
    for (tr, r) in ALL.iter().zip(&run.recall) {
        let gated = r
            .groups
            .iter()
            .find(|(g, _)| *g == metrics::Group::QualityGated)
            .map(|(_, c)| c);
        if let Some(c) = gated {
            out::line(&format!(
                "  {:<20} {:>6} {:>6} {:>6}  (n={})",
                tr.name,
                report::fraction(c.plain.fraction(t)),
                report::fraction(c.dihedral.fraction(t)),
                report::fraction(c.trim.fraction(t)),
                c.plain.n
            ));
        }
    }
    out::line(&format!("report: {}", dir.join("report.md").display()));
}

pub fn per_second(n: u64, elapsed: Duration) -> f64 {
    let secs = elapsed.as_secs_f64();
    if secs > 0.0 {
        n as f64 / secs
    } else {
        0.0
    }
}

/// The command line as typed, words with spaces or quotes in single quotes.
fn command_line() -> String {
    std::env::args_os()
        .map(|a| {
            let a = a.to_string_lossy().into_owned();
            if a.is_empty() || a.contains([' ', '\'', '"', '\t', '\n', '$', '`', '\\']) {
                format!("'{}'", a.replace('\'', r"'\''"))
            } else {
                a
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn evaluate(entry: &Entry, options: &DecodeOptions, settings: Settings) -> Outcome {
    let source = match entry.source() {
        Ok(s) => s,
        Err(e) => return Outcome::Failed(e),
    };
    let bytes = match read(source, options.limits.max_input_bytes, true) {
        Ok(Some(b)) => b,
        Ok(None) => return Outcome::Skipped(NOT_AN_IMAGE),
        Err(e) => return Outcome::Failed(e),
    };
    let digest: [u8; 32] = *blake3::hash(&bytes).as_bytes();
    let image = match decode_bytes(&bytes, options) {
        Ok(i) => i,
        Err(e) => return Outcome::Failed(e),
    };
    drop(bytes);
    let view = image.view();
    let hashes = hash_view(&view, settings.profile);
    let original = Original {
        hash: hashes.own,
        dihedral: hashes.dihedral,
        quality: hashes.quality,
        stability: hashes.stability,
        inner: hashes.inner,
        digest,
    };
    let rgb = transforms::to_rgb(&view);
    drop(image);
    let key = u64::from_le_bytes(digest[..8].try_into().unwrap_or_default());
    let copies = ALL
        .iter()
        .map(|t| {
            let rgb = rgb
                .as_ref()
                .ok_or("the decoded pixel layout cannot be transformed")?;
            let mut rng = Rng::for_copy(settings.seed, key, t.name);
            let output = t.apply(rgb, &mut rng).map_err(|e| e.to_string())?;
            let copy = hash_output(&output, options, settings.profile)?;
            Ok(Sample::new(
                &original,
                &copy.own,
                &copy.dihedral,
                copy.quality,
                copy.inner.as_ref(),
                settings.min_quality,
            ))
        })
        .collect();
    Outcome::Evaluated(Box::new(Evaluated {
        name: entry.name(),
        original,
        copies,
    }))
}

fn hash_output(
    output: &Output,
    options: &DecodeOptions,
    profile: Profile,
) -> Result<Hashes, String> {
    let packed = |raw: &[u8], w, h, format| {
        PixelView::packed(raw, w, h, format)
            .map(|v| hash_view(&v, profile))
            .map_err(|e| e.to_string())
    };
    match output {
        Output::Rgb(img) => packed(img.as_raw(), img.width(), img.height(), PixelFormat::Rgb8),
        Output::Grey(img) => packed(img.as_raw(), img.width(), img.height(), PixelFormat::Gray8),
        Output::Jpeg(bytes) => {
            let image = decode_bytes(bytes, options).map_err(|e| e.to_string())?;
            Ok(hash_view(&image.view(), profile))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shortcut in [`hash_view`]: away from 64x64 the dihedral
    /// function's first hash is the single hash; at 64x64 it is computed.
    #[test]
    fn hash_view_matches_the_single_hash_function() {
        for (w, h) in [(64u32, 64u32), (65, 64), (40, 90), (200, 120)] {
            let pixels: Vec<u8> = (0..w * h * 3)
                .map(|i| ((i * 7919) % 251) as u8 ^ (i / (w * 3)) as u8)
                .collect();
            let view = PixelView::packed(&pixels, w, h, PixelFormat::Rgb8).unwrap();
            let single = pdq::hash(&view, Profile::FullResolution);
            let got = hash_view(&view, Profile::FullResolution);
            assert_eq!(got.own, single.hash, "{w}x{h}");
            assert_eq!(got.stability, single.stability, "{w}x{h}");
            assert_eq!(
                got.dihedral,
                pdq::hash_dihedral(&view, Profile::FullResolution).hashes
            );
            assert_eq!(got.inner, None, "{w}x{h}");
        }
    }

    /// A picture between black bars: its inner hashes are those of the
    /// picture alone; the whole image's are not.
    #[test]
    fn hash_view_hashes_the_picture_inside_borders() {
        let (w, h, bar) = (160u32, 160u32, 30u32);
        let picture: Vec<u8> = (0..w * (h - 2 * bar) * 3)
            .map(|i| ((i / 3 % w) * 3 + (i / 3 / w) * 5 + i % 3 * 40) as u8)
            .collect();
        let mut framed = vec![0u8; (w * bar * 3) as usize];
        framed.extend(&picture);
        framed.extend(vec![0u8; (w * bar * 3) as usize]);
        let view = PixelView::packed(&framed, w, h, PixelFormat::Rgb8).unwrap();
        let got = hash_view(&view, Profile::FullResolution);
        let inner = got.inner.expect("a region between the bars");
        assert_eq!(
            (inner.region.y, inner.region.height, inner.region.width),
            (bar as usize, (h - 2 * bar) as usize, w as usize)
        );
        let alone = PixelView::packed(&picture, w, h - 2 * bar, PixelFormat::Rgb8).unwrap();
        let expected = pdq::hash_dihedral(&alone, Profile::FullResolution);
        assert_eq!(inner.dihedral, expected.hashes);
        assert_eq!(inner.quality, expected.quality);
        assert_ne!(got.dihedral, expected.hashes);
    }
}
