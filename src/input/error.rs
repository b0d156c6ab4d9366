use std::fmt;

/// Why pixels could not be obtained. Messages never contain pixel data.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InputError {
    /// Width or height is zero, or a size computation overflowed.
    #[error("invalid dimensions {width}x{height}")]
    InvalidDimensions {
        /// The width given or read.
        width: u64,
        /// The height given or read.
        height: u64,
    },
    /// The row stride is smaller than one row of pixels.
    #[error("row stride {stride} is smaller than a row of {row_bytes} bytes")]
    StrideTooSmall {
        /// The stride given, in bytes.
        stride: usize,
        /// The bytes one row of pixels takes.
        row_bytes: usize,
    },
    /// The buffer is shorter than the view needs.
    #[error("pixel buffer has {actual} bytes, the view needs {needed}")]
    BufferTooSmall {
        /// The bytes the view needs.
        needed: usize,
        /// The bytes given.
        actual: usize,
    },
    /// The image is larger than the configured limits.
    #[error("image too large: {0}")]
    TooLarge(LimitExceeded),
    /// A recognised format (or a feature of one) percept does not decode:
    /// HEIF/HEIC, AVIF, JPEG XL, SVG, ICO, 12-bit or arithmetic-coded
    /// JPEG... Decode it with the platform's image decoder and pass the
    /// pixels through a [`PixelView`](crate::PixelView).
    #[error("{format} is not supported{}: decode it with the platform's image decoder and pass the pixels", .detail.as_deref().map(|s| format!(" ({s})")).unwrap_or_default())]
    UnsupportedFormat {
        /// The format's name: fixed text, never taken from the input.
        format: &'static str,
        /// The decoder's words on what is unsupported (may quote the input).
        detail: Option<String>,
    },
    /// Not a format percept recognises (text, random bytes, an unknown
    /// container).
    #[error("unrecognised format: not a JPEG, PNG, GIF, WebP, BMP or TIFF image, nor a known unsupported one")]
    UnrecognisedFormat,
    /// The data is corrupt or truncated.
    #[error("corrupt or truncated image: {0}")]
    Decode(String),
    /// Reading the file failed.
    #[error("cannot read file: {0}")]
    Io(#[from] std::io::Error),
}

impl InputError {
    /// [`InputError::Decode`] with a decoder's own words, on one line:
    /// trimmed, line breaks as spaces (the CLI's JSON and CSV records and
    /// the C ABI's last-error message carry it as one line).
    pub(crate) fn decoder(message: impl fmt::Display) -> Self {
        let text = message.to_string();
        InputError::Decode(text.split_whitespace().collect::<Vec<_>>().join(" "))
    }
}

/// Which limit an image exceeded.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LimitExceeded {
    /// Width or height above the maximum side length.
    Side {
        /// The image's width.
        width: u32,
        /// The image's height.
        height: u32,
        /// The largest side allowed.
        max: u32,
    },
    /// More pixels than allowed.
    Pixels {
        /// The image's pixel count.
        pixels: u64,
        /// The most allowed.
        max: u64,
    },
    /// The decoded buffer would need more bytes than allowed.
    Memory {
        /// The decode's estimated peak.
        bytes: u64,
        /// The budget.
        max: u64,
    },
    /// The encoded input is larger than allowed.
    InputBytes {
        /// The input's size.
        bytes: u64,
        /// The most allowed.
        max: u64,
    },
    /// The decoder's own size or allocation limit, reached while parsing.
    Decoder,
}

impl fmt::Display for LimitExceeded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LimitExceeded::Side { width, height, max } => {
                write!(f, "{width}x{height} has a side above {max} pixels")
            }
            LimitExceeded::Pixels { pixels, max } => {
                write!(f, "{pixels} pixels, the limit is {max}")
            }
            LimitExceeded::Memory { bytes, max } => {
                write!(f, "decoding needs {bytes} bytes, the limit is {max}")
            }
            LimitExceeded::InputBytes { bytes, max } => {
                write!(f, "input is {bytes} bytes, the limit is {max}")
            }
            LimitExceeded::Decoder => f.write_str("the decoder's size or memory limit was reached"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoder_messages_are_one_trimmed_line() {
        let e = InputError::decoder("expected 64 but found 6\n");
        assert_eq!(
            e.to_string(),
            "corrupt or truncated image: expected 64 but found 6"
        );
        let e = InputError::decoder("  two\r\nlines\t here ");
        assert!(matches!(e, InputError::Decode(ref m) if m == "two lines here"));
    }
}
