//! Image sizes read from headers by this crate, independently of the
//! decoders. They never decide whether an image is decoded (the decoder's
//! own header parsing does, see `decode.rs`); they classify a decoder's
//! refusal (a file whose header has a zero side is an invalid-dimensions
//! error in every format, whatever words its decoder used) and they are
//! checked against the decoders' sizes in the tests.
//!
//! Every read is bounds-checked and every loop advances through the file,
//! so a hostile header costs time linear in its length.

use super::decode::SourceFormat;
use super::jpeg;

/// Width and height as the file's header states them, or `None` when the
/// header is too short or malformed to say.
pub(crate) fn size(format: SourceFormat, b: &[u8]) -> Option<(u64, u64)> {
    match format {
        SourceFormat::Png => {
            (b.get(12..16)? == b"IHDR").then_some(())?;
            Some((be32(b, 16)? as u64, be32(b, 20)? as u64))
        }
        SourceFormat::Jpeg => {
            let frame = jpeg::Layout::parse(b).frame?;
            Some((frame.width as u64, frame.height as u64))
        }
        SourceFormat::Gif => Some((le16(b, 6)? as u64, le16(b, 8)? as u64)),
        SourceFormat::Bmp => bmp(b),
        SourceFormat::WebP => webp(b),
        SourceFormat::Tiff => tiff(b),
    }
}

fn le16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}
fn le32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}
fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// BMP: the 12-byte OS/2 core header stores unsigned 16-bit sides; every
/// longer header (OS/2 2.x, BITMAPINFOHEADER and its V2-V5 extensions)
/// signed 32-bit ones, a negative height meaning rows stored top-down.
fn bmp(b: &[u8]) -> Option<(u64, u64)> {
    let header = le32(b, 14)?;
    if header == 12 {
        return Some((le16(b, 18)? as u64, le16(b, 20)? as u64));
    }
    let w = le32(b, 18)? as i32;
    let h = le32(b, 22)? as i32;
    Some((w.unsigned_abs() as u64, h.unsigned_abs() as u64))
}

/// WebP: the first chunk after the RIFF header. VP8X states the canvas
/// (24-bit sides minus one); VP8L 14-bit sides minus one after its
/// signature byte; VP8 (lossy) 14-bit sides after the key frame's start
/// code, the top two bits of each being an upscaling hint, not size.
fn webp(b: &[u8]) -> Option<(u64, u64)> {
    let u24 = |at: usize| -> Option<u64> {
        let s = b.get(at..at + 3)?;
        Some(u64::from(s[0]) | u64::from(s[1]) << 8 | u64::from(s[2]) << 16)
    };
    match b.get(12..16)? {
        b"VP8X" => Some((u24(24)? + 1, u24(27)? + 1)),
        b"VP8L" => {
            (*b.get(20)? == 0x2f).then_some(())?;
            let bits = le32(b, 21)?;
            Some((
                u64::from(bits & 0x3fff) + 1,
                u64::from((bits >> 14) & 0x3fff) + 1,
            ))
        }
        b"VP8 " => {
            (b.get(23..26)? == [0x9d, 0x01, 0x2a]).then_some(())?;
            Some((
                u64::from(le16(b, 26)? & 0x3fff),
                u64::from(le16(b, 28)? & 0x3fff),
            ))
        }
        _ => None,
    }
}

/// TIFF and BigTIFF: ImageWidth (256) and ImageLength (257) of the first
/// IFD, stored as SHORT, LONG or (BigTIFF) LONG8.
fn tiff(b: &[u8]) -> Option<(u64, u64)> {
    let little = match b.get(0..2)? {
        b"II" => true,
        b"MM" => false,
        _ => return None,
    };
    let rd = |at: usize, n: usize| -> Option<u64> {
        let s = b.get(at..at.checked_add(n)?)?;
        let mut v = 0u64;
        for i in 0..n {
            let byte = if little { s[n - 1 - i] } else { s[i] };
            v = v << 8 | u64::from(byte);
        }
        Some(v)
    };
    let big = rd(2, 2)? == 43;
    let (ifd, count_len, entry_len, value_at) = if big {
        (rd(8, 8)?, 8, 20, 12)
    } else {
        (rd(4, 4)?, 2, 12, 8)
    };
    let ifd = usize::try_from(ifd).ok()?;
    let entries = rd(ifd, count_len)?;
    let (mut w, mut h) = (None, None);
    for i in 0..entries.min(4096) as usize {
        let e = ifd + count_len + i * entry_len;
        let tag = rd(e, 2)?;
        let kind = rd(e + 2, 2)?;
        let value = match kind {
            3 => rd(e + value_at, 2)?,
            4 => rd(e + value_at, 4)?,
            16 => rd(e + value_at, 8)?,
            _ => continue,
        };
        match tag {
            256 => w = Some(value),
            257 => h = Some(value),
            _ => {}
        }
    }
    Some((w?, h?))
}
