//! Arbitrary bytes through `decode_bytes` under a counting allocator, with
//! a memory budget chosen by the input's last byte (64 KiB to 8 MiB): the
//! decode's peak heap must stay within the budget plus a fixed slack,
//! whatever the file (metadata, bombs, canvases). And a refusal on size
//! must agree with the format's own decoder: when percept says a side or
//! the pixel count is over the limit, the `image` crate's decoder (no
//! limits) cannot read the header or reads a size over that limit.
//! Seeds: the generated corpus (`cargo run --example hostile_corpus`).
#![no_main]

use image::ImageDecoder;
use libfuzzer_sys::fuzz_target;
use percept::input::{decode_bytes, DecodeOptions, InputError, LimitExceeded};

#[path = "../../tests/common/counting_alloc.rs"]
mod counting;

#[global_allocator]
static ALLOC: counting::Counting = counting::Counting;


/// As in tests/decode_memory.rs (decoder state, and up to 16 MiB a lossy
/// WebP decoder allocates from a partition size before reading it).
const SLACK: usize = 20 << 20;

fuzz_target!(|data: &[u8]| {
    let budget = 64usize << 10 << (data.last().copied().unwrap_or(0) % 8);
    let mut options = DecodeOptions::default();
    options.limits.max_alloc_bytes = budget as u64;
    options.limits.max_pixels = 1 << 22;
    options.limits.max_side = 8192;
    let (result, peak) = counting::peak_during(|| decode_bytes(data, &options));
    assert!(peak <= budget + SLACK, "peak {peak} bytes with a budget of {budget}");
    if let Err(InputError::TooLarge(LimitExceeded::Side { .. } | LimitExceeded::Pixels { .. })) =
        result
    {
        let theirs = image::ImageReader::new(std::io::Cursor::new(data))
            .with_guessed_format()
            .ok()
            .and_then(|r| r.into_decoder().ok())
            .map(|d| d.dimensions());
        if let Some((w, h)) = theirs {
            let limits = &options.limits;
            assert!(
                w > limits.max_side || h > limits.max_side || w as u64 * h as u64 > limits.max_pixels,
                "refused on size, but the decoder reads {w}x{h}"
            );
        }
    }
});
