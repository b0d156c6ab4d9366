//! Arbitrary dimensions, strides and formats over an arbitrary buffer:
//! `PixelView::new` must refuse every inconsistent combination, and every
//! view it accepts must hash without a panic.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use percept::hash::pdq::{self, Profile};
use percept::{PixelFormat, PixelView};

#[derive(Arbitrary, Debug)]
struct Input {
    width: u32,
    height: u32,
    stride: usize,
    format: u8,
    cli512: bool,
    data: Vec<u8>,
}

const FORMATS: [PixelFormat; 8] = [
    PixelFormat::Rgb8,
    PixelFormat::Rgba8,
    PixelFormat::Bgra8,
    PixelFormat::Argb8,
    PixelFormat::Gray8,
    PixelFormat::Gray16,
    PixelFormat::Rgb16,
    PixelFormat::Rgba16,
];

fuzz_target!(|input: Input| {
    let format = FORMATS[input.format as usize % FORMATS.len()];
    // Keep the pixel count small enough for a quick run; sizes beyond that
    // are refused by the same checked arithmetic.
    let (w, h) = (input.width % 4096, input.height % 4096);
    if let Ok(view) = PixelView::new(&input.data, w, h, input.stride, format) {
        let profile = if input.cli512 {
            Profile::Cli512
        } else {
            Profile::FullResolution
        };
        let a = pdq::hash(&view, profile);
        assert!(a.quality <= 100);
    }
    // Unreduced dimensions must be refused or accepted without a panic too.
    let _ = PixelView::new(&input.data, input.width, input.height, input.stride, format);
});
