//! The opt-in fast profile for large JPEGs: decode at 1/4 or 1/8 of each
//! side by running a reduced inverse DCT on each 8x8 block (`jpeg-decoder`'s
//! `Decoder::scale`), instead of decoding every pixel and then throwing
//! most of them away in PDQ's box filter.
//!
//! Only where it measured faster (`scripts/fast_decode_eval.py`): baseline
//! JPEGs at 1/4 or 1/8. jpeg-decoder's entropy decoding is slower than the
//! exact path's zune-jpeg, which scaling at 1/2 does not win back, and
//! for progressive JPEGs (every coefficient is entropy-decoded and kept
//! whatever the scale) it was slower at every scale; those decode in full.
//!
//! The pixels differ from a full decode followed by downscaling (the
//! reduced IDCT keeps only the low frequencies of each block, and the
//! decoder's colour conversion and chroma upsampling are not `image`'s), so
//! the hash is close to the exact profile's, never guaranteed equal: see
//! `scripts/fast_decode_eval.py` for the measured distances. Entropy
//! decoding still reads every coefficient; the saving is in the IDCT,
//! upsampling, colour conversion, the pixel buffer and PDQ's filtering.

use std::panic::{catch_unwind, AssertUnwindSafe};

use image::{DynamicImage, GrayImage, RgbImage};
use jpeg_decoder::{CodingProcess, Decoder, PixelFormat as JpegPixels};

use super::decode::DecodeLimits;
use super::error::InputError;

/// How JPEG files are decoded. Every other format is always decoded in full.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum JpegScaling {
    /// Every pixel, with the same decoder as every other format: hashes
    /// equal the PDQ reference's bit for bit. The default.
    #[default]
    Exact,
    /// For a baseline (sequential, Huffman, 8-bit) JPEG, decode at 1/8 of
    /// each side, or else 1/4, if that keeps the shorter side at least
    /// `min_side` pixels; any other JPEG (progressive, too small for 1/4,
    /// ...) is decoded in full, exactly.
    /// The hash is then close to the exact profile's, not equal to it, so
    /// use this only where speed matters more than reproducing reference
    /// hashes (and check [`DecodedImage::downscale`](super::DecodedImage::downscale)).
    ///
    /// Threads: the scaled decoder (`jpeg-decoder`) decodes an output larger
    /// than 128x128 on worker threads of its own, one per colour component,
    /// started for each decode and ending after it. The exact profile, and
    /// so the C ABI (which does not offer this profile), start none.
    Fast {
        /// The shortest side (in pixels) a scaled decode may produce.
        min_side: u32,
    },
}

impl JpegScaling {
    /// The `min_side` recommended from the measurements in
    /// `scripts/fast_decode_eval.py`: PDQ filters any image down to 64x64;
    /// at 512 no photo's hash was more than 20 bits from the exact one,
    /// while at 256 (1/8 for most photos) a few textures were above PDQ's
    /// match threshold of 31.
    pub const DEFAULT_MIN_SIDE: u32 = 512;

    /// The fast profile with [`DEFAULT_MIN_SIDE`](Self::DEFAULT_MIN_SIDE).
    pub fn fast() -> Self {
        JpegScaling::Fast {
            min_side: Self::DEFAULT_MIN_SIDE,
        }
    }
}

/// What the fast profile will do with one JPEG, decided from its header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct ScaledPlan {
    /// 4 or 8: each side is divided by this (rounding up).
    pub denominator: u8,
    /// Peak memory of the scaled decode (see [`scaled_peak_bytes`]).
    pub peak_bytes: u64,
}

/// The frame header fields the plan needs.
struct Frame {
    marker: u8,
    precision: u8,
    components: u8,
}

fn frame_header(bytes: &[u8]) -> Option<Frame> {
    let frame = super::jpeg::Layout::parse(bytes).frame?;
    Some(Frame {
        marker: frame.marker,
        precision: frame.precision,
        components: u8::try_from(frame.sampling.len()).ok()?,
    })
}

/// The scaled decode to run for a JPEG of `width` x `height` (from its
/// header), or `None` for a full decode: the exact profile, a kind of JPEG
/// not scaled (progressive, lossless, arithmetic-coded, 12-bit, unusual
/// component counts), or an image too small for 1/4.
pub(super) fn plan(
    scaling: JpegScaling,
    bytes: &[u8],
    width: u32,
    height: u32,
) -> Option<ScaledPlan> {
    let JpegScaling::Fast { min_side } = scaling else {
        return None;
    };
    let frame = frame_header(bytes)?;
    // SOF0 baseline, SOF1 extended sequential (Huffman). Progressive
    // (SOF2) measured slower than the full decode at every scale.
    let supported = matches!(frame.marker, 0xc0 | 0xc1)
        && frame.precision == 8
        && matches!(frame.components, 1 | 3 | 4);
    if !supported {
        return None;
    }
    let denominator = denominator_for(width, height, min_side)?;
    Some(ScaledPlan {
        denominator,
        peak_bytes: scaled_peak_bytes(width, height, frame.components, denominator),
    })
}

/// 8, or else 4, if it keeps the shorter side at least `min_side` (1/2
/// measured no faster than the full decode).
fn denominator_for(width: u32, height: u32, min_side: u32) -> Option<u8> {
    let shorter = width.min(height);
    [8u8, 4]
        .into_iter()
        .find(|&d| shorter.div_ceil(u32::from(d)) >= min_side)
}

/// Peak memory of a scaled decode of a sequential JPEG (the only kind
/// scaled; a progressive one would also keep every coefficient at full
/// size): at the scaled size, the component planes, the interleaved output
/// and, for CMYK, its conversion to RGB.
fn scaled_peak_bytes(width: u32, height: u32, components: u8, d: u8) -> u64 {
    let components = u64::from(components);
    let scaled = u64::from(width.div_ceil(u32::from(d))) * u64::from(height.div_ceil(u32::from(d)));
    let conversion = if components == 4 { 3 } else { 0 };
    scaled.saturating_mul(2 * components + conversion)
}

/// Decodes `bytes` (a JPEG whose header said `width` x `height`) as
/// `plan` says. Any error here makes the caller fall back to the full
/// decode, which then has the last word on whether the file is valid.
pub(super) fn decode_scaled(
    bytes: &[u8],
    plan: ScaledPlan,
    width: u32,
    height: u32,
    limits: &DecodeLimits,
) -> Result<DynamicImage, InputError> {
    // jpeg-decoder is fuzzed and not known to panic, but it runs on hostile
    // input, so a panic in it must still become an error, not a crash.
    catch_unwind(AssertUnwindSafe(|| {
        decode_scaled_inner(bytes, plan, width, height, limits)
    }))
    .unwrap_or_else(|_| Err(InputError::Decode("JPEG decoder panicked".into())))
}

fn decode_scaled_inner(
    bytes: &[u8],
    plan: ScaledPlan,
    width: u32,
    height: u32,
    limits: &DecodeLimits,
) -> Result<DynamicImage, InputError> {
    let decode_error = |e: jpeg_decoder::Error| InputError::decoder(e);
    let mut decoder = Decoder::new(bytes);
    decoder.set_max_decoding_buffer_size(
        usize::try_from(limits.max_alloc_bytes).unwrap_or(usize::MAX),
    );
    decoder.read_info().map_err(decode_error)?;
    let info = decoder
        .info()
        .ok_or_else(|| InputError::Decode("JPEG has no frame header".into()))?;
    // Both decoders must be reading the same frame, or the checks made on
    // the first decoder's dimensions would not hold for this one.
    if (u32::from(info.width), u32::from(info.height)) != (width, height) {
        return Err(InputError::Decode(
            "JPEG frame size differs between decoders".into(),
        ));
    }
    if info.coding_process == CodingProcess::Lossless {
        return Err(InputError::UnsupportedFormat {
            format: "JPEG",
            detail: Some("lossless JPEG cannot be scaled".into()),
        });
    }
    let d = u32::from(plan.denominator);
    let (want_w, want_h) = (width.div_ceil(d), height.div_ceil(d));
    let request = |v: u32| u16::try_from(v).map_err(|_| InputError::Decode("JPEG too wide".into()));
    let (got_w, got_h) = decoder
        .scale(request(want_w)?, request(want_h)?)
        .map_err(decode_error)?;
    if (u32::from(got_w), u32::from(got_h)) != (want_w, want_h) {
        return Err(InputError::Decode(format!(
            "JPEG decoder scaled to {got_w}x{got_h}, not {want_w}x{want_h}"
        )));
    }
    let pixels = decoder.decode().map_err(decode_error)?;
    let wrong_length = || InputError::Decode("JPEG decoder returned a short buffer".into());
    match info.pixel_format {
        JpegPixels::L8 => GrayImage::from_raw(want_w, want_h, pixels)
            .map(DynamicImage::ImageLuma8)
            .ok_or_else(wrong_length),
        JpegPixels::RGB24 => RgbImage::from_raw(want_w, want_h, pixels)
            .map(DynamicImage::ImageRgb8)
            .ok_or_else(wrong_length),
        JpegPixels::CMYK32 => RgbImage::from_raw(want_w, want_h, cmyk_to_rgb(&pixels))
            .map(DynamicImage::ImageRgb8)
            .ok_or_else(wrong_length),
        JpegPixels::L16 => Err(InputError::UnsupportedFormat {
            format: "JPEG",
            detail: Some("16-bit JPEG cannot be scaled".into()),
        }),
    }
}

/// RGB from jpeg-decoder's four-channel output, the way the exact path's
/// decoder (zune-jpeg, through `image`) turns CMYK and YCCK into RGB.
/// jpeg-decoder hands out `255 - stored` for each CMYK ink and for K (for
/// YCCK, the YCbCr-to-RGB result and `255 - stored K`); zune-jpeg
/// multiplies the stored ink by the stored K, scaled to 0..=255 with
/// rounding. Both are undone and redone here so the two profiles see the
/// same colours.
fn cmyk_to_rgb(cmyk: &[u8]) -> Vec<u8> {
    fn times(a: u8, b: u8) -> u8 {
        // a * b / 255, rounded: exact for 8-bit inputs.
        let t = u32::from(a) * u32::from(b) + 128;
        ((t + (t >> 8)) >> 8) as u8
    }
    cmyk.chunks_exact(4)
        .flat_map(|p| {
            let k = 255 - p[3];
            [
                times(255 - p[0], k),
                times(255 - p[1], k),
                times(255 - p[2], k),
            ]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn denominator_keeps_the_shorter_side() {
        assert_eq!(denominator_for(4032, 3024, 256), Some(8)); // 378
        assert_eq!(denominator_for(4032, 3024, 378), Some(8));
        assert_eq!(denominator_for(4032, 3024, 379), Some(4)); // 756
        assert_eq!(denominator_for(4032, 3024, 512), Some(4));
        assert_eq!(denominator_for(4032, 3024, 756), Some(4));
        assert_eq!(denominator_for(4032, 3024, 757), None); // 1/2 not used
        assert_eq!(denominator_for(3024, 4032, 512), Some(4));
        assert_eq!(denominator_for(2000, 2000, 512), None);
        assert_eq!(denominator_for(2045, 5000, 512), Some(4)); // 512
    }

    #[test]
    fn exact_never_plans() {
        assert_eq!(plan(JpegScaling::Exact, &[], 8000, 8000), None);
        assert_eq!(JpegScaling::default(), JpegScaling::Exact);
    }

    #[test]
    fn times_is_rounded_division() {
        for a in 0..=255u8 {
            for b in 0..=255u8 {
                let want = (u32::from(a) * u32::from(b) + 127) / 255;
                assert_eq!(u32::from(times_for_test(a, b)), want, "{a} {b}");
            }
        }
    }

    fn times_for_test(a: u8, b: u8) -> u8 {
        // Through the public conversion: ink a with K such that 255-p3 = b.
        cmyk_to_rgb(&[255 - a, 0, 0, 255 - b])[0]
    }

    #[test]
    fn scaled_peak_counts_the_scaled_planes() {
        // 4000x3000 RGB at 1/4: three planes and the interleaved output.
        assert_eq!(scaled_peak_bytes(4000, 3000, 3, 4), 1000 * 750 * 6);
        // CMYK at 1/8, sides rounded up: four planes, output, conversion.
        assert_eq!(scaled_peak_bytes(4001, 3001, 4, 8), 501 * 376 * 11);
    }
}
