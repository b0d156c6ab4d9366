//! Runs one stage of the PDQ filter REPS times on a deterministic
//! photo-like RGB image, for counting instructions per stage under
//! emulation (`scripts/arm-instructions.sh --stages`): the difference
//! between two REPS values is the stage's own work.
//!
//! Usage: stage_run WIDTH HEIGHT PLATFORM STAGE REPS

use percept::hash::pdq::stages::{Stage, StageBench};
use percept::hash::pdq::Platform;
use percept::{PixelFormat, PixelView};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 6 {
        eprintln!("usage: stage_run WIDTH HEIGHT PLATFORM STAGE REPS");
        std::process::exit(2);
    }
    let w: usize = args[1].parse().expect("WIDTH");
    let h: usize = args[2].parse().expect("HEIGHT");
    let platform = Platform::ALL
        .into_iter()
        .find(|p| p.name() == args[3])
        .expect("PLATFORM: scalar, portable, sse2, avx2 or neon");
    assert!(platform.is_available(), "{} cannot run here", args[3]);
    let stage = Stage::ALL
        .into_iter()
        .find(|s| s.name() == args[4])
        .expect("STAGE");
    let reps: usize = args[5].parse().expect("REPS");
    // Smooth gradients plus xorshift noise.
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let data: Vec<u8> = (0..w * h * 3)
        .map(|i| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let (p, c) = (i / 3, i % 3);
            let (x, y) = (p % w, p / w);
            ((x * 255 / w + y * 127 / h + c * 40) as u64 + (state >> 60)) as u8
        })
        .collect();
    let view = PixelView::packed(&data, w as u32, h as u32, PixelFormat::Rgb8).unwrap();
    let mut bench = StageBench::new(view, platform);
    let mut keep = 0.0f32;
    for _ in 0..reps {
        keep += bench.run(std::hint::black_box(stage));
    }
    println!("{keep}");
}
