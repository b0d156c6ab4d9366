//! Times percept's PDQ on a raw RGB buffer, for `scripts/compare.py`.
//!
//! Usage: time_hash RAW_RGB_FILE WIDTH HEIGHT REPS
//! Prints one JSON object: median and minimum seconds per hash for each
//! pipeline, and the hash (so the caller can check both sides agree).

use std::time::Instant;

use percept::hash::pdq::{self, Pipeline, Profile};
use percept::{PixelFormat, PixelView};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 5 {
        eprintln!("usage: time_hash RAW_RGB_FILE WIDTH HEIGHT REPS");
        std::process::exit(2);
    }
    let data = std::fs::read(&args[1]).expect("read pixels");
    let (w, h): (u32, u32) = (args[2].parse().unwrap(), args[3].parse().unwrap());
    let reps: usize = args[4].parse().unwrap();
    let view = PixelView::packed(&data, w, h, PixelFormat::Rgb8).expect("view");
    let mut report = serde_json::Map::new();
    for (name, pipeline) in [
        ("streaming", Pipeline::Streaming),
        ("reference_layout", Pipeline::ReferenceLayout),
    ] {
        let mut times = Vec::with_capacity(reps);
        let mut out = None;
        for _ in 0..reps {
            let t = Instant::now();
            out = Some(std::hint::black_box(pdq::hash_with(
                &view,
                Profile::FullResolution,
                pipeline,
            )));
            times.push(t.elapsed().as_secs_f64());
        }
        times.sort_by(f64::total_cmp);
        let out = out.unwrap();
        report.insert(
            name.into(),
            serde_json::json!({
                "median_s": times[times.len() / 2],
                "min_s": times[0],
                "hash": out.hash.to_hex(),
                "quality": out.quality,
            }),
        );
    }
    println!("{}", serde_json::Value::Object(report));
}
