//! Times percept's PDQ on a raw RGB buffer, for `scripts/compare.py`.
//!
//! Usage: time_hash RAW_RGB_FILE WIDTH HEIGHT REPS [ONLY]
//! Each timing is the median over REPS samples, a sample being a batch of
//! calls lasting about 2 ms (one call for large images). Prints one JSON
//! object: for the default pipeline (`streaming`), each
//! filter platform this CPU can run (`scalar`, `portable`, `sse2`, `avx2`)
//! and the reference layout, plus `from_luma` (the default pipeline fed
//! the image's float luma through `pdq::hash_luma`, the input yume-pdq
//! takes), the median and minimum seconds per hash (wall
//! clock) and the median thread CPU time per hash, the
//! peak extra heap of one hash, and the hash (so the caller can check that
//! every path and the reference agree). ONLY times one of them.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use percept::hash::pdq::{self, PdqHash, Pipeline, Platform, Profile};
use percept::{PixelFormat, PixelView};

/// Counts live heap bytes, to report each pipeline's peak extra memory.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator unchanged; only counts bytes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let now = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(now, Ordering::Relaxed);
        // SAFETY: same layout contract as our caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: ptr came from System.alloc with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// CPU time of this thread, in seconds: unlike wall time it does not count
/// the time other processes on a shared machine hold the core.
#[cfg(target_os = "linux")]
fn thread_cpu_seconds() -> f64 {
    #[repr(C)]
    struct Timespec {
        sec: i64,
        nsec: i64,
    }
    extern "C" {
        fn clock_gettime(clock: i32, out: *mut Timespec) -> i32;
    }
    const CLOCK_THREAD_CPUTIME_ID: i32 = 3;
    let mut t = Timespec { sec: 0, nsec: 0 };
    // SAFETY: `t` is a valid timespec (two 64-bit fields on 64-bit Linux).
    let rc = unsafe { clock_gettime(CLOCK_THREAD_CPUTIME_ID, &mut t) };
    assert_eq!(rc, 0);
    t.sec as f64 + t.nsec as f64 * 1e-9
}

#[cfg(not(target_os = "linux"))]
fn thread_cpu_seconds() -> f64 {
    f64::NAN
}

/// `serve`: for each line `N` on stdin, hashes once untimed, then N times,
/// and prints the wall seconds per timed hash, so a driver can alternate short batches of this and
/// another implementation and compare each pair of neighbouring batches
/// (this machine's speed drifts between them within a second).
fn serve(mut hash: impl FnMut() -> PdqHash) {
    use std::io::{BufRead, Write};
    let mut out = std::io::stdout().lock();
    for line in std::io::stdin().lock().lines() {
        let n: usize = line.expect("stdin").trim().parse().expect("a count");
        // One call untimed, so the batch starts with warm caches (the
        // other side of a pair ran in between).
        std::hint::black_box(hash());
        let t = Instant::now();
        for _ in 0..n {
            std::hint::black_box(hash());
        }
        writeln!(out, "{}", t.elapsed().as_secs_f64() / n.max(1) as f64).expect("stdout");
        out.flush().expect("stdout");
    }
}

/// The reference's float luma of packed RGB.
fn float_luma(data: &[u8]) -> Vec<f32> {
    let (r, g, b) = (0.299_f64 as f32, 0.587_f64 as f32, 0.114_f64 as f32);
    data.chunks_exact(3)
        .map(|p| r * p[0] as f32 + g * p[1] as f32 + b * p[2] as f32)
        .collect()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 5 && args.len() != 6 {
        eprintln!("usage: time_hash RAW_RGB_FILE WIDTH HEIGHT REPS [ONLY]");
        eprintln!("       time_hash RAW_RGB_FILE WIDTH HEIGHT serve streaming|from_luma");
        std::process::exit(2);
    }
    let data = std::fs::read(&args[1]).expect("read pixels");
    let (w, h): (u32, u32) = (args[2].parse().unwrap(), args[3].parse().unwrap());
    let view = PixelView::packed(&data, w, h, PixelFormat::Rgb8).expect("view");
    if args[4] == "serve" {
        let luma = float_luma(&data);
        match args.get(5).map(String::as_str) {
            Some("streaming") => serve(|| pdq::hash(&view, Profile::FullResolution)),
            Some("from_luma") => serve(|| {
                pdq::hash_luma(&luma, w as usize, h as usize, Profile::FullResolution)
                    .expect("luma buffer")
            }),
            _ => panic!("serve streaming|from_luma"),
        }
        return;
    }
    let reps: usize = args[4].parse().unwrap();
    let mut runs = vec![("streaming".to_string(), Pipeline::Streaming)];
    for p in Platform::available() {
        runs.push((p.name().to_string(), Pipeline::StreamingOn(p)));
    }
    runs.push(("reference_layout".into(), Pipeline::ReferenceLayout));
    if let Some(only) = args.get(5) {
        runs.retain(|(name, _)| name == only);
    }
    // The same image as float luma, for `from_luma` (pdq::hash_luma): the
    // input yume-pdq takes, so the two can be compared on equal terms.
    let luma = float_luma(&data);
    let mut runs: Vec<(String, Option<Pipeline>)> =
        runs.into_iter().map(|(n, p)| (n, Some(p))).collect();
    if args.get(5).is_none_or(|only| only == "from_luma") {
        runs.push(("from_luma".into(), None));
    }
    let mut report = serde_json::Map::new();
    report.insert("detected".into(), Platform::detect().name().into());
    for (name, pipeline) in runs {
        let hash = || match pipeline {
            Some(pipeline) => pdq::hash_with(&view, Profile::FullResolution, pipeline),
            None => pdq::hash_luma(&luma, w as usize, h as usize, Profile::FullResolution)
                .expect("luma buffer"),
        };
        // On a fresh thread, so buffers an earlier run left in the filter's
        // per-thread scratch do not hide this one's allocation.
        let (out, peak_extra) = std::thread::scope(|s| {
            s.spawn(|| {
                let base = LIVE.load(Ordering::SeqCst);
                PEAK.store(base, Ordering::SeqCst);
                let out = std::hint::black_box(hash());
                (out, PEAK.load(Ordering::SeqCst) - base)
            })
            .join()
            .unwrap()
        });
        // The full-plane layout is slow; fewer repetitions keep the script short.
        let reps = if pipeline == Some(Pipeline::ReferenceLayout) {
            reps.div_ceil(3)
        } else {
            reps
        };
        // Each sample times a batch of calls lasting about 2 ms, so the
        // clock reads (a system call for CPU time) do not weigh on small
        // images.
        let t = Instant::now();
        std::hint::black_box(hash());
        let batch = (0.002 / t.elapsed().as_secs_f64())
            .ceil()
            .clamp(1.0, 1000.0) as usize;
        let (mut times, mut cpu): (Vec<f64>, Vec<f64>) = (0..reps)
            .map(|_| {
                let (t, c) = (Instant::now(), thread_cpu_seconds());
                for _ in 0..batch {
                    std::hint::black_box(hash());
                }
                let n = batch as f64;
                (
                    t.elapsed().as_secs_f64() / n,
                    (thread_cpu_seconds() - c) / n,
                )
            })
            .unzip();
        times.sort_by(f64::total_cmp);
        cpu.sort_by(f64::total_cmp);
        report.insert(
            name,
            serde_json::json!({
                "median_s": times[times.len() / 2],
                "min_s": times[0],
                "cpu_median_s": cpu[cpu.len() / 2],
                "peak_extra_bytes": peak_extra,
                "hash": out.hash.to_hex(),
                "quality": out.quality,
            }),
        );
    }
    println!("{}", serde_json::Value::Object(report));
}
