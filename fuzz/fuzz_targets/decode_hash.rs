//! Arbitrary bytes through decoding (with limits) and PDQ: any input must
//! give a hash or an error, never a panic, and never more memory than the
//! limits allow. Each input is decoded twice: in full, and with the fast
//! JPEG profile at a small minimum side, so its scaled decoder sees the
//! small images a fuzzer makes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use percept::hash::pdq::{self, Profile};
use percept::input::{decode_bytes, DecodeOptions, JpegScaling};

fuzz_target!(|data: &[u8]| {
    let mut options = DecodeOptions::default();
    // Small limits keep each run fast; the limit logic is the same.
    options.limits.max_pixels = 1 << 22;
    options.limits.max_alloc_bytes = 64 << 20;
    if let Ok(image) = decode_bytes(data, &options) {
        let view = image.view();
        let one = pdq::hash(&view, Profile::FullResolution);
        let all = pdq::hash_dihedral(&view, Profile::FullResolution);
        assert!(one.quality <= 100 && all.quality <= 100);
        let _ = pdq::hash(&view, Profile::Cli512);
    }
    options.jpeg_scaling = JpegScaling::Fast { min_side: 8 };
    if let Ok(image) = decode_bytes(data, &options) {
        assert!(matches!(image.downscale(), 1 | 4 | 8));
        let _ = pdq::hash(&image.view(), Profile::FullResolution);
    }
});
