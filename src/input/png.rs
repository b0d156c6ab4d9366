//! PNG through the `png` crate directly, so that metadata the hash does not
//! need is skipped, not stored: text chunks (tEXt, zTXt, iTXt) and the ICC
//! profile are never read into memory, whatever their number or size; the
//! decoder's own allocations (the eXIf chunk, row buffers) are capped by
//! what the budget leaves after the pixels. 16-bit samples are cut to
//! their high byte by the decoder, row by row, so no 16-bit image is held.

use std::io::Cursor;

use png::{BitDepth, ColorType, Transformations};

use super::decode::{DecodeLimits, Orientation};
use super::error::{InputError, LimitExceeded};
use super::view::PixelFormat;

fn map_png(e: png::DecodingError) -> InputError {
    match e {
        png::DecodingError::LimitsExceeded => InputError::TooLarge(LimitExceeded::Decoder),
        png::DecodingError::IoError(io) => InputError::decoder(format!("truncated PNG ({io})")),
        other => InputError::decoder(other),
    }
}

/// Samples per pixel after palette and transparency expansion.
fn expanded_channels(colour: ColorType, trns: bool) -> u64 {
    let base = match colour {
        ColorType::Grayscale => 1,
        ColorType::GrayscaleAlpha => 2,
        ColorType::Rgb | ColorType::Indexed => 3,
        ColorType::Rgba => 4,
    };
    base + u64::from(
        trns && matches!(
            colour,
            ColorType::Grayscale | ColorType::Rgb | ColorType::Indexed
        ),
    )
}

/// A PNG whose header and metadata have been read, ready to decode.
pub(crate) struct Plan<'a> {
    reader: png::Reader<Cursor<&'a [u8]>>,
    pub width: u32,
    pub height: u32,
    pub orientation: Orientation,
    /// Peak bytes: the pixel buffer plus the metadata the decoder holds.
    pub peak_bytes: u64,
}

/// Reads the header (dimensions checked by `check` before anything else is
/// read), then the chunks up to the image data.
pub(crate) fn plan<'a>(
    b: &'a [u8],
    limits: &DecodeLimits,
    check: impl Fn(u32, u32) -> Result<(), InputError>,
) -> Result<Plan<'a>, InputError> {
    let mut decoder = png::Decoder::new(Cursor::new(b));
    decoder.set_ignore_text_chunk(true);
    decoder.set_ignore_iccp_chunk(true);
    let header = decoder.read_header_info().map_err(map_png)?;
    let (width, height, colour) = (header.width, header.height, header.color_type);
    check(width, height)?;
    let pixels = width as u64 * height as u64;
    let least = pixels * expanded_channels(colour, false);
    if least > limits.max_alloc_bytes {
        return Err(InputError::TooLarge(LimitExceeded::Memory {
            bytes: least,
            max: limits.max_alloc_bytes,
        }));
    }
    // What the budget leaves after the pixels caps the decoder's own
    // allocations (row buffers, the eXIf chunk, which it then copies once
    // more: hence half).
    let left = usize::try_from((limits.max_alloc_bytes - least) / 2).unwrap_or(usize::MAX);
    decoder.set_limits(png::Limits { bytes: left });
    decoder.set_transformations(Transformations::EXPAND | Transformations::STRIP_16);
    let reader = decoder.read_info().map_err(map_png)?;
    let info = reader.info();
    let exif = info.exif_metadata.as_deref();
    let orientation = exif
        .and_then(image::metadata::Orientation::from_exif_chunk)
        .map(Orientation::from_image)
        .unwrap_or_default();
    let decoded = pixels * expanded_channels(colour, info.trns.is_some());
    let kept = final_bytes(&reader, pixels);
    let peak_bytes = decoded
        .max(kept)
        .saturating_add(exif.map_or(0, |e| 2 * e.len() as u64));
    Ok(Plan {
        reader,
        width,
        height,
        orientation,
        peak_bytes,
    })
}

/// Size of the layout handed on.
fn final_bytes(reader: &png::Reader<Cursor<&[u8]>>, pixels: u64) -> u64 {
    let (colour, _) = reader.output_color_type();
    pixels
        * match colour {
            ColorType::Grayscale => 1,
            ColorType::GrayscaleAlpha if reader.info().color_type == ColorType::Grayscale => 1,
            ColorType::Rgba => 4,
            _ => 3,
        }
}

/// Decodes into one of the three 8-bit layouts: grey (also for a grey
/// image whose transparency chunk added alpha: every reference pipeline
/// opens it as grey), RGB (also for grey+alpha sources, as their other
/// decoders do) or RGBA.
pub(crate) fn decode(plan: Plan<'_>) -> Result<(Vec<u8>, PixelFormat), InputError> {
    let Plan {
        mut reader,
        width,
        height,
        ..
    } = plan;
    let pixels = width as usize * height as usize;
    let out_len = reader
        .output_buffer_size()
        .ok_or(InputError::InvalidDimensions {
            width: width as u64,
            height: height as u64,
        })?;
    let keep = final_bytes(&reader, pixels as u64) as usize;
    let mut buf = vec![0u8; out_len.max(keep)];
    reader.next_frame(&mut buf[..out_len]).map_err(map_png)?;
    let (colour, depth) = reader.output_color_type();
    debug_assert_eq!(depth, BitDepth::Eight);
    let grey_source = reader.info().color_type == ColorType::Grayscale;
    let format = match colour {
        ColorType::Grayscale => PixelFormat::Gray8,
        ColorType::GrayscaleAlpha if grey_source => {
            for i in 0..pixels {
                buf[i] = buf[2 * i];
            }
            PixelFormat::Gray8
        }
        ColorType::GrayscaleAlpha => {
            // Back to front, in place: pixel i moves from 2i to 3i.
            for i in (0..pixels).rev() {
                let g = buf[2 * i];
                buf[3 * i..3 * i + 3].fill(g);
            }
            PixelFormat::Rgb8
        }
        ColorType::Rgb => PixelFormat::Rgb8,
        ColorType::Rgba => PixelFormat::Rgba8,
        ColorType::Indexed => {
            return Err(InputError::Decode("PNG palette was not expanded".into()))
        }
    };
    buf.truncate(keep);
    buf.shrink_to_fit();
    Ok((buf, format))
}
