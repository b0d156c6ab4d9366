//! Decoding encoded images (JPEG, PNG, GIF first frame, WebP, BMP, TIFF)
//! through the `image` crate, with limits checked from the header before the
//! pixel buffer is allocated.

use std::io::{Cursor, Read};
use std::path::Path;

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader};

use super::error::{InputError, LimitExceeded};
use super::view::{PixelFormat, PixelView};

/// Limits applied while decoding. Construct with `DecodeLimits::default()`
/// and adjust fields; new fields may be added.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct DecodeLimits {
    /// Maximum width x height (default 128 megapixels).
    pub max_pixels: u64,
    /// Maximum width and maximum height (default 65,535).
    pub max_side: u32,
    /// Maximum bytes the decoder may allocate (default 1 GiB).
    pub max_alloc_bytes: u64,
    /// Maximum size of the encoded input (default 256 MiB).
    pub max_input_bytes: u64,
}

impl Default for DecodeLimits {
    fn default() -> Self {
        DecodeLimits {
            max_pixels: 128_000_000,
            max_side: 65_535,
            max_alloc_bytes: 1 << 30,
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

    let mut image_limits = image::Limits::default();
    image_limits.max_image_width = Some(limits.max_side);
    image_limits.max_image_height = Some(limits.max_side);
    image_limits.max_alloc = Some(limits.max_alloc_bytes);
    reader.limits(image_limits);

    let mut decoder = reader.into_decoder().map_err(map_image_error)?;
    let (width, height) = decoder.dimensions();
    check_dimensions(width, height, decoder.total_bytes(), limits)?;
    // A broken EXIF block is not a reason to refuse the pixels.
    let orientation = decoder
        .orientation()
        .map(Orientation::from_image)
        .unwrap_or_default();
    let mut image = DynamicImage::from_decoder(decoder).map_err(map_image_error)?;

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
    })
}

fn check_dimensions(
    width: u32,
    height: u32,
    total_bytes: u64,
    limits: &DecodeLimits,
) -> Result<(), InputError> {
    if width == 0 || height == 0 {
        return Err(InputError::InvalidDimensions {
            width: width as u64,
            height: height as u64,
        });
    }
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
    if total_bytes > limits.max_alloc_bytes {
        return Err(InputError::TooLarge(LimitExceeded::Memory {
            bytes: total_bytes,
            max: limits.max_alloc_bytes,
        }));
    }
    Ok(())
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
