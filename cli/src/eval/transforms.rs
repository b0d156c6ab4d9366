//! The edits `percept eval` makes to each original: what an image goes
//! through between the list's producer and a phone (re-encoding, resizing,
//! cropping, letterboxing, rotation, tone changes, an overlay, a
//! screenshot).
//!
//! Each transform takes the decoded original as RGB8 and returns either
//! pixels (hashed as they are) or encoded JPEG bytes (decoded by percept's
//! normal path, then hashed). Random choices (a crop's side, a box's place
//! and colour, a screenshot's layout) come from the [`Rng`] stream given,
//! so a seed fixes every copy byte for byte.

use image::codecs::jpeg::JpegEncoder;
use image::imageops::{self, FilterType};
use image::{GrayImage, ImageError, Rgb, RgbImage};

use super::rng::Rng;

/// What a transform produced.
pub enum Output {
    /// Pixels, hashed as RGB8.
    Rgb(RgbImage),
    /// Grey pixels, hashed through PDQ's greyscale path (as a greyscale
    /// file would be).
    Grey(GrayImage),
    /// A JPEG file, decoded like any input before hashing.
    Jpeg(Vec<u8>),
}

/// One edit and its parameters.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Kind {
    /// Re-encoded as JPEG at this quality.
    Jpeg(u8),
    /// Both sides scaled to this percentage (Triangle filter).
    Resize(u32),
    /// This percentage of the width cut from the left and from the right,
    /// and of the height from the top and from the bottom.
    CropCentre(u32),
    /// This percentage of one side cut off; which side is random.
    CropSide(u32),
    /// Black bars, each this percentage of the side they extend: above and
    /// below a landscape or square image, left and right of a portrait one.
    /// Then JPEG at quality 90.
    Pad(u32),
    /// A quarter turn clockwise.
    Rotate90,
    /// A half turn.
    Rotate180,
    /// Three quarter turns clockwise.
    Rotate270,
    /// Mirrored left to right.
    FlipH,
    /// Mirrored top to bottom.
    FlipV,
    /// Rotated by this many degrees clockwise (negative: anticlockwise),
    /// bilinear, then cropped to the largest centred rectangle of the
    /// original's aspect ratio inside the rotated picture (as a photo
    /// editor's straighten tool does), so no fill shows.
    Tilt(i32),
    /// Every channel multiplied by (100 + this) / 100.
    Brightness(i32),
    /// Every channel's distance from mid-grey (127.5) multiplied by
    /// (100 + this) / 100.
    Contrast(i32),
    /// Every channel `255 * (v / 255) ^ (this / 100)`.
    Gamma(u32),
    /// Gaussian blur with this sigma in tenths of a pixel
    /// (`image::imageops::blur`).
    Blur(u32),
    /// Converted to grey (`image::imageops::grayscale`, Rec. 709 weights).
    Greyscale,
    /// An opaque box of this percentage of the area, the image's aspect
    /// ratio, at a random place, in a random colour.
    Overlay(u32),
    /// A phone screenshot: the picture scaled to fit 60 % of a 1080x1920
    /// canvas (1920x1080 for a landscape picture) with a random light
    /// background (grey level 224..=255), a dark status bar strip along the
    /// top (3 % of the height), placed at a random position below the bar,
    /// then JPEG at quality 85.
    Screenshot,
}

/// A transform: a stable name (used in the report, the JSON and the plots)
/// and what it does.
#[derive(Clone, Copy, Debug)]
pub struct Transform {
    pub name: &'static str,
    pub kind: Kind,
}

const fn t(name: &'static str, kind: Kind) -> Transform {
    Transform { name, kind }
}

/// Every transform, in report order.
pub const ALL: [Transform; 29] = [
    t("jpeg-q90", Kind::Jpeg(90)),
    t("jpeg-q70", Kind::Jpeg(70)),
    t("jpeg-q50", Kind::Jpeg(50)),
    t("jpeg-q30", Kind::Jpeg(30)),
    t("resize-50", Kind::Resize(50)),
    t("resize-25", Kind::Resize(25)),
    t("resize-150", Kind::Resize(150)),
    t("crop-centre-5", Kind::CropCentre(5)),
    t("crop-centre-10", Kind::CropCentre(10)),
    t("crop-side-10", Kind::CropSide(10)),
    t("pad-10", Kind::Pad(10)),
    t("pad-20", Kind::Pad(20)),
    t("rotate-90", Kind::Rotate90),
    t("rotate-180", Kind::Rotate180),
    t("rotate-270", Kind::Rotate270),
    t("flip-h", Kind::FlipH),
    t("flip-v", Kind::FlipV),
    t("tilt-3", Kind::Tilt(3)),
    t("tilt-minus-3", Kind::Tilt(-3)),
    t("brightness-plus-20", Kind::Brightness(20)),
    t("brightness-minus-20", Kind::Brightness(-20)),
    t("contrast-plus-20", Kind::Contrast(20)),
    t("contrast-minus-20", Kind::Contrast(-20)),
    t("gamma-0.8", Kind::Gamma(80)),
    t("gamma-1.25", Kind::Gamma(125)),
    t("blur-1.5", Kind::Blur(15)),
    t("greyscale", Kind::Greyscale),
    t("overlay-10", Kind::Overlay(10)),
    t("screenshot", Kind::Screenshot),
];

impl Transform {
    /// One line for the report.
    pub fn description(&self) -> String {
        match self.kind {
            Kind::Jpeg(q) => format!("JPEG at quality {q}"),
            Kind::Resize(p) => format!("scaled to {p} % (Triangle filter)"),
            Kind::CropCentre(p) => format!("{p} % cut from every side"),
            Kind::CropSide(p) => format!("{p} % cut from one side (random)"),
            Kind::Pad(p) => format!(
                "black bars of {p} % each (top and bottom, or left and right for portrait), JPEG q90"
            ),
            Kind::Rotate90 => "a quarter turn clockwise".into(),
            Kind::Rotate180 => "a half turn".into(),
            Kind::Rotate270 => "three quarter turns clockwise".into(),
            Kind::FlipH => "mirrored left to right".into(),
            Kind::FlipV => "mirrored top to bottom".into(),
            Kind::Tilt(d) => format!(
                "rotated {} degrees {}, bilinear, cropped to the inscribed rectangle",
                d.abs(),
                if d >= 0 { "clockwise" } else { "anticlockwise" }
            ),
            Kind::Brightness(p) => format!("brightness {p:+} % (channels scaled)"),
            Kind::Contrast(p) => format!("contrast {p:+} % (around mid-grey)"),
            Kind::Gamma(g) => format!("gamma {}", f64::from(g) / 100.0),
            Kind::Blur(s) => format!("Gaussian blur, sigma {}", f64::from(s) / 10.0),
            Kind::Greyscale => "greyscale".into(),
            Kind::Overlay(p) => format!("opaque box over {p} % of the area (random place, colour)"),
            Kind::Screenshot => {
                "phone screenshot: 60 % of a 1080x1920 canvas, status bar, JPEG q85".into()
            }
        }
    }

    /// Applies the transform to `original`.
    pub fn apply(&self, original: &RgbImage, rng: &mut Rng) -> Result<Output, ImageError> {
        let img = original;
        Ok(match self.kind {
            Kind::Jpeg(q) => Output::Jpeg(jpeg(img, q)?),
            Kind::Resize(p) => Output::Rgb(imageops::resize(
                img,
                percent_of(img.width(), p),
                percent_of(img.height(), p),
                FilterType::Triangle,
            )),
            Kind::CropCentre(p) => {
                let (dx, dy) = (part(img.width(), p), part(img.height(), p));
                Output::Rgb(crop(
                    img,
                    dx,
                    dy,
                    img.width() - 2 * dx,
                    img.height() - 2 * dy,
                ))
            }
            Kind::CropSide(p) => {
                let (w, h) = img.dimensions();
                let (dx, dy) = (part(w, p), part(h, p));
                Output::Rgb(match rng.below(4) {
                    0 => crop(img, 0, dy, w, h - dy),
                    1 => crop(img, 0, 0, w, h - dy),
                    2 => crop(img, dx, 0, w - dx, h),
                    _ => crop(img, 0, 0, w - dx, h),
                })
            }
            Kind::Pad(p) => Output::Jpeg(jpeg(&pad(img, p), 90)?),
            Kind::Rotate90 => Output::Rgb(imageops::rotate90(img)),
            Kind::Rotate180 => Output::Rgb(imageops::rotate180(img)),
            Kind::Rotate270 => Output::Rgb(imageops::rotate270(img)),
            Kind::FlipH => Output::Rgb(imageops::flip_horizontal(img)),
            Kind::FlipV => Output::Rgb(imageops::flip_vertical(img)),
            Kind::Tilt(degrees) => Output::Rgb(tilt(img, f64::from(degrees))),
            Kind::Brightness(p) => {
                let k = f64::from(100 + p) / 100.0;
                Output::Rgb(map_channels(img, |v| v * k))
            }
            Kind::Contrast(p) => {
                let k = f64::from(100 + p) / 100.0;
                Output::Rgb(map_channels(img, |v| 127.5 + (v - 127.5) * k))
            }
            Kind::Gamma(g) => {
                let g = f64::from(g) / 100.0;
                Output::Rgb(map_channels(img, |v| 255.0 * (v / 255.0).powf(g)))
            }
            Kind::Blur(s) => Output::Rgb(imageops::blur(img, s as f32 / 10.0)),
            Kind::Greyscale => Output::Grey(imageops::grayscale(img)),
            Kind::Overlay(p) => Output::Rgb(overlay(img, p, rng)),
            Kind::Screenshot => Output::Jpeg(jpeg(&screenshot(img, rng), 85)?),
        })
    }
}

/// `p` percent of `side`, rounded, at least 1.
fn percent_of(side: u32, p: u32) -> u32 {
    ((u64::from(side) * u64::from(p) + 50) / 100).max(1) as u32
}

/// `p` percent of `side`, rounded, leaving at least one pixel when cut
/// from both ends.
fn part(side: u32, p: u32) -> u32 {
    (((u64::from(side) * u64::from(p) + 50) / 100) as u32).min(side.saturating_sub(1) / 2)
}

fn crop(img: &RgbImage, x: u32, y: u32, w: u32, h: u32) -> RgbImage {
    imageops::crop_imm(img, x, y, w.max(1), h.max(1)).to_image()
}

fn jpeg(img: &RgbImage, quality: u8) -> Result<Vec<u8>, ImageError> {
    let mut bytes = Vec::new();
    JpegEncoder::new_with_quality(&mut bytes, quality).encode_image(img)?;
    Ok(bytes)
}

/// Letterbox: black bars of `p` percent of the extended side on both ends.
fn pad(img: &RgbImage, p: u32) -> RgbImage {
    let (w, h) = img.dimensions();
    let portrait = h > w;
    let bar = if portrait {
        percent_of(w, p)
    } else {
        percent_of(h, p)
    };
    let (cw, ch, x, y) = if portrait {
        (w + 2 * bar, h, bar, 0)
    } else {
        (w, h + 2 * bar, 0, bar)
    };
    let mut canvas = RgbImage::from_pixel(cw, ch, Rgb([0, 0, 0]));
    imageops::replace(&mut canvas, img, x.into(), y.into());
    canvas
}

/// Each channel through `f` (on 0.0..=255.0), rounded and clamped.
fn map_channels(img: &RgbImage, f: impl Fn(f64) -> f64) -> RgbImage {
    let table: Vec<u8> = (0..=255u8)
        .map(|v| f(f64::from(v)).round().clamp(0.0, 255.0) as u8)
        .collect();
    let mut out = img.clone();
    for v in out.iter_mut() {
        *v = table[usize::from(*v)];
    }
    out
}

/// Rotation by `degrees` clockwise about the centre, sampled bilinearly,
/// keeping the largest centred rectangle of the same aspect ratio that
/// lies inside the rotated picture.
fn tilt(img: &RgbImage, degrees: f64) -> RgbImage {
    let (w, h) = (f64::from(img.width()), f64::from(img.height()));
    let (sin, cos) = degrees.to_radians().sin_cos();
    let (s, c) = (sin.abs(), cos.abs());
    let scale = (w / (w * c + h * s)).min(h / (w * s + h * c));
    let (ow, oh) = (
        ((w * scale).floor() as u32).max(1),
        ((h * scale).floor() as u32).max(1),
    );
    let (src_w, src_h) = (img.width() as usize, img.height() as usize);
    let src = img.as_raw();
    let (max_x, max_y) = (w - 1.0, h - 1.0);
    let mut out = RgbImage::new(ow, oh);
    for (y, row) in out.rows_mut().enumerate() {
        let v = y as f64 + 0.5 - f64::from(oh) / 2.0;
        for (x, px) in row.enumerate() {
            let u = x as f64 + 0.5 - f64::from(ow) / 2.0;
            let sx = (u * cos + v * sin + w / 2.0 - 0.5).clamp(0.0, max_x);
            let sy = (-u * sin + v * cos + h / 2.0 - 0.5).clamp(0.0, max_y);
            *px = bilinear(src, src_w, src_h, sx, sy);
        }
    }
    out
}

/// The RGB8 pixel at (`x`, `y`), inside the image, interpolated from its
/// four neighbours.
fn bilinear(src: &[u8], w: usize, h: usize, x: f64, y: f64) -> Rgb<u8> {
    let (x0, y0) = (x as usize, y as usize);
    let (x1, y1) = ((x0 + 1).min(w - 1), (y0 + 1).min(h - 1));
    let (fx, fy) = (x - x0 as f64, y - y0 as f64);
    let at = |xx: usize, yy: usize, i: usize| f64::from(src[(yy * w + xx) * 3 + i]);
    Rgb(std::array::from_fn(|i| {
        let top = at(x0, y0, i) + (at(x1, y0, i) - at(x0, y0, i)) * fx;
        let bottom = at(x0, y1, i) + (at(x1, y1, i) - at(x0, y1, i)) * fx;
        // Non-negative and at most 255: adding a half and truncating rounds.
        (top + (bottom - top) * fy + 0.5) as u8
    }))
}

/// An opaque box of `p` percent of the area, with the image's aspect ratio.
fn overlay(img: &RgbImage, p: u32, rng: &mut Rng) -> RgbImage {
    let (w, h) = img.dimensions();
    let side = (f64::from(p) / 100.0).sqrt();
    let bw = ((f64::from(w) * side).round() as u32).clamp(1, w);
    let bh = ((f64::from(h) * side).round() as u32).clamp(1, h);
    let x0 = rng.below(w - bw + 1);
    let y0 = rng.below(h - bh + 1);
    let colour = Rgb([
        rng.below(256) as u8,
        rng.below(256) as u8,
        rng.below(256) as u8,
    ]);
    let mut out = img.clone();
    for y in y0..y0 + bh {
        for x in x0..x0 + bw {
            out.put_pixel(x, y, colour);
        }
    }
    out
}

/// The screenshot canvas before JPEG encoding.
fn screenshot(img: &RgbImage, rng: &mut Rng) -> RgbImage {
    let (w, h) = img.dimensions();
    let (cw, ch) = if w > h {
        (1920u32, 1080u32)
    } else {
        (1080, 1920)
    };
    let background = rng.between(224, 255) as u8;
    let bar_height = ch * 3 / 100;
    let bar = rng.between(16, 64) as u8;
    let fit = (0.6 * f64::from(cw) / f64::from(w)).min(0.6 * f64::from(ch) / f64::from(h));
    let pw = ((f64::from(w) * fit).round() as u32).clamp(1, cw);
    let ph = ((f64::from(h) * fit).round() as u32).clamp(1, ch - bar_height);
    let picture = imageops::resize(img, pw, ph, FilterType::Triangle);
    let x = rng.below(cw - pw + 1);
    let y = bar_height + rng.below(ch - bar_height - ph + 1);
    let mut canvas = RgbImage::from_pixel(cw, ch, Rgb([background; 3]));
    for py in 0..bar_height {
        for px in 0..cw {
            canvas.put_pixel(px, py, Rgb([bar; 3]));
        }
    }
    imageops::replace(&mut canvas, &picture, x.into(), y.into());
    canvas
}

/// The original's pixels as RGB8: grey replicated, alpha dropped (PDQ
/// ignores alpha, as the reference does).
pub fn to_rgb(view: &percept::PixelView<'_>) -> Option<RgbImage> {
    use percept::PixelFormat;
    let (w, h) = (view.width() as u32, view.height() as u32);
    let mut out = RgbImage::new(w, h);
    for (y, row_out) in out.rows_mut().enumerate() {
        let row = view.row(y);
        match view.format() {
            PixelFormat::Rgb8 => {
                for (px, src) in row_out.zip(row.chunks_exact(3)) {
                    *px = Rgb([src[0], src[1], src[2]]);
                }
            }
            PixelFormat::Rgba8 => {
                for (px, src) in row_out.zip(row.chunks_exact(4)) {
                    *px = Rgb([src[0], src[1], src[2]]);
                }
            }
            PixelFormat::Gray8 => {
                for (px, &g) in row_out.zip(row) {
                    *px = Rgb([g; 3]);
                }
            }
            _ => return None,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Luma;

    /// 20x10, red rising to the right, green rising downwards, blue 7.
    fn landscape() -> RgbImage {
        RgbImage::from_fn(20, 10, |x, y| Rgb([(x * 12) as u8, (y * 25) as u8, 7]))
    }

    fn portrait() -> RgbImage {
        RgbImage::from_fn(10, 20, |x, y| Rgb([(x * 25) as u8, (y * 12) as u8, 7]))
    }

    fn by_name(name: &str) -> Transform {
        *ALL.iter().find(|t| t.name == name).unwrap()
    }

    fn run(name: &str, img: &RgbImage, seed: u64) -> Output {
        by_name(name)
            .apply(img, &mut Rng::for_copy(seed, 1, name))
            .unwrap()
    }

    fn rgb(out: Output) -> RgbImage {
        match out {
            Output::Rgb(i) => i,
            _ => panic!("expected RGB pixels"),
        }
    }

    fn decoded(out: Output) -> RgbImage {
        match out {
            Output::Jpeg(bytes) => image::load_from_memory(&bytes).unwrap().to_rgb8(),
            _ => panic!("expected a JPEG"),
        }
    }

    fn bytes(out: &Output) -> Vec<u8> {
        match out {
            Output::Rgb(i) => i.as_raw().clone(),
            Output::Grey(i) => i.as_raw().clone(),
            Output::Jpeg(b) => b.clone(),
        }
    }

    #[test]
    fn names_are_unique_and_stable() {
        let mut names: Vec<&str> = ALL.iter().map(|t| t.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ALL.len());
        for t in ALL {
            assert!(t
                .name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.'));
            assert!(!t.description().is_empty());
        }
    }

    /// Same seed, same bytes, for every transform; a different seed moves
    /// the random ones.
    #[test]
    fn every_transform_is_deterministic() {
        let img = landscape();
        for t in ALL {
            assert_eq!(
                bytes(&run(t.name, &img, 7)),
                bytes(&run(t.name, &img, 7)),
                "{}",
                t.name
            );
        }
        let differs =
            |name: &str| (0..8).any(|s| bytes(&run(name, &img, s)) != bytes(&run(name, &img, 7)));
        assert!(differs("overlay-10"));
        assert!(differs("crop-side-10"));
        assert!(differs("screenshot"));
    }

    #[test]
    fn jpeg_qualities_decode_to_the_same_size_and_lose_more_as_quality_falls() {
        let img = landscape();
        let err = |name: &str| {
            let out = decoded(run(name, &img, 7));
            assert_eq!(out.dimensions(), (20, 10), "{name}");
            out.iter()
                .zip(img.iter())
                .map(|(&a, &b)| u64::from(a.abs_diff(b)))
                .sum::<u64>()
        };
        let (q90, q30) = (err("jpeg-q90"), err("jpeg-q30"));
        assert!(q90 < q30, "q90 error {q90}, q30 error {q30}");
        for name in ["jpeg-q70", "jpeg-q50"] {
            err(name);
        }
    }

    #[test]
    fn resizes_have_the_expected_sizes() {
        let img = landscape();
        assert_eq!(rgb(run("resize-50", &img, 7)).dimensions(), (10, 5));
        assert_eq!(rgb(run("resize-25", &img, 7)).dimensions(), (5, 3));
        let up = rgb(run("resize-150", &img, 7));
        assert_eq!(up.dimensions(), (30, 15));
        // Blue is constant, so any filter keeps it.
        assert_eq!(up.get_pixel(17, 9)[2], 7);
    }

    #[test]
    fn centre_crops_cut_every_side() {
        let img = landscape();
        let c5 = rgb(run("crop-centre-5", &img, 7));
        // 5 % of 20 is 1, of 10 is 0.5, rounded to 1.
        assert_eq!(c5.dimensions(), (18, 8));
        assert_eq!(c5.get_pixel(0, 0), img.get_pixel(1, 1));
        let c10 = rgb(run("crop-centre-10", &img, 7));
        assert_eq!(c10.dimensions(), (16, 8));
        assert_eq!(c10.get_pixel(0, 0), img.get_pixel(2, 1));
    }

    #[test]
    fn side_crop_cuts_one_side() {
        let img = landscape();
        let mut sides = std::collections::BTreeSet::new();
        for seed in 0..32 {
            let out = rgb(run("crop-side-10", &img, seed));
            let side = match out.dimensions() {
                (20, 9) if out.get_pixel(0, 0) == img.get_pixel(0, 1) => "top",
                (20, 9) if out.get_pixel(0, 0) == img.get_pixel(0, 0) => "bottom",
                (18, 10) if out.get_pixel(0, 0) == img.get_pixel(2, 0) => "left",
                (18, 10) if out.get_pixel(0, 0) == img.get_pixel(0, 0) => "right",
                other => panic!("unexpected crop {other:?}"),
            };
            sides.insert(side);
        }
        assert_eq!(sides.len(), 4, "every side comes up: {sides:?}");
    }

    #[test]
    fn padding_letterboxes_landscape_and_pillarboxes_portrait() {
        let land = decoded(run("pad-20", &landscape(), 7));
        // Bars of 2 rows (20 % of 10) above and below.
        assert_eq!(land.dimensions(), (20, 14));
        assert!(land.get_pixel(10, 0).0.iter().all(|&v| v < 16), "black bar");
        let port = decoded(run("pad-10", &portrait(), 7));
        // Bars of 1 column (10 % of 10) left and right.
        assert_eq!(port.dimensions(), (12, 20));
        assert!(port.get_pixel(0, 10).0.iter().all(|&v| v < 16), "black bar");
        assert_eq!(pad(&landscape(), 10).dimensions(), (20, 12));
        assert_eq!(*pad(&landscape(), 10).get_pixel(3, 1), Rgb([36, 0, 7]));
    }

    #[test]
    fn lossless_rotations_and_flips_move_pixels() {
        let img = landscape();
        let r90 = rgb(run("rotate-90", &img, 7));
        assert_eq!(r90.dimensions(), (10, 20));
        // Clockwise: the bottom-left corner goes to the top-left.
        assert_eq!(r90.get_pixel(0, 0), img.get_pixel(0, 9));
        let r180 = rgb(run("rotate-180", &img, 7));
        assert_eq!(r180.get_pixel(0, 0), img.get_pixel(19, 9));
        let r270 = rgb(run("rotate-270", &img, 7));
        assert_eq!(r270.dimensions(), (10, 20));
        assert_eq!(r270.get_pixel(0, 0), img.get_pixel(19, 0));
        assert_eq!(
            rgb(run("flip-h", &img, 7)).get_pixel(0, 0),
            img.get_pixel(19, 0)
        );
        assert_eq!(
            rgb(run("flip-v", &img, 7)).get_pixel(0, 0),
            img.get_pixel(0, 9)
        );
    }

    #[test]
    fn tilts_keep_the_aspect_ratio_inside_the_picture() {
        // A flat image stays flat: no black fill anywhere.
        let flat = RgbImage::from_pixel(200, 100, Rgb([90, 120, 150]));
        for name in ["tilt-3", "tilt-minus-3"] {
            let out = rgb(run(name, &flat, 7));
            // scale = min(200 / (200 cos + 100 sin), 100 / (200 sin + 100 cos))
            //       = min(0.9758, 0.9064): 181.3 x 90.6, rounded down.
            assert_eq!(out.dimensions(), (181, 90), "{name}");
            assert!(out.pixels().all(|p| *p == Rgb([90, 120, 150])), "{name}");
        }
        // Turned clockwise, a vertical edge (dark left, light right) leans:
        // its top moves right and its bottom left (to x = 92.8 and 88.2 in
        // the 181-wide output), so the centre column is dark at the top and
        // light at the bottom; anticlockwise the other way round.
        let edge = RgbImage::from_fn(200, 100, |x, _| Rgb([if x < 100 { 0 } else { 255 }; 3]));
        let cw = rgb(run("tilt-3", &edge, 7));
        let ccw = rgb(run("tilt-minus-3", &edge, 7));
        assert_eq!((cw.get_pixel(90, 0)[0], cw.get_pixel(90, 89)[0]), (0, 255));
        assert_eq!(
            (ccw.get_pixel(90, 0)[0], ccw.get_pixel(90, 89)[0]),
            (255, 0)
        );
    }

    #[test]
    fn tone_curves_map_known_values() {
        let img = RgbImage::from_fn(4, 1, |x, _| Rgb([[0, 64, 128, 255][x as usize]; 3]));
        let px =
            |name: &str| -> Vec<u8> { rgb(run(name, &img, 7)).pixels().map(|p| p[0]).collect() };
        assert_eq!(px("brightness-plus-20"), [0, 77, 154, 255]);
        assert_eq!(px("brightness-minus-20"), [0, 51, 102, 204]);
        // 127.5 + (v - 127.5) * 1.2: 64 -> 51.3, 128 -> 128.1
        assert_eq!(px("contrast-plus-20"), [0, 51, 128, 255]);
        // 127.5 + (v - 127.5) * 0.8: 0 -> 25.5 (rounds to 26), 255 -> 229.5 (230)
        assert_eq!(px("contrast-minus-20"), [26, 77, 128, 230]);
        // 255 * (64/255)^0.8 = 84.4, 255 * (128/255)^0.8 = 146.9
        assert_eq!(px("gamma-0.8"), [0, 84, 147, 255]);
        // 255 * (64/255)^1.25 = 45.3, 255 * (128/255)^1.25 = 107.7
        assert_eq!(px("gamma-1.25"), [0, 45, 108, 255]);
    }

    #[test]
    fn blur_smooths_an_edge_and_keeps_flat_areas() {
        let edge = RgbImage::from_fn(20, 10, |x, _| Rgb([if x < 10 { 0 } else { 200 }; 3]));
        let out = rgb(run("blur-1.5", &edge, 7));
        assert_eq!(out.dimensions(), (20, 10));
        let v = out.get_pixel(9, 5)[0];
        assert!(v > 20 && v < 100, "left of the edge: {v}");
        assert_eq!(out.get_pixel(0, 5)[0], 0);
        assert_eq!(out.get_pixel(19, 5)[0], 200);
    }

    #[test]
    fn greyscale_uses_rec709_weights() {
        let img = RgbImage::from_pixel(3, 2, Rgb([200, 100, 50]));
        let Output::Grey(g) = run("greyscale", &img, 7) else {
            panic!("expected grey pixels");
        };
        assert_eq!(g.dimensions(), (3, 2));
        // (2126 * 200 + 7152 * 100 + 722 * 50) / 10000 = 117.65, truncated.
        let Luma([v]) = *g.get_pixel(1, 1);
        assert_eq!(v, 117);
    }

    #[test]
    fn overlay_covers_a_tenth_of_the_area_in_one_colour() {
        let img = RgbImage::from_pixel(100, 50, Rgb([1, 2, 3]));
        let out = rgb(run("overlay-10", &img, 7));
        let changed: Vec<(u32, u32)> = out
            .enumerate_pixels()
            .filter(|(_, _, p)| **p != Rgb([1, 2, 3]))
            .map(|(x, y, _)| (x, y))
            .collect();
        // round(100 * sqrt(0.1)) x round(50 * sqrt(0.1)) = 32 x 16.
        assert_eq!(changed.len(), 32 * 16);
        let (x0, y0) = changed[0];
        let colour = *out.get_pixel(x0, y0);
        assert!(changed
            .iter()
            .all(|&(x, y)| *out.get_pixel(x, y) == colour && x < x0 + 32 && y < y0 + 16));
    }

    #[test]
    fn screenshot_places_the_picture_on_a_phone_canvas() {
        let img = portrait();
        let canvas = screenshot(&img, &mut Rng::for_copy(7, 1, "screenshot"));
        assert_eq!(canvas.dimensions(), (1080, 1920));
        // The status bar is dark, the canvas corner below it light.
        assert!(canvas.get_pixel(5, 5)[0] <= 64);
        let bg = canvas.get_pixel(0, 1919)[0];
        assert!(bg >= 224 && canvas.get_pixel(1079, 1919)[0] == bg);
        // The picture is 576 x 1152 (60 % of the height, aspect kept).
        let inside = canvas
            .enumerate_pixels()
            .filter(|(_, _, p)| p[2] == 7)
            .count();
        assert!(inside > 576 * 1150 && inside <= 576 * 1152, "{inside}");
        let out = decoded(run("screenshot", &landscape(), 7));
        assert_eq!(out.dimensions(), (1920, 1080));
    }

    #[test]
    fn originals_convert_to_rgb() {
        let grey = [10u8, 20, 30, 40];
        let view = percept::PixelView::packed(&grey, 2, 2, percept::PixelFormat::Gray8).unwrap();
        let rgb = to_rgb(&view).unwrap();
        assert_eq!(*rgb.get_pixel(1, 1), Rgb([40, 40, 40]));
        let rgba = [1u8, 2, 3, 255, 4, 5, 6, 0];
        let view = percept::PixelView::packed(&rgba, 2, 1, percept::PixelFormat::Rgba8).unwrap();
        assert_eq!(*to_rgb(&view).unwrap().get_pixel(1, 0), Rgb([4, 5, 6]));
    }
}
