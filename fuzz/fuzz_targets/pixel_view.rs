//! Arbitrary dimensions, strides and formats over an arbitrary buffer:
//! `PixelView::new` must refuse every inconsistent combination, and every
//! view it accepts must hash without a panic; the border search must give
//! a region inside the view, which then crops and hashes.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use percept::hash::pdq::{self, Profile};
use percept::{PixelFormat, PixelView};

#[derive(Arbitrary, Debug)]
struct Input {
    width: u32,
    height: u32,
    /// Used as is when `raw_stride`; otherwise as padding after a row.
    stride: usize,
    raw_stride: bool,
    format: u8,
    cli512: bool,
    data: Vec<u8>,
}

const FORMATS: [PixelFormat; 8] = PixelFormat::ALL;

fuzz_target!(|input: Input| {
    let format = FORMATS[input.format as usize % FORMATS.len()];
    // Keep the pixel count small enough for a quick run; sizes beyond that
    // are refused by the same checked arithmetic.
    // Small sides and a stride near the row size, so that most inputs are
    // valid views and reach the hash; `raw_stride` keeps the refusals
    // exercised too.
    let (w, h) = (input.width % 300, input.height % 300);
    let stride = if input.raw_stride {
        input.stride
    } else {
        (w as usize * format.bytes_per_pixel()).saturating_add(input.stride % 16)
    };
    // Without `raw_stride`, the data is repeated to fill the rows, so
    // larger images are hashed too (libFuzzer inputs are a few KB).
    let filled: Vec<u8>;
    let data = if input.raw_stride || input.data.is_empty() {
        &input.data
    } else {
        let need = stride.saturating_mul(h as usize);
        filled = input.data.iter().copied().cycle().take(need).collect();
        &filled
    };
    if let Ok(view) = PixelView::new(data, w, h, stride, format) {
        let profile = if input.cli512 {
            Profile::Cli512
        } else {
            Profile::FullResolution
        };
        let a = pdq::hash(&view, profile);
        assert!(a.quality <= 100);
        if let Some(r) = percept::input::content_region(&view) {
            assert!(r.x + r.width <= view.width() && r.y + r.height <= view.height());
            let inner = view.crop(r).expect("a region inside the view crops");
            assert!(pdq::hash(&inner, profile).quality <= 100);
        }
    }
    // Unreduced dimensions must be refused or accepted without a panic too.
    let _ = PixelView::new(&input.data, input.width, input.height, input.stride, format);
});
