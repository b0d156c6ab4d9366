//! Arbitrary bytes through `decode_bytes` under a counting allocator, with
//! a memory budget chosen by the input's last byte (64 KiB to 8 MiB): the
//! decode's peak heap must stay within the budget plus a fixed slack,
//! whatever the file (metadata, bombs, canvases). And a refusal on size
//! must agree with the format's own decoder: when percept says a side or
//! the pixel count is over the limit, the `image` crate's decoder (no
//! limits) cannot read the header or reads a size over that limit.
//! Seeds: the generated corpus (`cargo run --example hostile_corpus`).
#![no_main]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use image::ImageDecoder;
use libfuzzer_sys::fuzz_target;
use percept::input::{decode_bytes, DecodeOptions, InputError, LimitExceeded};

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator unchanged; only counts bytes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let now = CURRENT.fetch_add(layout.size(), Ordering::SeqCst) + layout.size();
        PEAK.fetch_max(now, Ordering::SeqCst);
        // SAFETY: same layout contract as our caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let now = CURRENT.fetch_add(layout.size(), Ordering::SeqCst) + layout.size();
        PEAK.fetch_max(now, Ordering::SeqCst);
        // SAFETY: same layout contract as our caller's.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        CURRENT.fetch_sub(layout.size(), Ordering::SeqCst);
        // SAFETY: ptr came from System.alloc with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// As in tests/decode_memory.rs (decoder state, and up to 16 MiB a lossy
/// WebP decoder allocates from a partition size before reading it).
const SLACK: usize = 20 << 20;

fuzz_target!(|data: &[u8]| {
    let budget = 64usize << 10 << (data.last().copied().unwrap_or(0) % 8);
    let mut options = DecodeOptions::default();
    options.limits.max_alloc_bytes = budget as u64;
    options.limits.max_pixels = 1 << 22;
    options.limits.max_side = 8192;
    let base = CURRENT.load(Ordering::SeqCst);
    PEAK.store(base, Ordering::SeqCst);
    let result = decode_bytes(data, &options);
    let peak = PEAK.load(Ordering::SeqCst) - base;
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
