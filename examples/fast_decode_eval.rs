//! Compares the fast JPEG decode profile with the exact one, file by file.
//!
//! ```sh
//! cargo run --release --example fast_decode_eval -- [--min-side 256,512,1024] [--repeat N] FILE...
//! ```
//!
//! (or file names one per line on stdin when none are given). For each file
//! and each `min_side`, one tab-separated line: file, width, height,
//! min_side, downscale (1, 4, 8), exact hash, exact quality, fast hash,
//! fast quality, Hamming distance, exact and fast decode+hash times, then
//! exact and fast decode-only times, in milliseconds (the least of
//! `--repeat` runs, default 1). The exact run is timed once per file and
//! repeated on each line. Everything runs on one thread (inside a
//! one-thread rayon pool, so no decoder could use more).
//! `scripts/fast_decode_eval.py` builds the corpus, runs this and
//! summarises.

use std::io::BufRead;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use percept::hash::pdq::{self, PdqHash, Profile};
use percept::input::{decode_bytes, read_file_limited, DecodeOptions, InputError, JpegScaling};

fn main() -> ExitCode {
    match rayon::ThreadPoolBuilder::new().num_threads(1).build() {
        Ok(pool) => pool.install(run),
        Err(e) => {
            eprintln!("cannot start a thread pool: {e}");
            ExitCode::from(1)
        }
    }
}

fn run() -> ExitCode {
    let mut min_sides = vec![JpegScaling::DEFAULT_MIN_SIDE];
    let mut repeat = 1usize;
    let mut files: Vec<PathBuf> = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--min-side" => {
                let Some(list) = args.next() else {
                    return usage();
                };
                let parsed: Result<Vec<u32>, _> = list.split(',').map(str::parse).collect();
                match parsed {
                    Ok(v) if !v.is_empty() => min_sides = v,
                    _ => return usage(),
                }
            }
            "--repeat" => match args.next().and_then(|r| r.parse().ok()) {
                Some(r) if r > 0 => repeat = r,
                _ => return usage(),
            },
            _ if arg.starts_with("--") => return usage(),
            _ => files.push(arg.into()),
        }
    }
    if files.is_empty() {
        files = std::io::stdin()
            .lock()
            .lines()
            .map_while(Result::ok)
            .filter(|l| !l.trim().is_empty())
            .map(PathBuf::from)
            .collect();
    }

    let exact = DecodeOptions::default();
    let mut failed = false;
    for file in &files {
        let bytes = match read_file_limited(file, exact.limits.max_input_bytes) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("{}: {e}", file.display());
                failed = true;
                continue;
            }
        };
        let (exact_hash, exact_time, exact_decode, (width, height, _)) =
            match timed(&bytes, &exact, repeat) {
                Ok(r) => r,
                Err(e) => {
                    eprintln!("{}: {e}", file.display());
                    failed = true;
                    continue;
                }
            };
        for &min_side in &min_sides {
            let mut fast = DecodeOptions::default();
            fast.jpeg_scaling = JpegScaling::Fast { min_side };
            let (fast_hash, fast_time, fast_decode, (_, _, downscale)) =
                match timed(&bytes, &fast, repeat) {
                    Ok(r) => r,
                    Err(e) => {
                        eprintln!("{}: fast profile: {e}", file.display());
                        failed = true;
                        continue;
                    }
                };
            println!(
                "{}\t{width}\t{height}\t{min_side}\t{downscale}\t{}\t{}\t{}\t{}\t{}\t{:.3}\t{:.3}\t{:.3}\t{:.3}",
                file.display(),
                exact_hash.hash.to_hex(),
                exact_hash.quality,
                fast_hash.hash.to_hex(),
                fast_hash.quality,
                exact_hash.hash.distance(&fast_hash.hash),
                ms(exact_time),
                ms(fast_time),
                ms(exact_decode),
                ms(fast_decode),
            );
        }
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// What [`timed`] measures: the hash, the least decode+hash time, the
/// least decode-only time, and the decoded width, height and downscale.
type Timed = (PdqHash, Duration, Duration, (u32, u32, u8));

/// Decodes and hashes `repeat` times, then decodes `repeat` times more
/// (the exact run's width and height are the file's).
fn timed(bytes: &[u8], options: &DecodeOptions, repeat: usize) -> Result<Timed, InputError> {
    let mut best: Option<(PdqHash, Duration, (u32, u32, u8))> = None;
    for _ in 0..repeat {
        let start = Instant::now();
        let image = decode_bytes(bytes, options)?;
        let hash = pdq::hash(&image.view(), Profile::FullResolution);
        let elapsed = start.elapsed();
        let size = (image.width(), image.height(), image.downscale());
        if best.as_ref().is_none_or(|b| elapsed < b.1) {
            best = Some((hash, elapsed, size));
        }
    }
    let mut decode_only = Duration::MAX;
    for _ in 0..repeat {
        let start = Instant::now();
        drop(decode_bytes(bytes, options)?);
        decode_only = decode_only.min(start.elapsed());
    }
    best.map(|(h, t, size)| (h, t, decode_only, size))
        .ok_or_else(|| InputError::Decode("no run".into()))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn usage() -> ExitCode {
    eprintln!("usage: fast_decode_eval [--min-side 256,512,1024] [--repeat N] [FILE...]");
    ExitCode::from(2)
}
