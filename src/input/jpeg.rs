//! JPEG: the marker layout read in one linear pass (frame, metadata size,
//! where the scan data starts and whether it is complete), and the exact
//! decode through zune-jpeg over the caller's bytes (no copy of the input).

use zune_core::bytestream::ZCursor;
use zune_core::colorspace::ColorSpace;
use zune_core::options::DecoderOptions;
use zune_jpeg::errors::DecodeErrors;
use zune_jpeg::JpegDecoder;

use super::decode::Orientation;
use super::error::{InputError, LimitExceeded};
use super::view::PixelFormat;

/// The frame header (SOFn).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Frame {
    /// The SOF marker's second byte, 0xC0..=0xCF.
    pub marker: u8,
    pub precision: u8,
    pub width: u16,
    pub height: u16,
    /// Horizontal and vertical sampling factors of each component.
    pub sampling: Vec<(u8, u8)>,
}

impl Frame {
    /// Progressive DCT (SOF2, and the arithmetic-coded SOF6, SOF10, SOF14).
    pub fn is_progressive(&self) -> bool {
        matches!(self.marker, 0xc2 | 0xc6 | 0xca | 0xce)
    }

    /// Huffman-coded DCT, sequential or progressive: the kinds whose scan
    /// data has a known minimum size (below).
    fn is_huffman_dct(&self) -> bool {
        matches!(self.marker, 0xc0..=0xc2)
    }

    /// 8x8 blocks of each component.
    fn blocks(&self) -> impl Iterator<Item = u64> + '_ {
        let h_max = self.sampling.iter().map(|s| s.0).max().unwrap_or(1).max(1) as u64;
        let v_max = self.sampling.iter().map(|s| s.1).max().unwrap_or(1).max(1) as u64;
        let (w, h) = (self.width as u64, self.height as u64);
        self.sampling.iter().map(move |&(hs, vs)| {
            let cw = (w * hs as u64).div_ceil(h_max);
            let ch = (h * vs as u64).div_ceil(v_max);
            cw.div_ceil(8) * ch.div_ceil(8)
        })
    }

    /// The fewest bytes of entropy-coded data that can describe this frame.
    /// Huffman codes are at least one bit long: a sequential scan codes at
    /// least a DC difference and an end-of-block per block (2 bits); a
    /// progressive image codes at least the DC of every block of some
    /// component (1 bit each). Any valid file has at least this much.
    pub fn min_scan_bytes(&self) -> u64 {
        if !self.is_huffman_dct() {
            return 0;
        }
        if self.is_progressive() {
            self.blocks().min().unwrap_or(0).div_ceil(8)
        } else {
            self.blocks().sum::<u64>().saturating_mul(2).div_ceil(8)
        }
    }
}

/// What one pass over the markers before the first scan found.
#[derive(Clone, Debug, Default)]
pub(crate) struct Layout {
    pub frame: Option<Frame>,
    /// Offset of the first start-of-scan marker.
    pub scan_start: Option<usize>,
    /// Bytes in application segments (APP0-APP15) before the scan: EXIF,
    /// ICC, XMP, IPTC... The decoder keeps copies of some of them, so they
    /// count towards the memory an image needs.
    pub metadata_bytes: u64,
}

impl Layout {
    /// Walks the marker segments from the start of image to the first scan,
    /// by their lengths. Each step moves forward, so the walk is linear in
    /// the file, whatever the number of segments (comments, APPn, fill
    /// bytes). Bytes between segments that are not a marker are skipped, as
    /// decoders do.
    pub fn parse(b: &[u8]) -> Layout {
        let mut layout = Layout::default();
        let mut i = 2; // after SOI
        while i + 1 < b.len() {
            if b[i] != 0xff {
                i += 1;
                continue;
            }
            let marker = b[i + 1];
            match marker {
                0xff => {
                    i += 1; // fill byte
                    continue;
                }
                0x00 | 0x01 | 0xd0..=0xd8 => {
                    i += 2;
                    continue;
                }
                0xd9 => break,
                0xda => {
                    layout.scan_start = Some(i);
                    break;
                }
                _ => {}
            }
            let Some(len) = b
                .get(i + 2..i + 4)
                .map(|s| u16::from_be_bytes([s[0], s[1]]))
            else {
                break;
            };
            let body = b
                .get(i + 4..(i + 2 + len as usize).min(b.len()))
                .unwrap_or(&[]);
            match marker {
                0xe0..=0xef => layout.metadata_bytes += len as u64,
                0xc0..=0xcf if !matches!(marker, 0xc4 | 0xc8 | 0xcc) && layout.frame.is_none() => {
                    layout.frame = parse_frame(marker, body);
                }
                _ => {}
            }
            i += 2 + len.max(2) as usize;
        }
        layout
    }

    /// Whether an end-of-image marker follows the first scan's start.
    /// Inside entropy-coded data 0xFF is always followed by 0x00 or a
    /// restart marker, so 0xFF 0xD9 there can only be the end of the image.
    /// Searched from the end: a complete file has it there (or before a
    /// short trailer), so this usually reads a few bytes.
    pub fn is_complete(&self, b: &[u8]) -> bool {
        self.scan_start
            .and_then(|s| b.get(s..))
            .is_some_and(|scan| scan.windows(2).rev().any(|w| w == [0xff, 0xd9]))
    }
}

fn parse_frame(marker: u8, body: &[u8]) -> Option<Frame> {
    let precision = *body.first()?;
    let height = u16::from_be_bytes([*body.get(1)?, *body.get(2)?]);
    let width = u16::from_be_bytes([*body.get(3)?, *body.get(4)?]);
    let count = *body.get(5)? as usize;
    let sampling = (0..count)
        .map(|c| body.get(6 + 3 * c + 1).map(|s| (s >> 4, s & 15)))
        .collect::<Option<Vec<_>>>()?;
    Some(Frame {
        marker,
        precision,
        width,
        height,
        sampling,
    })
}

/// Checks made from the layout before anything is decoded: the file is
/// long enough for the frame it claims. (A file without its end-of-image
/// marker is decoded strictly instead: see [`plan`].)
pub(crate) fn check_structure(b: &[u8], layout: &Layout) -> Result<(), InputError> {
    if let (Some(frame), Some(scan)) = (&layout.frame, layout.scan_start) {
        let have = (b.len() - scan) as u64;
        let need = frame.min_scan_bytes();
        if have < need {
            return Err(InputError::Decode(format!(
                "JPEG data too short for its frame: {}x{} needs at least {need} bytes of scan data, the file has {have}",
                frame.width, frame.height
            )));
        }
    }
    Ok(())
}

/// Decoder working memory beyond the output pixels: a progressive image
/// keeps every coefficient (2 bytes per sample, per component, blocks
/// rounded up) until its last scan; a sequential one decodes a row of MCUs
/// at a time (up to 32 rows of every component, charged at 4 bytes a
/// sample; measured at 2% of the output for a 1500x1000 4:2:0 photo in
/// `tests/decode_memory.rs`).
fn working_bytes(frame: &Frame) -> u64 {
    if frame.is_progressive() {
        frame.blocks().map(|blocks| blocks * 64 * 2).sum()
    } else {
        frame.width as u64 * 32 * 4 * frame.sampling.len() as u64
    }
}

/// Colour layout zune-jpeg produces for each input colour space (as the
/// `image` crate asks for it): grey stays grey, everything else (YCbCr,
/// CMYK, YCCK) becomes RGB; RGBA and grey+alpha are kept.
/// Returns the colour space asked of the decoder, the layout handed on, the
/// decoder's bytes per pixel and the peak bytes per pixel.
fn output_layout(cs: ColorSpace) -> (ColorSpace, PixelFormat, usize, u64) {
    match cs {
        ColorSpace::Luma => (ColorSpace::Luma, PixelFormat::Gray8, 1, 1),
        ColorSpace::RGBA => (ColorSpace::RGBA, PixelFormat::Rgba8, 4, 4),
        // Grey+alpha becomes RGB (as for every other source with alpha
        // and one colour channel): both buffers are alive at once.
        ColorSpace::LumaA => (ColorSpace::LumaA, PixelFormat::Rgb8, 2, 5),
        _ => (ColorSpace::RGB, PixelFormat::Rgb8, 3, 3),
    }
}

/// The decoded pixels of one JPEG.
pub(crate) struct Decoded {
    pub pixels: Vec<u8>,
    pub width: u32,
    pub height: u32,
    pub format: PixelFormat,
}

fn map_zune(e: DecodeErrors) -> InputError {
    match e {
        DecodeErrors::Unsupported(what) => InputError::UnsupportedFormat {
            format: "JPEG",
            detail: Some(format!("{what:?}")),
        },
        DecodeErrors::LargeDimensions(_) => InputError::TooLarge(LimitExceeded::Decoder),
        other => InputError::decoder(other),
    }
}

/// The header-level facts the caller checks against the limits before
/// [`decode`] allocates pixels.
pub(crate) struct Plan<'a> {
    decoder: JpegDecoder<ZCursor<&'a [u8]>>,
    /// Decoding in strict mode (no end-of-image marker).
    strict: bool,
    pub width: u32,
    pub height: u32,
    pub orientation: Orientation,
    /// Peak bytes the full decode takes: output, working memory, metadata.
    pub peak_bytes: u64,
    out: (ColorSpace, PixelFormat, usize, u64),
}

/// Parses the headers (the decoder's own parse: its sizes are the ones
/// checked) and estimates the decode's peak memory.
///
/// zune-jpeg fills a cut-off scan with grey instead of failing. A file
/// without an end-of-image marker after its scan data is therefore decoded
/// in strict mode, which refuses scan data that runs out before the last
/// block (refused here as truncated, rather than hashed as a different
/// image); a file that only lacks the two-byte marker decodes exactly as
/// with it, as every viewer shows it.
pub(crate) fn plan<'a>(b: &'a [u8], layout: &Layout) -> Result<Plan<'a>, InputError> {
    let strict = layout.scan_start.is_some() && !layout.is_complete(b);
    // The side limits are checked by the caller, which names them; JPEG
    // sides are 16-bit anyway. Headers are always read leniently (strict
    // mode would also refuse segments other decoders pass over); strict
    // mode is for the scan data, set below.
    let options = DecoderOptions::default()
        .set_strict_mode(false)
        .set_max_width(usize::MAX)
        .set_max_height(usize::MAX);
    let mut decoder = JpegDecoder::new_with_options(ZCursor::new(b), options);
    decoder.decode_headers().map_err(map_zune)?;
    let (w, h) = decoder
        .dimensions()
        .ok_or_else(|| InputError::Decode("JPEG has no frame header".into()))?;
    let (width, height) = (w as u32, h as u32);
    let input = decoder
        .input_colorspace()
        .ok_or_else(|| InputError::Decode("JPEG has no frame header".into()))?;
    let out = output_layout(input);
    decoder.set_options(
        decoder
            .options()
            .jpeg_set_out_colorspace(out.0)
            .set_strict_mode(strict),
    );
    let orientation = decoder
        .exif()
        .and_then(|exif| image::metadata::Orientation::from_exif_chunk(exif))
        .map(Orientation::from_image)
        .unwrap_or_default();
    let pixels = width as u64 * height as u64;
    let working = layout.frame.as_ref().map_or(pixels * 8, working_bytes);
    let peak_bytes = (pixels * out.3)
        .saturating_add(working)
        .saturating_add(layout.metadata_bytes);
    Ok(Plan {
        decoder,
        strict,
        width,
        height,
        orientation,
        peak_bytes,
        out,
    })
}

/// Runs the decode `plan` prepared.
pub(crate) fn decode(plan: Plan<'_>) -> Result<Decoded, InputError> {
    let Plan {
        mut decoder,
        strict,
        width,
        height,
        out: (_, format, channels, _),
        ..
    } = plan;
    let len = (width as usize)
        .checked_mul(height as usize)
        .and_then(|p| p.checked_mul(channels))
        .ok_or(InputError::InvalidDimensions {
            width: width as u64,
            height: height as u64,
        })?;
    let mut pixels = vec![0u8; len];
    decoder.decode_into(&mut pixels).map_err(|e| match e {
        DecodeErrors::Unsupported(_) | DecodeErrors::LargeDimensions(_) => map_zune(e),
        other if strict => InputError::decoder(format!(
            "truncated JPEG (its scan data ends early and it has no end-of-image marker: {other})"
        )),
        other => map_zune(other),
    })?;
    if channels == 2 {
        pixels = pixels.chunks_exact(2).flat_map(|p| [p[0]; 3]).collect();
    }
    Ok(Decoded {
        pixels,
        width,
        height,
        format,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segment(marker: u8, body: &[u8]) -> Vec<u8> {
        let mut v = vec![0xff, marker];
        v.extend(((body.len() + 2) as u16).to_be_bytes());
        v.extend(body);
        v
    }

    #[test]
    fn walk_is_uncapped_and_finds_the_frame() {
        let mut b = vec![0xff, 0xd8];
        for _ in 0..100_000 {
            b.extend(segment(0xfe, b"comment"));
        }
        b.extend(segment(0xe1, &[0u8; 100]));
        b.extend(segment(0xc0, &[8, 0, 16, 0, 32, 1, 1, 0x11, 0]));
        b.extend(segment(0xda, &[1, 1, 0, 0, 63, 0]));
        b.extend([0u8; 40]);
        b.extend([0xff, 0xd9]);
        let layout = Layout::parse(&b);
        let frame = layout.frame.clone().unwrap();
        assert_eq!((frame.width, frame.height), (32, 16));
        assert_eq!(layout.metadata_bytes, 102);
        assert!(layout.is_complete(&b));
        // 8 blocks x 2 bits = 2 bytes needed.
        assert_eq!(frame.min_scan_bytes(), 2);
        check_structure(&b, &layout).unwrap();
    }

    #[test]
    fn min_scan_bytes_counts_blocks_per_component() {
        let frame = Frame {
            marker: 0xc0,
            precision: 8,
            width: 8000,
            height: 8000,
            sampling: vec![(2, 2), (1, 1), (1, 1)],
        };
        // Y 1000x1000 blocks, Cb and Cr 500x500 each: 1.5 M blocks x 2 bits.
        assert_eq!(frame.min_scan_bytes(), 1_500_000 * 2 / 8);
        let progressive = Frame {
            marker: 0xc2,
            ..frame.clone()
        };
        assert_eq!(progressive.min_scan_bytes(), 250_000 / 8);
        let arithmetic = Frame {
            marker: 0xc9,
            ..frame
        };
        assert_eq!(arithmetic.min_scan_bytes(), 0);
    }
}
