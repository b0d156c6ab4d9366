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
        _ => webp_bitstream_size(b.get(12..)?),
    }
}

/// The frame size a `VP8 ` or `VP8L` chunk (header included) states.
pub(crate) fn webp_bitstream_size(chunk: &[u8]) -> Option<(u64, u64)> {
    match chunk.get(0..4)? {
        b"VP8L" => {
            (*chunk.get(8)? == 0x2f).then_some(())?;
            let bits = le32(chunk, 9)?;
            Some((
                u64::from(bits & 0x3fff) + 1,
                u64::from((bits >> 14) & 0x3fff) + 1,
            ))
        }
        b"VP8 " => {
            (chunk.get(11..14)? == [0x9d, 0x01, 0x2a]).then_some(())?;
            Some((
                u64::from(le16(chunk, 14)? & 0x3fff),
                u64::from(le16(chunk, 16)? & 0x3fff),
            ))
        }
        _ => None,
    }
}

/// The largest frame in a WebP file, in pixels, checked against the
/// canvas: every image bitstream (`VP8 `/`VP8L` at the top level, or in
/// an animation frame) and every animation frame must fit in the canvas,
/// as the format requires. The decoder sizes its buffers from the
/// bitstream's own header, so a small canvas around a huge frame would
/// otherwise escape the memory estimate. Chunks are walked by their sizes
/// (linear in the file).
pub(crate) fn webp_largest_frame(b: &[u8], canvas: (u64, u64)) -> Result<u64, String> {
    let fits = |(w, h): (u64, u64), what: &str| {
        if w > canvas.0 || h > canvas.1 {
            Err(format!(
                "WebP {what} {w}x{h} is larger than its {}x{} canvas",
                canvas.0, canvas.1
            ))
        } else {
            Ok(w * h)
        }
    };
    let mut largest = 0;
    let mut at = 12usize;
    while let Some(head) = b.get(at..at + 8) {
        let len = u32::from_le_bytes([head[4], head[5], head[6], head[7]]) as usize;
        let body = at + 8;
        let chunk = b
            .get(at..body.saturating_add(len).min(b.len()))
            .unwrap_or(&[]);
        match &head[..4] {
            b"VP8 " | b"VP8L" => {
                if let Some(size) = webp_bitstream_size(chunk) {
                    largest = largest.max(fits(size, "frame")?);
                }
            }
            b"ANMF" => {
                let u24 = |o: usize| -> u64 {
                    chunk.get(8 + o..8 + o + 3).map_or(0, |s| {
                        u64::from(s[0]) | u64::from(s[1]) << 8 | u64::from(s[2]) << 16
                    })
                };
                let (x, y) = (u24(0) * 2, u24(3) * 2);
                let (w, h) = (u24(6) + 1, u24(9) + 1);
                fits((x + w, y + h), "animation frame (with its offset)")?;
                largest = largest.max(w * h);
                // The frame's own chunks follow its 16-byte header.
                let mut sub = 8 + 16;
                while let Some(sh) = chunk.get(sub..sub + 8) {
                    let sl = u32::from_le_bytes([sh[4], sh[5], sh[6], sh[7]]) as usize;
                    let sc = chunk
                        .get(sub..(sub + 8).saturating_add(sl).min(chunk.len()))
                        .unwrap_or(&[]);
                    if let Some((fw, fh)) = webp_bitstream_size(sc) {
                        if fw > w || fh > h {
                            return Err(format!(
                                "WebP animation frame bitstream {fw}x{fh} is larger than its {w}x{h} frame"
                            ));
                        }
                    }
                    sub = (sub + 8).saturating_add(sl).saturating_add(sl & 1);
                }
            }
            _ => {}
        }
        at = body.saturating_add(len).saturating_add(len & 1);
    }
    Ok(largest)
}

/// The first image descriptor of a GIF (its frame's width and height),
/// after the blocks before it.
pub(crate) fn gif_first_frame(b: &[u8]) -> Option<(u64, u64)> {
    let flags = *b.get(10)?;
    let mut at = 13
        + if flags & 0x80 != 0 {
            3usize << ((flags & 7) + 1)
        } else {
            0
        };
    loop {
        match *b.get(at)? {
            0x2c => return Some((le16(b, at + 5)? as u64, le16(b, at + 7)? as u64)),
            0x21 => {
                at += 2;
                loop {
                    let len = *b.get(at)? as usize;
                    at += 1 + len;
                    if len == 0 {
                        break;
                    }
                }
            }
            _ => return None,
        }
    }
}

/// One entry of a TIFF's first IFD.
struct TiffEntry {
    tag: u64,
    kind: u64,
    count: u64,
    /// The value field read as a SHORT, LONG or (BigTIFF) LONG8 (`kind`
    /// 3, 4, 16); `None` for other kinds or when the file ends first.
    value: Option<u64>,
}

/// Calls `f` on the entries of the first IFD of a TIFF or BigTIFF file, at
/// most `max` of them, in order. `None` when the header or an entry is cut
/// short (the entries before it have been seen). Every step moves forward,
/// so the walk is linear in the file.
fn tiff_ifd0(b: &[u8], max: u64, mut f: impl FnMut(TiffEntry)) -> Option<()> {
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
    let (ifd, count_len, entry_len, count_size) = if big {
        (rd(8, 8)?, 8, 20, 8)
    } else {
        (rd(4, 4)?, 2, 12, 4)
    };
    let ifd = usize::try_from(ifd).ok()?;
    let entries = rd(ifd, count_len)?;
    for i in 0..entries.min(max) as usize {
        let e = ifd + count_len + i * entry_len;
        let value_at = e + 4 + count_size;
        let kind = rd(e + 2, 2)?;
        f(TiffEntry {
            tag: rd(e, 2)?,
            kind,
            count: rd(e + 4, count_size)?,
            value: match kind {
                3 => rd(value_at, 2),
                4 => rd(value_at, 4),
                16 => rd(value_at, 8),
                _ => None,
            },
        });
    }
    Some(())
}

/// Memory the TIFF decoder takes for the first IFD's tags that it reads
/// while opening the file (sizes, layout, strip and tile tables, JPEG
/// tables, colour map, orientation): it holds each value as a 32-byte
/// enum, so a count of two million takes 64 MB (found by the
/// decode_budget fuzz target). Tags it does not read (descriptions, ICC,
/// private tags) are not counted.
pub(crate) fn tiff_tag_bytes(b: &[u8]) -> u64 {
    const READ: [u64; 22] = [
        256, 257, 258, 259, 262, 266, 273, 274, 277, 278, 279, 284, 317, 320, 322, 323, 324, 325,
        338, 339, 347, 530,
    ];
    let mut total = 0u64;
    let _ = tiff_ifd0(b, u64::MAX, |e| {
        if READ.contains(&e.tag) {
            total = total.saturating_add(e.count.saturating_mul(32));
        }
    });
    total
}

/// TIFF and BigTIFF: ImageWidth (256) and ImageLength (257) of the first
/// IFD, stored as SHORT, LONG or (BigTIFF) LONG8 (the last entry of each
/// wins, as in the decoder).
fn tiff(b: &[u8]) -> Option<(u64, u64)> {
    let (mut w, mut h, mut cut) = (None, None, false);
    tiff_ifd0(b, 4096, |e| {
        cut |= matches!(e.kind, 3 | 4 | 16) && e.value.is_none();
        match (e.tag, e.value) {
            (256, Some(v)) => w = Some(v),
            (257, Some(v)) => h = Some(v),
            _ => {}
        }
    })?;
    if cut {
        return None;
    }
    Some((w?, h?))
}
