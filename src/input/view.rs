//! A borrowed, validated view over caller-owned pixels.

use super::error::InputError;
use super::trim::Region;

/// Pixel layouts that phones and decoders hand over.
///
/// 16-bit formats hold native-endian `u16` samples; PDQ uses the high byte of
/// each (what an 8-bit conversion by truncation gives). Alpha is ignored, as
/// the reference drops it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PixelFormat {
    /// R, G, B bytes.
    Rgb8,
    /// R, G, B, A bytes (Android `ARGB_8888` bitmaps are laid out like this in memory).
    Rgba8,
    /// B, G, R, A bytes (iOS `kCVPixelFormatType_32BGRA`).
    Bgra8,
    /// A, R, G, B bytes.
    Argb8,
    /// One grey byte: hashed through the reference's greyscale path.
    Gray8,
    /// One native-endian `u16` grey sample (high byte used, greyscale path).
    Gray16,
    /// Native-endian `u16` R, G, B samples (high bytes used).
    Rgb16,
    /// Native-endian `u16` R, G, B, A samples (high bytes used).
    Rgba16,
}

/// Where the colour samples sit inside one pixel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Channels {
    /// One grey sample at this byte offset (of the high byte).
    Grey { at: usize },
    /// R, G, B at these byte offsets (of the high bytes).
    Rgb { r: usize, g: usize, b: usize },
}

impl PixelFormat {
    /// Every format, for callers that enumerate them (tests, fuzzers).
    pub const ALL: [PixelFormat; 8] = [
        PixelFormat::Rgb8,
        PixelFormat::Rgba8,
        PixelFormat::Bgra8,
        PixelFormat::Argb8,
        PixelFormat::Gray8,
        PixelFormat::Gray16,
        PixelFormat::Rgb16,
        PixelFormat::Rgba16,
    ];

    /// Bytes per pixel.
    pub const fn bytes_per_pixel(self) -> usize {
        match self {
            PixelFormat::Gray8 => 1,
            PixelFormat::Gray16 => 2,
            PixelFormat::Rgb8 => 3,
            PixelFormat::Rgba8 | PixelFormat::Bgra8 | PixelFormat::Argb8 => 4,
            PixelFormat::Rgb16 => 6,
            PixelFormat::Rgba16 => 8,
        }
    }

    /// True for the formats that take the reference's greyscale path
    /// (luma = grey value, no RGB coefficients).
    pub const fn is_grey(self) -> bool {
        matches!(self, PixelFormat::Gray8 | PixelFormat::Gray16)
    }

    pub(crate) const fn channels(self) -> Channels {
        // Offset of the high byte of a native-endian u16 sample.
        const HI: usize = if cfg!(target_endian = "little") { 1 } else { 0 };
        match self {
            PixelFormat::Gray8 => Channels::Grey { at: 0 },
            PixelFormat::Gray16 => Channels::Grey { at: HI },
            PixelFormat::Rgb8 | PixelFormat::Rgba8 => Channels::Rgb { r: 0, g: 1, b: 2 },
            PixelFormat::Bgra8 => Channels::Rgb { r: 2, g: 1, b: 0 },
            PixelFormat::Argb8 => Channels::Rgb { r: 1, g: 2, b: 3 },
            PixelFormat::Rgb16 | PixelFormat::Rgba16 => Channels::Rgb {
                r: HI,
                g: 2 + HI,
                b: 4 + HI,
            },
        }
    }
}

/// Borrowed pixels: `height` rows of `width` pixels, rows `stride` bytes apart.
///
/// Construction checks every size against the buffer, so reading any pixel
/// of a `PixelView` is in bounds.
#[derive(Clone, Copy, Debug)]
pub struct PixelView<'a> {
    data: &'a [u8],
    width: usize,
    height: usize,
    stride: usize,
    format: PixelFormat,
}

impl<'a> PixelView<'a> {
    /// A view with an explicit row stride in bytes (`stride >= width * bpp`).
    /// The last row needs only `width * bpp` bytes, not a full stride.
    pub fn new(
        data: &'a [u8],
        width: u32,
        height: u32,
        stride: usize,
        format: PixelFormat,
    ) -> Result<Self, InputError> {
        let bad_dims = || InputError::InvalidDimensions {
            width: width as u64,
            height: height as u64,
        };
        if width == 0 || height == 0 {
            return Err(bad_dims());
        }
        let (w, h) = (width as usize, height as usize);
        let row_bytes = w
            .checked_mul(format.bytes_per_pixel())
            .ok_or_else(bad_dims)?;
        if stride < row_bytes {
            return Err(InputError::StrideTooSmall { stride, row_bytes });
        }
        let needed = (h - 1)
            .checked_mul(stride)
            .and_then(|n| n.checked_add(row_bytes))
            .ok_or_else(bad_dims)?;
        if data.len() < needed {
            return Err(InputError::BufferTooSmall {
                needed,
                actual: data.len(),
            });
        }
        Ok(PixelView {
            data,
            width: w,
            height: h,
            stride,
            format,
        })
    }

    /// A view over tightly packed rows (`stride = width * bpp`).
    pub fn packed(
        data: &'a [u8],
        width: u32,
        height: u32,
        format: PixelFormat,
    ) -> Result<Self, InputError> {
        let stride = (width as usize)
            .checked_mul(format.bytes_per_pixel())
            .ok_or(InputError::InvalidDimensions {
                width: width as u64,
                height: height as u64,
            })?;
        Self::new(data, width, height, stride, format)
    }

    /// Width in pixels (at least 1).
    pub fn width(&self) -> usize {
        self.width
    }

    /// Height in pixels (at least 1).
    pub fn height(&self) -> usize {
        self.height
    }

    /// Row stride in bytes.
    pub fn stride(&self) -> usize {
        self.stride
    }

    /// Pixel format.
    pub fn format(&self) -> PixelFormat {
        self.format
    }

    /// The pixels inside `region`, as a view of the same buffer (no copy).
    /// Fails with [`InputError::InvalidDimensions`] when the region is
    /// empty or reaches outside the view.
    pub fn crop(&self, region: Region) -> Result<PixelView<'a>, InputError> {
        let invalid = InputError::InvalidDimensions {
            width: region.width as u64,
            height: region.height as u64,
        };
        let fits = |start: usize, len: usize, total: usize| {
            len > 0 && start.checked_add(len).is_some_and(|end| end <= total)
        };
        if !fits(region.x, region.width, self.width) || !fits(region.y, region.height, self.height)
        {
            return Err(invalid);
        }
        let bpp = self.format.bytes_per_pixel();
        // In bounds: the view's rows hold `width * bpp` bytes each, and the
        // region lies inside them (checked above).
        let start = region.y * self.stride + region.x * bpp;
        Ok(PixelView {
            data: &self.data[start..],
            width: region.width,
            height: region.height,
            stride: self.stride,
            format: self.format,
        })
    }

    /// The bytes of row `y`: exactly `width * bytes_per_pixel` of them.
    ///
    /// # Panics
    /// If `y >= height` (callers iterate `0..height`).
    pub fn row(&self, y: usize) -> &'a [u8] {
        assert!(y < self.height, "row {y} out of 0..{}", self.height);
        let start = y * self.stride;
        &self.data[start..start + self.width * self.format.bytes_per_pixel()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_bad_views() {
        let buf = [0u8; 100];
        assert!(matches!(
            PixelView::new(&buf, 0, 1, 3, PixelFormat::Rgb8),
            Err(InputError::InvalidDimensions { .. })
        ));
        assert!(matches!(
            PixelView::new(&buf, 4, 2, 11, PixelFormat::Rgb8),
            Err(InputError::StrideTooSmall { .. })
        ));
        // Exactly enough bytes is fine.
        assert!(PixelView::new(&buf, 5, 5, 20, PixelFormat::Rgba8).is_ok());
        assert!(matches!(
            PixelView::new(&buf, 5, 6, 20, PixelFormat::Rgba8),
            Err(InputError::BufferTooSmall {
                needed: 120,
                actual: 100
            })
        ));
        assert!(PixelView::new(&buf, u32::MAX, u32::MAX, usize::MAX, PixelFormat::Rgba16).is_err());
    }

    #[test]
    fn crops_share_the_buffer_and_stay_inside() {
        let buf: Vec<u8> = (0..4 * 3 * 3).map(|i| i as u8).collect();
        let v = PixelView::packed(&buf, 4, 3, PixelFormat::Rgb8).unwrap();
        let r = Region {
            x: 1,
            y: 1,
            width: 3,
            height: 2,
        };
        let c = v.crop(r).unwrap();
        assert_eq!((c.width(), c.height(), c.stride()), (3, 2, 12));
        assert_eq!(c.row(0), &buf[15..24]);
        assert_eq!(c.row(1), &buf[27..36]);
        for bad in [
            Region { x: 2, ..r },
            Region { y: 2, ..r },
            Region { width: 0, ..r },
            Region { x: usize::MAX, ..r },
        ] {
            assert!(v.crop(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn last_row_needs_no_padding() {
        let buf = [0u8; 2 * 16 + 12];
        let v = PixelView::new(&buf, 4, 3, 16, PixelFormat::Rgb8).unwrap();
        assert_eq!(v.row(2).len(), 12);
    }
}
