//! `percept_pixel_format`, and pixel views over caller buffers.

use super::boundary::byte_slice;
use super::status::{Failure, PERCEPT_STATUS_UNSUPPORTED_FORMAT};
use crate::input::{PixelFormat, PixelView};

/// The layout of one pixel in a caller's buffer (`PERCEPT_PIXEL_FORMAT_*`).
/// Alpha is ignored (not composited), as Meta's reference does. 16-bit
/// formats hold native-endian `uint16_t` samples, of which the high byte is
/// used.
pub type percept_pixel_format = u32;

/// R, G, B, A bytes (Android `Bitmap.Config.ARGB_8888` in memory, iOS
/// `kCGImageAlphaPremultipliedLast` with big-endian byte order). 4 bytes.
pub const PERCEPT_PIXEL_FORMAT_RGBA8: percept_pixel_format = 1;
/// B, G, R, A bytes (iOS `kCVPixelFormatType_32BGRA`, CGImage
/// `kCGBitmapByteOrder32Little | kCGImageAlphaPremultipliedFirst`). 4 bytes.
pub const PERCEPT_PIXEL_FORMAT_BGRA8: percept_pixel_format = 2;
/// A, R, G, B bytes. 4 bytes.
pub const PERCEPT_PIXEL_FORMAT_ARGB8: percept_pixel_format = 3;
/// R, G, B bytes. 3 bytes.
pub const PERCEPT_PIXEL_FORMAT_RGB8: percept_pixel_format = 4;
/// One grey byte, hashed through the reference's greyscale path. 1 byte.
pub const PERCEPT_PIXEL_FORMAT_GRAY8: percept_pixel_format = 5;
/// One native-endian `uint16_t` grey sample. 2 bytes.
pub const PERCEPT_PIXEL_FORMAT_GRAY16: percept_pixel_format = 6;
/// Native-endian `uint16_t` R, G, B samples. 6 bytes.
pub const PERCEPT_PIXEL_FORMAT_RGB16: percept_pixel_format = 7;
/// Native-endian `uint16_t` R, G, B, A samples. 8 bytes.
pub const PERCEPT_PIXEL_FORMAT_RGBA16: percept_pixel_format = 8;

fn pixel_format(format: percept_pixel_format) -> Result<PixelFormat, Failure> {
    Ok(match format {
        PERCEPT_PIXEL_FORMAT_RGBA8 => PixelFormat::Rgba8,
        PERCEPT_PIXEL_FORMAT_BGRA8 => PixelFormat::Bgra8,
        PERCEPT_PIXEL_FORMAT_ARGB8 => PixelFormat::Argb8,
        PERCEPT_PIXEL_FORMAT_RGB8 => PixelFormat::Rgb8,
        PERCEPT_PIXEL_FORMAT_GRAY8 => PixelFormat::Gray8,
        PERCEPT_PIXEL_FORMAT_GRAY16 => PixelFormat::Gray16,
        PERCEPT_PIXEL_FORMAT_RGB16 => PixelFormat::Rgb16,
        PERCEPT_PIXEL_FORMAT_RGBA16 => PixelFormat::Rgba16,
        other => {
            return Err(Failure::new(
                PERCEPT_STATUS_UNSUPPORTED_FORMAT,
                format!("pixel format {other} is not supported"),
            ))
        }
    })
}

/// A checked view over `data_len` bytes at `data`, the argument `name`.
///
/// # Safety
/// `data` is NULL or points to `data_len` readable bytes that are not
/// written while the view lives.
pub(crate) unsafe fn view<'a>(
    data: *const u8,
    data_len: usize,
    width: u32,
    height: u32,
    stride: usize,
    format: percept_pixel_format,
    name: &'static str,
) -> Result<PixelView<'a>, Failure> {
    // SAFETY: forwarded from this function's contract.
    let data = unsafe { byte_slice(data, data_len, name) }?;
    Ok(PixelView::new(
        data,
        width,
        height,
        stride,
        pixel_format(format)?,
    )?)
}
