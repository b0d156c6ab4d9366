//! What an encoded file is, from its content alone (never its name): one of
//! the six formats percept decodes, a format it recognises but does not
//! decode (named, so the caller knows to use the platform's decoder), or
//! nothing it recognises.

use super::decode::SourceFormat;

/// What [`identify`] recognised.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Identified {
    /// A format percept decodes.
    Supported(SourceFormat),
    /// A recognised image (or image-like) format percept does not decode;
    /// the name is fixed text from this module, never from the input.
    Unsupported(&'static str),
    /// Not a format percept recognises.
    Unknown,
}

/// What an encoded file is, from its first bytes (a few dozen suffice;
/// SVG and TGA are recognised from up to 4 KiB and the last 18 bytes):
/// what [`decode_bytes`](super::decode_bytes) decides from. Lets a caller
/// tell images from other files cheaply, e.g. in a folder walk.
pub fn identify(b: &[u8]) -> Identified {
    use Identified::{Supported, Unsupported};
    let starts = |sig: &[u8]| b.starts_with(sig);
    if starts(&[0xff, 0xd8, 0xff]) {
        return Supported(SourceFormat::Jpeg);
    }
    if starts(b"\x89PNG\r\n\x1a\n") {
        return Supported(SourceFormat::Png);
    }
    if starts(b"GIF87a") || starts(b"GIF89a") {
        return Supported(SourceFormat::Gif);
    }
    if starts(b"RIFF") && b.get(8..12) == Some(b"WEBP") {
        return Supported(SourceFormat::WebP);
    }
    if starts(b"BM") {
        return Supported(SourceFormat::Bmp);
    }
    if starts(b"II*\0") || starts(b"MM\0*") || starts(b"II+\0") || starts(b"MM\0+") {
        return Supported(SourceFormat::Tiff);
    }
    if let Some(name) = iso_media(b) {
        return Unsupported(name);
    }
    let named: &[(&[u8], &'static str)] = &[
        (b"\xff\x0a", "JPEG XL"),
        (b"\0\0\0\x0cJXL \r\n\x87\n", "JPEG XL"),
        (b"\0\0\0\x0cjP  \r\n\x87\n", "JPEG 2000"),
        (b"\xff\x4f\xff\x51", "JPEG 2000"),
        (b"II\xbc", "JPEG XR"),
        (b"\x8aMNG\r\n\x1a\n", "MNG"),
        (b"\x8bJNG\r\n\x1a\n", "JNG"),
        (b"8BPS", "Photoshop (PSD)"),
        (b"qoif", "QOI"),
        (b"v/1\x01", "OpenEXR"),
        (b"#?RADIANCE", "Radiance HDR"),
        (b"#?RGBE", "Radiance HDR"),
        (b"DDS ", "DirectDraw Surface (DDS)"),
        (b"farbfeld", "farbfeld"),
        (b"%PDF-", "PDF"),
        (b"\x1f\x8b", "gzip-compressed data (e.g. SVGZ)"),
    ];
    if let Some(&(_, name)) = named.iter().find(|(sig, _)| starts(sig)) {
        return Unsupported(name);
    }
    if is_ico(b) {
        return Unsupported(if b[2] == 1 {
            "ICO (Windows icon)"
        } else {
            "CUR (Windows cursor)"
        });
    }
    if let [0x0a, 0 | 2..=5, 1, 1 | 2 | 4 | 8, ..] = b {
        return Unsupported("PCX");
    }
    if b.ends_with(b"TRUEVISION-XFILE.\0") {
        return Unsupported("TGA");
    }
    if is_pnm(b) {
        return Unsupported("PNM (PBM/PGM/PPM/PAM)");
    }
    if is_svg(b) {
        return Unsupported("SVG");
    }
    Identified::Unknown
}

/// HEIF/HEIC, AVIF and other ISO base media files: an `ftyp` box first,
/// whose major or compatible brands say what the file holds.
fn iso_media(b: &[u8]) -> Option<&'static str> {
    if b.get(4..8) != Some(b"ftyp") {
        return None;
    }
    let size = u32::from_be_bytes(b.get(0..4)?.try_into().ok()?) as usize;
    let end = size.clamp(16, 4096).min(b.len());
    let major = b.get(8..12)?;
    let brands = std::iter::once(major).chain(b.get(16..end).unwrap_or(&[]).chunks_exact(4));
    let mut fallback = None;
    for brand in brands {
        match brand {
            b"avif" | b"avis" => return Some("AVIF"),
            b"heic" | b"heix" | b"heim" | b"heis" | b"hevc" | b"hevx" | b"hevm" | b"hevs" => {
                return Some("HEIF/HEIC")
            }
            b"jxl " => return Some("JPEG XL"),
            b"crx " => return Some("Canon raw (CR3)"),
            b"mif1" | b"msf1" | b"mif2" => fallback = Some("HEIF/HEIC"),
            b"qt  " | b"isom" | b"iso2" | b"mp41" | b"mp42" | b"M4V " | b"3gp4" | b"3gp5" => {
                fallback = fallback.or(Some("video (MP4/QuickTime)"))
            }
            _ => {}
        }
    }
    Some(fallback.unwrap_or("ISO media (unknown brand)"))
}

/// A Windows icon or cursor directory: reserved 0, type 1 or 2, at least
/// one entry, and a first entry whose reserved byte is 0.
fn is_ico(b: &[u8]) -> bool {
    b.len() >= 22
        && b[0] == 0
        && b[1] == 0
        && matches!(b[2], 1 | 2)
        && b[3] == 0
        && u16::from_le_bytes([b[4], b[5]]) > 0
        && b[9] == 0
}

/// `P1` to `P7` followed by white space.
fn is_pnm(b: &[u8]) -> bool {
    matches!(b, [b'P', b'1'..=b'7', c, ..] if c.is_ascii_whitespace())
}

/// XML or SVG text whose first kilobytes contain an `<svg` element.
fn is_svg(b: &[u8]) -> bool {
    let b = b.strip_prefix(b"\xef\xbb\xbf").unwrap_or(b);
    let start = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    let b = &b[start..];
    if !(b.starts_with(b"<?xml") || b.starts_with(b"<svg") || b.starts_with(b"<!")) {
        return false;
    }
    let head = &b[..b.len().min(4096)];
    head.windows(4).any(|w| w.eq_ignore_ascii_case(b"<svg"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_media_brands() {
        let ftyp = |major: &[u8; 4], compat: &[&[u8; 4]]| {
            let mut v = ((16 + 4 * compat.len()) as u32).to_be_bytes().to_vec();
            v.extend(b"ftyp");
            v.extend(major);
            v.extend([0, 0, 0, 0]);
            for c in compat {
                v.extend(*c);
            }
            v.extend([0u8; 32]);
            v
        };
        let name = |v: Vec<u8>| match identify(&v) {
            Identified::Unsupported(n) => n,
            other => panic!("{other:?}"),
        };
        assert_eq!(name(ftyp(b"heic", &[b"mif1"])), "HEIF/HEIC");
        assert_eq!(name(ftyp(b"mif1", &[b"mif1", b"heic"])), "HEIF/HEIC");
        assert_eq!(name(ftyp(b"mif1", &[b"mif1"])), "HEIF/HEIC");
        assert_eq!(name(ftyp(b"avif", &[b"mif1"])), "AVIF");
        assert_eq!(name(ftyp(b"mif1", &[b"miaf", b"avif"])), "AVIF");
        assert_eq!(name(ftyp(b"isom", &[b"mp41"])), "video (MP4/QuickTime)");
    }

    #[test]
    fn text_and_svg() {
        assert_eq!(identify(b"hello world"), Identified::Unknown);
        assert_eq!(identify(b""), Identified::Unknown);
        assert_eq!(
            identify(b"\xef\xbb\xbf  <?xml version=\"1.0\"?>\n<svg xmlns=\"x\"/>"),
            Identified::Unsupported("SVG")
        );
        assert_eq!(identify(b"<html><svg></svg></html>"), Identified::Unknown);
        assert_eq!(
            identify(b"P6\n1 1\n255\n\0\0\0"),
            Identified::Unsupported("PNM (PBM/PGM/PPM/PAM)")
        );
    }
}
