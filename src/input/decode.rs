//! Decoding encoded images (JPEG, PNG, GIF first frame, WebP, BMP, TIFF)
//! through the `image` crate, with limits checked from the header before the
//! pixel buffer is allocated.

use std::io::{Cursor, Read};
use std::path::Path;

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader};

use super::error::{InputError, LimitExceeded};
use super::fast_jpeg::{self, JpegScaling};
use super::view::{PixelFormat, PixelView};

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
    /// anything is allocated: the decoded pixels, a conversion to 8-bit
    /// samples if needed, and a progressive JPEG's coefficient buffers
    /// (default 200 MiB: a 52 MP RGBA or 69 MP RGB image).
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

    fn from_image(o: image::metadata::Orientation) -> Self {
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
    Jpeg,
    Png,
    Gif,
    WebP,
    Bmp,
    Tiff,
}

impl SourceFormat {
    fn from_image(f: ImageFormat) -> Option<Self> {
        Some(match f {
            ImageFormat::Jpeg => SourceFormat::Jpeg,
            ImageFormat::Png => SourceFormat::Png,
            ImageFormat::Gif => SourceFormat::Gif,
            ImageFormat::WebP => SourceFormat::WebP,
            ImageFormat::Bmp => SourceFormat::Bmp,
            ImageFormat::Tiff => SourceFormat::Tiff,
            _ => return None,
        })
    }
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
    pub fn width(&self) -> u32 {
        self.width
    }
    pub fn height(&self) -> u32 {
        self.height
    }
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
pub fn decode_file(path: &Path, options: &DecodeOptions) -> Result<DecodedImage, InputError> {
    let bytes = read_file_limited(path, options.limits.max_input_bytes)?;
    decode_bytes(&bytes, options)
}

/// Reads a whole file, refusing one larger than `max` bytes (checked from
/// its size first, and again while reading, in case it grows).
pub fn read_file_limited(path: &Path, max: u64) -> Result<Vec<u8>, InputError> {
    let file = std::fs::File::open(path)?;
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
pub fn decode_bytes(bytes: &[u8], options: &DecodeOptions) -> Result<DecodedImage, InputError> {
    let limits = &options.limits;
    if bytes.len() as u64 > limits.max_input_bytes {
        return Err(InputError::TooLarge(LimitExceeded::InputBytes {
            bytes: bytes.len() as u64,
            max: limits.max_input_bytes,
        }));
    }
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(InputError::Io)?;
    let format = reader.format().ok_or(InputError::UnsupportedFormat(None))?;
    let source = SourceFormat::from_image(format)
        .ok_or_else(|| InputError::UnsupportedFormat(Some(format!("{format:?}"))))?;

    // Dimensions straight from the header, before any decoder runs: a tiny
    // file claiming a huge canvas is refused here whatever the decoder
    // would have done with it.
    if let Ok(size) = imagesize::blob_size(bytes) {
        let side = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
        let (w, h) = (side(size.width), side(size.height));
        check_size(w, h, limits)?;
        // A progressive JPEG holds every coefficient until its last scan:
        // refuse one too big for that from the header alone (the decoder
        // would first need valid tables to say so itself).
        if source == SourceFormat::Jpeg && jpeg_is_progressive(bytes) {
            let peak = peak_bytes(0, w, h, image::ColorType::Rgb8, true)
                .saturating_add(w as u64 * h as u64 * 3);
            if peak > limits.max_alloc_bytes {
                return Err(InputError::TooLarge(LimitExceeded::Memory {
                    bytes: peak,
                    max: limits.max_alloc_bytes,
                }));
            }
        }
    }

    let mut image_limits = image::Limits::default();
    image_limits.max_image_width = Some(limits.max_side);
    image_limits.max_image_height = Some(limits.max_side);
    image_limits.max_alloc = Some(limits.max_alloc_bytes);
    reader.limits(image_limits);

    let mut decoder = reader.into_decoder().map_err(map_image_error)?;
    let (width, height) = decoder.dimensions();
    let full_peak = peak_bytes(
        decoder.total_bytes(),
        width,
        height,
        decoder.color_type(),
        source == SourceFormat::Jpeg && jpeg_is_progressive(bytes),
    );
    let scaled = match source {
        SourceFormat::Jpeg => fast_jpeg::plan(options.jpeg_scaling, bytes, width, height),
        _ => None,
    };
    // A scaled decode needs less memory; the full decode is checked again
    // below before it runs, should the scaled one fail.
    check_dimensions(
        width,
        height,
        scaled.map_or(full_peak, |plan| plan.peak_bytes),
        limits,
    )?;
    // A broken EXIF block is not a reason to refuse the pixels.
    let orientation = decoder
        .orientation()
        .map(Orientation::from_image)
        .unwrap_or_default();
    // The JPEG decoder fills a cut-off scan with grey instead of failing:
    // a file that ends before its end-of-image marker is refused here, as
    // libjpeg-based tools report it, rather than hashed as a different image.
    if source == SourceFormat::Jpeg && !jpeg_is_complete(bytes) {
        return Err(InputError::Decode(
            "truncated JPEG (no end-of-image marker after the scan data)".into(),
        ));
    }
    // The fast profile falls back to the full decode whenever the scaled
    // decoder refuses the file, so it never rejects what the exact profile
    // accepts; `downscale` then says 1.
    let scaled_image = scaled.and_then(|plan| {
        fast_jpeg::decode_scaled(bytes, plan, width, height, limits)
            .ok()
            .map(|image| (image, plan.denominator))
    });
    let (mut image, downscale) = match scaled_image {
        Some(done) => done,
        None => {
            check_dimensions(width, height, full_peak, limits)?;
            (
                DynamicImage::from_decoder(decoder).map_err(map_image_error)?,
                1,
            )
        }
    };
    let (width, height) = (image.width(), image.height());

    let applied = options.apply_orientation && orientation != Orientation::Normal;
    if applied {
        image.apply_orientation(to_image_orientation(orientation));
    }
    let (pixels, format) = into_pixels(image, is_grey_png(bytes, source));
    let (width, height) = if applied && orientation_swaps_sides(orientation) {
        (height, width)
    } else {
        (width, height)
    };
    Ok(DecodedImage {
        pixels,
        width,
        height,
        format,
        orientation,
        orientation_applied: applied,
        source,
        downscale,
    })
}

fn check_dimensions(
    width: u32,
    height: u32,
    peak_bytes: u64,
    limits: &DecodeLimits,
) -> Result<(), InputError> {
    if width == 0 || height == 0 {
        return Err(InputError::InvalidDimensions {
            width: width as u64,
            height: height as u64,
        });
    }
    check_size(width, height, limits)?;
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

/// Memory decoding takes at its peak: the decoder's output, plus the 8-bit
/// copy `into_pixels` makes for other layouts (both are alive at once),
/// plus a progressive JPEG's coefficients (2 bytes per sample per
/// component, all held until the last scan).
fn peak_bytes(
    decoded: u64,
    width: u32,
    height: u32,
    colour: image::ColorType,
    progressive_jpeg: bool,
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
    let coefficients = if progressive_jpeg {
        pixels.saturating_mul(2 * colour.channel_count() as u64)
    } else {
        0
    };
    decoded
        .saturating_add(converted)
        .saturating_add(coefficients)
}

/// Whether an end-of-image marker follows the first scan's start. Inside
/// entropy-coded data 0xFF is always followed by 0x00 or a restart marker,
/// so 0xFF 0xD9 there can only be the end of the image; markers before the
/// scan (where an EXIF thumbnail may hide its own) are skipped by length.
fn jpeg_is_complete(b: &[u8]) -> bool {
    let Some(scan) = jpeg_marker(b, |m| m == 0xda) else {
        return false;
    };
    // From the end: a complete file has its marker there (or before a
    // short trailer), so this reads a few bytes, not the whole scan.
    b[scan..].windows(2).rev().any(|w| w == [0xff, 0xd9])
}

/// Offset of the first marker segment before the scan data for which
/// `want(marker)` holds, walking segments by their lengths.
pub(super) fn jpeg_marker(b: &[u8], want: impl Fn(u8) -> bool) -> Option<usize> {
    let mut i = 2; // after SOI
    for _ in 0..4096 {
        let (Some(&0xff), Some(&marker)) = (b.get(i), b.get(i + 1)) else {
            return None;
        };
        if want(marker) {
            return Some(i);
        }
        match marker {
            0xff => i += 1, // fill byte
            0x01 | 0xd0..=0xd8 => i += 2,
            0xd9 | 0xda => return None,
            _ => {
                let (Some(&hi), Some(&lo)) = (b.get(i + 2), b.get(i + 3)) else {
                    return None;
                };
                i += 2 + (u16::from_be_bytes([hi, lo]) as usize);
            }
        }
    }
    None
}

/// Whether a JPEG's frame header is one of the progressive kinds (SOF2,
/// SOF6, SOF10, SOF14), found by walking the marker segments before it.
fn jpeg_is_progressive(b: &[u8]) -> bool {
    let is_frame = |m: u8| (0xc0..=0xcf).contains(&m) && !matches!(m, 0xc4 | 0xc8 | 0xcc);
    jpeg_marker(b, is_frame)
        .and_then(|i| b.get(i + 1))
        .is_some_and(|m| matches!(m, 0xc2 | 0xc6 | 0xca | 0xce))
}

fn orientation_swaps_sides(o: Orientation) -> bool {
    matches!(
        o,
        Orientation::Transpose
            | Orientation::Rotate90
            | Orientation::Transverse
            | Orientation::Rotate270
    )
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
        E::Unsupported(u) => InputError::UnsupportedFormat(Some(u.to_string())),
        E::IoError(io) => InputError::Decode(io.to_string()),
        other => InputError::Decode(other.to_string()),
    }
}

/// A greyscale PNG (IHDR colour type 0) whose `tRNS` chunk makes the decoder
/// add an alpha channel is still a grey image to every reference pipeline
/// (Pillow opens it as mode L), so it keeps the grey path.
fn is_grey_png(bytes: &[u8], source: SourceFormat) -> bool {
    const COLOUR_TYPE_AT: usize = 8 + 4 + 4 + 4 + 4 + 1;
    source == SourceFormat::Png
        && bytes.get(12..16) == Some(b"IHDR".as_slice())
        && bytes.get(COLOUR_TYPE_AT) == Some(&0)
}

/// Converts to one of the three 8-bit layouts, taking the high byte of
/// 16-bit samples (not image-rs's rounding `v / 257`).
fn into_pixels(image: DynamicImage, grey_source: bool) -> (Vec<u8>, PixelFormat) {
    fn hi(v: u16) -> u8 {
        (v >> 8) as u8
    }
    match image {
        DynamicImage::ImageLumaA8(b) if grey_source => (
            b.into_raw().chunks_exact(2).map(|p| p[0]).collect(),
            PixelFormat::Gray8,
        ),
        DynamicImage::ImageLumaA16(b) if grey_source => (
            b.into_raw().chunks_exact(2).map(|p| hi(p[0])).collect(),
            PixelFormat::Gray8,
        ),
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
