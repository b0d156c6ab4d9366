//! PDQ throughput on in-memory RGB buffers (the sizes of a small square, a
//! typical shared photo and a 12 MP phone photo) on every filter platform
//! this CPU runs, each stage of the filter on its own (so a regression shows
//! in the stage that has it), and decode + hash of JPEGs.

use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use percept::hash::pdq::stages::{Stage, StageBench};
use percept::hash::pdq::{self, Pipeline, Platform, Profile};
use percept::input::{decode_bytes, DecodeOptions};
use percept::{PixelFormat, PixelView};

#[path = "support/images.rs"]
mod images;
use images::photo_like;

fn hash_rgb(c: &mut Criterion) {
    let mut group = c.benchmark_group("pdq_hash_rgb");
    group.sample_size(10);
    for (w, h) in [(512usize, 512usize), (1600, 1004), (4032, 3024)] {
        let data = photo_like(w, h);
        let view = PixelView::packed(&data, w as u32, h as u32, PixelFormat::Rgb8).unwrap();
        group.throughput(Throughput::Elements((w * h) as u64));
        let mut pipelines: Vec<(&str, Pipeline)> = Platform::available()
            .into_iter()
            .map(|p| (p.name(), Pipeline::StreamingOn(p)))
            .collect();
        pipelines.push(("reference_layout", Pipeline::ReferenceLayout));
        for (name, pipeline) in pipelines {
            group.bench_with_input(BenchmarkId::new(name, format!("{w}x{h}")), &view, |b, v| {
                b.iter(|| pdq::hash_with(black_box(v), Profile::FullResolution, pipeline))
            });
        }
        group.bench_with_input(
            BenchmarkId::new("dihedral", format!("{w}x{h}")),
            &view,
            |b, v| b.iter(|| pdq::hash_dihedral(black_box(v), Profile::FullResolution)),
        );
    }
    group.finish();
}

/// Each stage over one image at 512x512 (yume-pdq's size, where fixed costs
/// weigh most) and 1600x1004, on every platform (the DCT and quality
/// stages differ only on AVX2, where they are compiled for it).
fn stages(c: &mut Criterion) {
    for (w, h) in [(512usize, 512usize), (1600, 1004)] {
        let data = photo_like(w, h);
        let view = PixelView::packed(&data, w as u32, h as u32, PixelFormat::Rgb8).unwrap();
        let mut group = c.benchmark_group(format!("pdq_stage_{w}x{h}"));
        group.sample_size(20);
        for platform in Platform::available() {
            let mut bench = StageBench::new(view, platform);
            for stage in Stage::ALL {
                let id = format!("{}/{}", stage.name(), platform.name());
                group.bench_function(id, |b| b.iter(|| bench.run(black_box(stage))));
            }
        }
        group.finish();
    }
}

fn decode_and_hash(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let files = [
        root.join("testdata/images/waves-320x240-q85.jpg"),
        root.join("testdata/reference/data/bridge-mods/aaa-orig.jpg"),
    ];
    let mut group = c.benchmark_group("pdq_decode_and_hash_jpeg");
    group.sample_size(10);
    for file in files.iter().filter(|f| f.exists()) {
        let bytes = std::fs::read(file).unwrap();
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        group.bench_function(name, |b| {
            b.iter(|| {
                let img = decode_bytes(black_box(&bytes), &DecodeOptions::default()).unwrap();
                pdq::hash(&img.view(), Profile::FullResolution)
            })
        });
    }
    group.finish();
}

criterion_group!(benches, hash_rgb, stages, decode_and_hash);
criterion_main!(benches);
