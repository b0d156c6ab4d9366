//! Decoding encoded images (JPEG, PNG, GIF first frame, WebP, BMP, TIFF)
//! through the `image` crate, with limits checked from the header before the
//! pixel buffer is allocated.

use std::io::{Cursor, Read};
use std::path::Path;

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader};

use super::error::{InputError, LimitExceeded};
use super::fast_jpeg::{self, JpegScaling};
use super::sniff::{self, Identified};
use super::view::{PixelFormat, PixelView};
use super::{header, jpeg, png};

/// Limits applied while decoding. Construct with `DecodeLimits::default()`
/// and adjust fields; new fields may be added.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct DecodeLimits {
    /// Maximum width x height (default 64 Mi pixels, e.g. 8192 x 8192).
    pub max_pixels: u64,
    /// Maximum width and maximum height (default 65,535).
    pub max_side: u32,
    /// Maximum memory decoding may take, estimated from the header before
    /// anything is allocated: the decoded pixels, the decoder's working
    /// buffers (a progressive JPEG's coefficients, a frame of its own size),
    /// a conversion to 8-bit samples if needed, and the metadata the
    /// decoder keeps (default 200 MiB: a 52 MP RGBA or 69 MP RGB image).
    /// Measured peaks stay within it plus 20 MiB: decoder state and one
    /// buffer a decoder sizes from a header field before reading (see
    /// `docs/hostile-input.md`).
    pub max_alloc_bytes: u64,
    /// Maximum size of the encoded input (default 256 MiB).
    pub max_input_bytes: u64,
}

impl Default for DecodeLimits {
    fn default() -> Self {
        DecodeLimits {
            max_pixels: 64 << 20,
            max_side: 65_535,
            max_alloc_bytes: 200 << 20,
            max_input_bytes: 256 << 20,
        }
    }
}

/// Options for [`decode_bytes`] and [`decode_file`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct DecodeOptions {
    /// Size and memory limits.
    pub limits: DecodeLimits,
    /// Rotate/flip the pixels as the EXIF orientation tag says. Off by
    /// default: no PDQ reference applies it, and hash lists are made without it.
    pub apply_orientation: bool,
    /// Full JPEG decoding (the default, bit-exact hashes) or the opt-in
    /// fast profile that decodes large JPEGs at a reduced scale.
    pub jpeg_scaling: JpegScaling,
}

/// EXIF orientation (tag 0x0112), as found in the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Orientation {
    /// 1: stored as displayed (also the value when there is no tag).
    #[default]
    Normal,
    /// 2: mirrored left-right.
    FlipHorizontal,
    /// 3: rotated 180 degrees.
    Rotate180,
    /// 4: mirrored top-bottom.
    FlipVertical,
    /// 5: mirrored along the main diagonal.
    Transpose,
    /// 6: displayed after rotating 90 degrees clockwise.
    Rotate90,
    /// 7: mirrored along the anti-diagonal.
    Transverse,
    /// 8: displayed after rotating 270 degrees clockwise.
    Rotate270,
}

impl Orientation {
    /// The EXIF tag value, 1..=8.
    pub fn exif_value(self) -> u8 {
        match self {
            Orientation::Normal => 1,
            Orientation::FlipHorizontal => 2,
            Orientation::Rotate180 => 3,
            Orientation::FlipVertical => 4,
            Orientation::Transpose => 5,
            Orientation::Rotate90 => 6,
            Orientation::Transverse => 7,
            Orientation::Rotate270 => 8,
        }
    }

    pub(crate) fn from_image(o: image::metadata::Orientation) -> Self {
        use image::metadata::Orientation as O;
        match o {
            O::NoTransforms => Orientation::Normal,
            O::FlipHorizontal => Orientation::FlipHorizontal,
            O::Rotate180 => Orientation::Rotate180,
            O::FlipVertical => Orientation::FlipVertical,
            O::Rotate90FlipH => Orientation::Transpose,
            O::Rotate90 => Orientation::Rotate90,
            O::Rotate270FlipH => Orientation::Transverse,
            O::Rotate270 => Orientation::Rotate270,
        }
    }
}

/// The container format an image was decoded from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SourceFormat {
    /// JPEG (JFIF, EXIF), baseline or progressive.
    Jpeg,
    /// PNG (the first image of an APNG).
    Png,
    /// GIF (the first frame).
    Gif,
    /// WebP, lossy or lossless (the first frame of an animation).
    WebP,
    /// BMP (Windows and OS/2).
    Bmp,
    /// TIFF (the first image).
    Tiff,
}

/// Decoded pixels, owned, in one of three 8-bit layouts: `Gray8` for
/// greyscale sources (the reference's grey path), `Rgb8` or `Rgba8` otherwise.
/// 16-bit sources keep the high byte of each sample; grey+alpha sources become
/// RGB, as every reference pipeline that accepts them does.
#[derive(Clone, Debug)]
pub struct DecodedImage {
    pixels: Vec<u8>,
    width: u32,
    height: u32,
    format: PixelFormat,
    orientation: Orientation,
    orientation_applied: bool,
    source: SourceFormat,
    downscale: u8,
}

impl DecodedImage {
    /// A view over the pixels.
    pub fn view(&self) -> PixelView<'_> {
        // The buffer was sized from these dimensions, so this cannot fail; a
        // failure would be a bug here, reported rather than hidden.
        PixelView::packed(&self.pixels, self.width, self.height, self.format)
            .unwrap_or_else(|e| unreachable!("decoded buffer does not fit its size: {e}"))
    }
    /// Width in pixels, after any orientation was applied.
    pub fn width(&self) -> u32 {
        self.width
    }
    /// Height in pixels, after any orientation was applied.
    pub fn height(&self) -> u32 {
        self.height
    }
    /// The pixel layout: `Gray8`, `Rgb8` or `Rgba8`.
    pub fn format(&self) -> PixelFormat {
        self.format
    }
    /// The EXIF orientation found in the file (`Normal` when absent).
    pub fn orientation(&self) -> Orientation {
        self.orientation
    }
    /// Whether the pixels were rotated/flipped to undo `orientation`.
    pub fn orientation_applied(&self) -> bool {
        self.orientation_applied
    }
    /// The format the image was decoded from.
    pub fn source_format(&self) -> SourceFormat {
        self.source
    }
    /// 1 when every pixel was decoded (always, unless
    /// [`DecodeOptions::jpeg_scaling`] asked for the fast profile); 4 or 8
    /// when the fast profile decoded the JPEG at that fraction of each side.
    /// Hashes of downscaled pixels are close to the exact ones, not equal.
    pub fn downscale(&self) -> u8 {
        self.downscale
    }
}

/// Reads and decodes an image file, refusing files above
/// `limits.max_input_bytes` before reading them.
pub fn decode_file(
    path: impl AsRef<Path>,
    options: &DecodeOptions,
) -> Result<DecodedImage, InputError> {
    let bytes = read_file_limited(path, options.limits.max_input_bytes)?;
    decode_bytes(&bytes, options)
}

/// Reads a whole file, refusing one larger than `max` bytes (checked from
/// its size first, and again while reading, in case it grows).
pub fn read_file_limited(path: impl AsRef<Path>, max: u64) -> Result<Vec<u8>, InputError> {
    let file = std::fs::File::open(path.as_ref())?;
    let len = file.metadata()?.len();
    if len > max {
        return Err(InputError::TooLarge(LimitExceeded::InputBytes {
            bytes: len,
            max,
        }));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(max.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(InputError::TooLarge(LimitExceeded::InputBytes {
            bytes: bytes.len() as u64,
            max,
        }));
    }
    Ok(bytes)
}

/// Decodes an encoded image held in memory.
///
/// The format is recognised from the content. Sizes are the decoder's own
/// reading of the header, checked against `options.limits` before any
/// pixel buffer is allocated, together with an estimate of the decode's
/// peak memory (pixels, working buffers and the metadata the decoder
/// keeps); metadata the hash does not need is skipped where the decoder
/// allows it. Errors fall into one class per cause in every format:
/// [`InputError::InvalidDimensions`] for a zero side,
/// [`InputError::TooLarge`] naming the limit, [`InputError::Decode`] for
/// corrupt or truncated data, [`InputError::UnsupportedFormat`] naming a
/// recognised format percept does not decode, and
/// [`InputError::UnrecognisedFormat`].
pub fn decode_bytes(bytes: &[u8], options: &DecodeOptions) -> Result<DecodedImage, InputError> {
    let limits = &options.limits;
    if bytes.len() as u64 > limits.max_input_bytes {
        return Err(InputError::TooLarge(LimitExceeded::InputBytes {
            bytes: bytes.len() as u64,
            max: limits.max_input_bytes,
        }));
    }
    let source = match sniff::identify(bytes) {
        Identified::Supported(f) => f,
        Identified::Unsupported(name) => {
            return Err(InputError::UnsupportedFormat {
                format: name,
                detail: None,
            })
        }
        Identified::Unknown => return Err(InputError::UnrecognisedFormat),
    };
    // Set once the decoder has read the header and reported its size: a
    // refusal after that is the decoder's own word on the data.
    let header_read = std::cell::Cell::new(false);
    let decoded = match source {
        SourceFormat::Jpeg => decode_jpeg(bytes, options, &header_read),
        SourceFormat::Png => decode_png(bytes, options, &header_read),
        other => decode_other(bytes, other, options, &header_read),
    };
    let decoded = decoded.map_err(|e| {
        if header_read.get() {
            e
        } else {
            classify(e, source, bytes, limits)
        }
    })?;
    finish(decoded, source, options)
}

/// Pixels as a format's decoder hands them on, before orientation.
struct Pixels {
    pixels: Vec<u8>,
    width: u32,
    height: u32,
    format: PixelFormat,
    orientation: Orientation,
    downscale: u8,
}

/// A decoder's refusal to read a header, put in the class of its cause,
/// the same in every format whatever words the decoder used: a header with
/// a zero side is invalid dimensions; one over the side or pixel limit is
/// that limit. (Refusals after the decoder reported a size stand as they
/// are.)
fn classify(
    e: InputError,
    source: SourceFormat,
    bytes: &[u8],
    limits: &DecodeLimits,
) -> InputError {
    match e {
        InputError::Decode(_)
        | InputError::UnsupportedFormat { .. }
        | InputError::TooLarge(LimitExceeded::Decoder) => match header::size(source, bytes) {
            Some((w, h)) if w == 0 || h == 0 => InputError::InvalidDimensions {
                width: w,
                height: h,
            },
            Some((w, h)) => {
                let side = |v: u64| u32::try_from(v).unwrap_or(u32::MAX);
                check_size(side(w), side(h), limits).err().unwrap_or(e)
            }
            None => e,
        },
        other => other,
    }
}

/// Memory for undoing the EXIF orientation: a rotation makes a new buffer.
fn orientation_bytes(options: &DecodeOptions, orientation: Orientation, pixel_bytes: u64) -> u64 {
    if options.apply_orientation && orientation != Orientation::Normal {
        pixel_bytes
    } else {
        0
    }
}

fn decode_jpeg(
    bytes: &[u8],
    options: &DecodeOptions,
    header_read: &std::cell::Cell<bool>,
) -> Result<Pixels, InputError> {
    let limits = &options.limits;
    let layout = jpeg::Layout::parse(bytes);
    // The decoder copies application segments while reading the header:
    // refuse before it does if they alone are over the budget.
    check_memory(layout.metadata_bytes, limits)?;
    let plan = jpeg::plan(bytes, &layout)?;
    header_read.set(true);
    let (width, height) = (plan.width, plan.height);
    check_size_nonzero(width, height, limits)?;
    let scaled = fast_jpeg::plan(options.jpeg_scaling, bytes, width, height);
    let rotation = orientation_bytes(options, plan.orientation, width as u64 * height as u64 * 4);
    // A scaled decode needs less memory; the full decode is checked again
    // below before it runs, should the scaled one fail.
    jpeg::check_structure(bytes, &layout)?;
    let first_peak = scaled.map_or(plan.peak_bytes, |p| p.peak_bytes);
    check_memory(first_peak.saturating_add(rotation), limits)?;
    // The fast profile falls back to the full decode whenever the scaled
    // decoder refuses the file, so it never rejects what the exact profile
    // accepts; `downscale` then says 1.
    if let Some(scaled_plan) = scaled {
        if let Ok(image) = fast_jpeg::decode_scaled(bytes, scaled_plan, width, height, limits) {
            let (w, h) = (image.width(), image.height());
            let (pixels, format) = into_pixels(image);
            return Ok(Pixels {
                pixels,
                width: w,
                height: h,
                format,
                orientation: plan.orientation,
                downscale: scaled_plan.denominator,
            });
        }
    }
    check_memory(plan.peak_bytes.saturating_add(rotation), limits)?;
    let orientation = plan.orientation;
    let d = jpeg::decode(plan)?;
    Ok(Pixels {
        pixels: d.pixels,
        width: d.width,
        height: d.height,
        format: d.format,
        orientation,
        downscale: 1,
    })
}

fn decode_png(
    bytes: &[u8],
    options: &DecodeOptions,
    header_read: &std::cell::Cell<bool>,
) -> Result<Pixels, InputError> {
    let limits = &options.limits;
    let plan = png::plan(bytes, limits, |w, h| check_size_nonzero(w, h, limits))?;
    header_read.set(true);
    let (width, height, orientation) = (plan.width, plan.height, plan.orientation);
    let rotation = orientation_bytes(options, orientation, width as u64 * height as u64 * 4);
    check_memory(plan.peak_bytes.saturating_add(rotation), limits)?;
    let (pixels, format) = png::decode(plan)?;
    Ok(Pixels {
        pixels,
        width,
        height,
        format,
        orientation,
        downscale: 1,
    })
}

/// GIF (first frame), WebP, BMP and TIFF through the `image` crate's
/// decoders, whose header parsing gives the sizes checked.
fn decode_other(
    bytes: &[u8],
    source: SourceFormat,
    options: &DecodeOptions,
    header_read: &std::cell::Cell<bool>,
) -> Result<Pixels, InputError> {
    let limits = &options.limits;
    let format = match source {
        SourceFormat::Gif => ImageFormat::Gif,
        SourceFormat::WebP => ImageFormat::WebP,
        SourceFormat::Bmp => ImageFormat::Bmp,
        _ => ImageFormat::Tiff,
    };
    // The GIF decoder keeps ICC profile and XMP extensions while reading
    // the header: refuse before it does if they would not fit (their
    // buffers grow by doubling: charged three times their size).
    let metadata = match source {
        SourceFormat::Gif => gif_metadata_bytes(bytes).saturating_mul(3),
        SourceFormat::Tiff => header::tiff_tag_bytes(bytes),
        _ => 0,
    };
    check_memory(metadata, limits)?;
    // The TIFF decoder sizes its strip and tile tables from the image
    // length before the limits reach it: a 30 x 33,554,432 header took
    // 94 MB (found by the decode_budget fuzz target). Its IFD's own width
    // and length fields, read here the same way (last entry wins), are
    // checked first; a size within the limits goes on to the decoder.
    if source == SourceFormat::Tiff {
        if let Some((w, h)) = header::size(source, bytes) {
            let side = |v: u64| u32::try_from(v).unwrap_or(u32::MAX);
            check_size(side(w), side(h), limits)?;
        }
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut image_limits = image::Limits::default();
    image_limits.max_image_width = Some(limits.max_side);
    image_limits.max_image_height = Some(limits.max_side);
    image_limits.max_alloc = Some(limits.max_alloc_bytes);
    reader.limits(image_limits);
    let mut decoder = reader.into_decoder().map_err(map_image_error)?;
    header_read.set(true);
    let (width, height) = decoder.dimensions();
    check_size_nonzero(width, height, limits)?;
    // A broken EXIF block is not a reason to refuse the pixels. WebP's is
    // read in place (the decoder would copy the whole chunk, of any size);
    // GIF and BMP carry none; TIFF's is a tag of the image's own IFD.
    let orientation = match source {
        SourceFormat::WebP => webp_orientation(bytes),
        SourceFormat::Tiff => decoder
            .orientation()
            .map(Orientation::from_image)
            .unwrap_or_default(),
        _ => Orientation::Normal,
    };
    let pixels = width as u64 * height as u64;
    // Frames are decoded into buffers of their own size, which the canvas
    // need not bound: a WebP frame must fit its canvas (refused otherwise);
    // a GIF's first frame is charged at 4 bytes a pixel.
    let frame_bytes = match source {
        SourceFormat::WebP => header::webp_largest_frame(bytes, (width.into(), height.into()))
            .map_err(InputError::Decode)?
            .saturating_mul(4),
        SourceFormat::Gif => header::gif_first_frame(bytes).map_or(0, |(w, h)| w * h * 4),
        _ => 0,
    };
    let peak = peak_bytes(
        decoder.total_bytes(),
        width,
        height,
        decoder.color_type(),
        source,
    )
    .saturating_add(frame_bytes)
    .saturating_add(orientation_bytes(options, orientation, pixels * 4))
    .saturating_add(metadata);
    check_memory(peak, limits)?;
    let image = DynamicImage::from_decoder(decoder).map_err(map_image_error)?;
    let (width, height) = (image.width(), image.height());
    let (pixels, format) = into_pixels(image);
    Ok(Pixels {
        pixels,
        width,
        height,
        format,
        orientation,
        downscale: 1,
    })
}

/// The orientation in a WebP file's EXIF chunk, read from the file's bytes
/// (chunks walked by their sizes, linear in the file).
fn webp_orientation(bytes: &[u8]) -> Orientation {
    let mut at = 12usize;
    while let Some(head) = bytes.get(at..at + 8) {
        let len = u32::from_le_bytes([head[4], head[5], head[6], head[7]]) as usize;
        let body = at + 8;
        if &head[..4] == b"EXIF" {
            let end = body.saturating_add(len).min(bytes.len());
            return bytes
                .get(body..end)
                .and_then(image::metadata::Orientation::from_exif_chunk)
                .map(Orientation::from_image)
                .unwrap_or_default();
        }
        at = body.saturating_add(len).saturating_add(len & 1);
    }
    Orientation::Normal
}

/// Bytes of ICC profile and XMP application extensions before a GIF's
/// first image, walking its blocks by their lengths (linear in the file).
fn gif_metadata_bytes(b: &[u8]) -> u64 {
    let Some(&flags) = b.get(10) else { return 0 };
    let mut at = 13
        + if flags & 0x80 != 0 {
            3usize << ((flags & 7) + 1)
        } else {
            0
        };
    let mut total = 0u64;
    while let (Some(&0x21), Some(&label)) = (b.get(at), b.get(at + 1)) {
        at += 2;
        let mut first = true;
        let mut kept = false;
        // Sub-blocks: a length byte, then that many bytes; 0 ends them.
        while let Some(&len) = b.get(at) {
            at += 1;
            if len == 0 {
                break;
            }
            let data = b.get(at..at + len as usize).unwrap_or(&[]);
            if first && label == 0xff {
                kept = data == b"XMP DataXMP" || data == b"ICCRGBG1012";
            } else if kept {
                total += 1 + len as u64;
            }
            first = false;
            at += len as usize;
        }
    }
    total
}

/// Applies the orientation if asked, and wraps up.
fn finish(
    p: Pixels,
    source: SourceFormat,
    options: &DecodeOptions,
) -> Result<DecodedImage, InputError> {
    let applied = options.apply_orientation && p.orientation != Orientation::Normal;
    let (pixels, width, height, format) = if applied {
        let image = match p.format {
            PixelFormat::Gray8 => image::GrayImage::from_raw(p.width, p.height, p.pixels)
                .map(DynamicImage::ImageLuma8),
            PixelFormat::Rgba8 => image::RgbaImage::from_raw(p.width, p.height, p.pixels)
                .map(DynamicImage::ImageRgba8),
            _ => {
                image::RgbImage::from_raw(p.width, p.height, p.pixels).map(DynamicImage::ImageRgb8)
            }
        };
        let mut image = image
            .ok_or_else(|| InputError::Decode("decoded buffer does not match its size".into()))?;
        image.apply_orientation(to_image_orientation(p.orientation));
        let (w, h) = (image.width(), image.height());
        let (pixels, format) = into_pixels(image);
        (pixels, w, h, format)
    } else {
        (p.pixels, p.width, p.height, p.format)
    };
    Ok(DecodedImage {
        pixels,
        width,
        height,
        format,
        orientation: p.orientation,
        orientation_applied: applied,
        source,
        downscale: p.downscale,
    })
}

fn check_size_nonzero(width: u32, height: u32, limits: &DecodeLimits) -> Result<(), InputError> {
    if width == 0 || height == 0 {
        return Err(InputError::InvalidDimensions {
            width: width as u64,
            height: height as u64,
        });
    }
    check_size(width, height, limits)
}

fn check_memory(peak_bytes: u64, limits: &DecodeLimits) -> Result<(), InputError> {
    if peak_bytes > limits.max_alloc_bytes {
        return Err(InputError::TooLarge(LimitExceeded::Memory {
            bytes: peak_bytes,
            max: limits.max_alloc_bytes,
        }));
    }
    Ok(())
}

/// The side and pixel-count limits.
fn check_size(width: u32, height: u32, limits: &DecodeLimits) -> Result<(), InputError> {
    if width > limits.max_side || height > limits.max_side {
        return Err(InputError::TooLarge(LimitExceeded::Side {
            width,
            height,
            max: limits.max_side,
        }));
    }
    let pixels = width as u64 * height as u64;
    if pixels > limits.max_pixels {
        return Err(InputError::TooLarge(LimitExceeded::Pixels {
            pixels,
            max: limits.max_pixels,
        }));
    }
    Ok(())
}

/// Memory the `image` crate's decoders take at their peak: the output,
/// plus the 8-bit copy `into_pixels` makes for other layouts (both are
/// alive at once), plus what each decoder holds besides (measured with a
/// counting allocator in `tests/decode_memory.rs`, at 1500x1000: BMP 1.0x
/// the RGB output, GIF 1.0x its RGBA output, TIFF 2.0x, lossless WebP
/// 2.33x): BMP nothing; WebP its ARGB buffer; GIF and TIFF a frame or a
/// copy of the output's size.
fn peak_bytes(
    decoded: u64,
    width: u32,
    height: u32,
    colour: image::ColorType,
    source: SourceFormat,
) -> u64 {
    use image::ColorType as C;
    let pixels = width as u64 * height as u64;
    let converted = match colour {
        C::L8 | C::Rgb8 | C::Rgba8 => 0,
        C::L16 => pixels,
        C::Rgba16 => pixels * 4,
        // Grey+alpha becomes RGB; float and 16-bit RGB become 8-bit RGB.
        _ => pixels * 3,
    };
    let working = match source {
        SourceFormat::Bmp => 0,
        // Lossless WebP decodes into 4-byte ARGB first (lossy: YUV planes).
        SourceFormat::WebP => decoded.max(pixels * 4),
        _ => decoded,
    };
    decoded.saturating_add(converted).saturating_add(working)
}

fn to_image_orientation(o: Orientation) -> image::metadata::Orientation {
    use image::metadata::Orientation as O;
    match o {
        Orientation::Normal => O::NoTransforms,
        Orientation::FlipHorizontal => O::FlipHorizontal,
        Orientation::Rotate180 => O::Rotate180,
        Orientation::FlipVertical => O::FlipVertical,
        Orientation::Transpose => O::Rotate90FlipH,
        Orientation::Rotate90 => O::Rotate90,
        Orientation::Transverse => O::Rotate270FlipH,
        Orientation::Rotate270 => O::Rotate270,
    }
}

fn map_image_error(e: image::ImageError) -> InputError {
    use image::error::ImageError as E;
    match e {
        // The decoder's own size/allocation checks, hit while parsing.
        E::Limits(_) => InputError::TooLarge(LimitExceeded::Decoder),
        E::Unsupported(u) => {
            let format = match u.format_hint() {
                image::error::ImageFormatHint::Exact(ImageFormat::Gif) => "GIF",
                image::error::ImageFormatHint::Exact(ImageFormat::WebP) => "WebP",
                image::error::ImageFormatHint::Exact(ImageFormat::Bmp) => "BMP",
                image::error::ImageFormatHint::Exact(ImageFormat::Tiff) => "TIFF",
                _ => "image",
            };
            InputError::UnsupportedFormat {
                format,
                detail: Some(u.to_string()),
            }
        }
        E::IoError(io) => InputError::decoder(io),
        other => InputError::decoder(other),
    }
}

/// Converts to one of the three 8-bit layouts, taking the high byte of
/// 16-bit samples (not image-rs's rounding `v / 257`).
fn into_pixels(image: DynamicImage) -> (Vec<u8>, PixelFormat) {
    fn hi(v: u16) -> u8 {
        (v >> 8) as u8
    }
    match image {
        DynamicImage::ImageLuma8(b) => (b.into_raw(), PixelFormat::Gray8),
        DynamicImage::ImageRgb8(b) => (b.into_raw(), PixelFormat::Rgb8),
        DynamicImage::ImageRgba8(b) => (b.into_raw(), PixelFormat::Rgba8),
        DynamicImage::ImageLumaA8(b) => (
            b.into_raw()
                .chunks_exact(2)
                .flat_map(|p| [p[0], p[0], p[0]])
                .collect(),
            PixelFormat::Rgb8,
        ),
        DynamicImage::ImageLuma16(b) => (
            b.into_raw().into_iter().map(hi).collect(),
            PixelFormat::Gray8,
        ),
        DynamicImage::ImageLumaA16(b) => (
            b.into_raw()
                .chunks_exact(2)
                .flat_map(|p| [hi(p[0]); 3])
                .collect(),
            PixelFormat::Rgb8,
        ),
        DynamicImage::ImageRgb16(b) => (
            b.into_raw().into_iter().map(hi).collect(),
            PixelFormat::Rgb8,
        ),
        DynamicImage::ImageRgba16(b) => (
            b.into_raw().into_iter().map(hi).collect(),
            PixelFormat::Rgba8,
        ),
        other => (other.to_rgb8().into_raw(), PixelFormat::Rgb8),
    }
}
