//! Luma rows, computed exactly as the reference's `fillFloatLumaFromRGB` /
//! `fillFloatLumaFromGrey`.

use crate::input::Channels;
use crate::input::PixelView;

// The reference declares `const float c = 0.299;`: the double literal rounded
// once to float. Written the same way here so no other rounding can creep in.
pub(crate) const LUMA_FROM_R: f32 = 0.299_f64 as f32;
pub(crate) const LUMA_FROM_G: f32 = 0.587_f64 as f32;
pub(crate) const LUMA_FROM_B: f32 = 0.114_f64 as f32;

/// The RGB path: `(R*r + G*g) + B*b` in binary32, left to right, each product
/// rounded before the add (Rust never contracts to FMA on its own).
#[inline(always)]
pub(crate) fn luma_rgb(r: u8, g: u8, b: u8) -> f32 {
    LUMA_FROM_R * r as f32 + LUMA_FROM_G * g as f32 + LUMA_FROM_B * b as f32
}

/// Where the luma comes from.
#[derive(Clone, Copy)]
enum Pixels<'a> {
    /// Computed from 8-bit pixels.
    View(PixelView<'a>),
    /// Given by the caller, row-major.
    Float {
        luma: &'a [f32],
        width: usize,
        height: usize,
    },
}

/// Rows of luma over a pixel view, optionally through a nearest-neighbour
/// resampling (the reference CLI's 512x512 squash), which only picks source
/// pixels and so commutes with the per-pixel luma.
pub(crate) struct LumaSource<'a> {
    pixels: Pixels<'a>,
    /// Source row for each output row; `None` means identity.
    row_map: Option<Vec<usize>>,
    /// Source column for each output column; `None` means identity.
    col_map: Option<Vec<usize>>,
}

impl<'a> LumaSource<'a> {
    pub(crate) fn new(view: PixelView<'a>) -> Self {
        LumaSource {
            pixels: Pixels::View(view),
            row_map: None,
            col_map: None,
        }
    }

    /// Float luma given by the caller: `width * height` values, row-major
    /// (the caller checked the length).
    pub(crate) fn float(luma: &'a [f32], width: usize, height: usize) -> Self {
        LumaSource {
            pixels: Pixels::Float {
                luma,
                width,
                height,
            },
            row_map: None,
            col_map: None,
        }
    }

    fn width(&self) -> usize {
        match self.pixels {
            Pixels::View(view) => view.width(),
            Pixels::Float { width, .. } => width,
        }
    }

    fn height(&self) -> usize {
        match self.pixels {
            Pixels::View(view) => view.height(),
            Pixels::Float { height, .. } => height,
        }
    }

    /// The view squashed to `rows x cols` with CImg's nearest-neighbour rule:
    /// output index `i` reads source index `floor(i * old / new)`.
    pub(crate) fn resized_nearest(self, rows: usize, cols: usize) -> Self {
        let map = |old: usize, new: usize| -> Vec<usize> {
            (0..new)
                .map(|i| ((i as u64 * old as u64) / new as u64) as usize)
                .collect()
        };
        LumaSource {
            row_map: Some(map(self.height(), rows)),
            col_map: Some(map(self.width(), cols)),
            pixels: self.pixels,
        }
    }

    pub(crate) fn rows(&self) -> usize {
        self.row_map.as_ref().map_or(self.height(), Vec::len)
    }

    pub(crate) fn cols(&self) -> usize {
        self.col_map.as_ref().map_or(self.width(), Vec::len)
    }

    /// Rows `r..r + n` of caller-given float luma, in place, when nothing
    /// is resampled: (the values from row `r` on, floats per row).
    pub(crate) fn float_rows(&self, r: usize, n: usize) -> Option<(&'a [f32], usize)> {
        match self.pixels {
            Pixels::Float {
                luma,
                width,
                height,
            } if self.row_map.is_none() && self.col_map.is_none() && r + n <= height => {
                Some((&luma[r * width..], width))
            }
            _ => None,
        }
    }

    /// The rows as 8-bit RGB, when the luma comes from 8-bit RGB in 3 or 4
    /// bytes a pixel with no column resampling (the formats the SIMD
    /// backends compute luma from).
    pub(crate) fn rgb8(&self) -> Option<Rgb8Rows<'_, 'a>> {
        let Pixels::View(view) = self.pixels else {
            return None;
        };
        let format = view.format();
        let bpp = format.bytes_per_pixel();
        match (format.channels(), &self.col_map) {
            (Channels::Rgb { r, g, b }, None) if bpp == 3 || bpp == 4 => Some(Rgb8Rows {
                view,
                row_map: self.row_map.as_deref(),
                bpp,
                rgb: [r, g, b],
            }),
            _ => None,
        }
    }

    /// Writes the luma of output row `r` into `out[..cols]`.
    pub(crate) fn fill_row(&self, r: usize, out: &mut [f32]) {
        let src_row = self.row_map.as_ref().map_or(r, |m| m[r]);
        let out = &mut out[..self.cols()];
        let view = match self.pixels {
            Pixels::View(view) => view,
            Pixels::Float { luma, width, .. } => {
                let row = &luma[src_row * width..][..width];
                match &self.col_map {
                    None => out.copy_from_slice(row),
                    Some(map) => {
                        for (o, &c) in out.iter_mut().zip(map) {
                            *o = row[c];
                        }
                    }
                }
                return;
            }
        };
        let bytes = view.row(src_row);
        let bpp = view.format().bytes_per_pixel();
        match (view.format().channels(), &self.col_map) {
            (Channels::Grey { at }, None) => {
                for (o, px) in out.iter_mut().zip(bytes.chunks_exact(bpp)) {
                    *o = px[at] as f32;
                }
            }
            (Channels::Rgb { r, g, b }, None) => {
                super::simd::luma_rgb8_scalar(bytes, bpp, [r, g, b], out);
            }
            (Channels::Grey { at }, Some(map)) => {
                for (o, &c) in out.iter_mut().zip(map) {
                    *o = bytes[c * bpp + at] as f32;
                }
            }
            (Channels::Rgb { r, g, b }, Some(map)) => {
                for (o, &c) in out.iter_mut().zip(map) {
                    let p = c * bpp;
                    *o = luma_rgb(bytes[p + r], bytes[p + g], bytes[p + b]);
                }
            }
        }
    }
}

/// A [`LumaSource`]'s rows as 8-bit RGB pixels (see [`LumaSource::rgb8`]).
pub(crate) struct Rgb8Rows<'s, 'a> {
    view: PixelView<'a>,
    row_map: Option<&'s [usize]>,
    /// Bytes a pixel (3 or 4).
    pub(crate) bpp: usize,
    /// Byte offsets of red, green and blue in a pixel.
    pub(crate) rgb: [usize; 3],
}

impl<'a> Rgb8Rows<'_, 'a> {
    /// The pixel bytes of output row `r`.
    pub(crate) fn row(&self, r: usize) -> &'a [u8] {
        self.view.row(self.row_map.map_or(r, |m| m[r]))
    }
}
