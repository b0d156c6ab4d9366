//! Uniform borders: where the picture inside a letterbox, a pillarbox or a
//! plain canvas (a screenshot of a picture) lies.
//!
//! PDQ hashes the whole frame, so a copy with bars or a canvas around the
//! picture hashes far from the picture itself. [`content_region`] finds the
//! picture so that its hash can be matched too; PDQ itself is unchanged.
//!
//! The background is the most common grey level (in buckets) around the
//! image's edge. A row is background when at least [`BACKGROUND_SHARE`] of
//! its pixels are within [`TOLERANCE`] grey levels of it; the picture is the
//! tallest run of other rows, then, within those rows, the widest run of
//! columns that are not background. A status bar or a caption separated
//! from the picture by background is left out, as the shorter run.

use super::view::{Channels, PixelView};

/// Grey levels (of 255) a background pixel may differ from the background:
/// enough for the ringing JPEG leaves next to an edge at usual qualities.
pub const TOLERANCE: u8 = 20;

/// The share of a row or column that must be background for it to count as
/// background (the rest may be noise or a thin line).
pub const BACKGROUND_SHARE: f32 = 0.98;

/// The least share of each side a region must trim, in total over both
/// ends of a side, to be reported: smaller borders change a hash little.
pub const MIN_TRIMMED_SHARE: f32 = 0.04;

/// The least side, in pixels, of a region worth hashing.
pub const MIN_CONTENT_SIDE: usize = 32;

/// The least share of the image's area a region must keep.
pub const MIN_CONTENT_AREA_SHARE: f32 = 0.05;

/// A rectangle of pixels inside an image.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Region {
    /// Left edge, in pixels from the image's left.
    pub x: usize,
    /// Top edge, in pixels from the image's top.
    pub y: usize,
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
}

/// The picture inside uniform borders, or `None` when the image has no
/// such borders (or they are too thin to matter, or what they enclose is
/// too small to hash). Reads the edge, then each row only until it is
/// known to be content (more than 2 % of its pixels unlike the background)
/// or to the end; then, within the picture's rows, each column the same
/// way. On a photo without borders that is a few dozen pixels per row and
/// column; a bar or canvas is read whole. Allocates two counters per
/// column.
pub fn content_region(view: &PixelView<'_>) -> Option<Region> {
    let (width, height) = (view.width(), view.height());
    if width < MIN_CONTENT_SIDE || height < MIN_CONTENT_SIDE {
        return None;
    }
    let grey = Grey::new(view);
    let near = Near::new(&grey, edge_mode(view, &grey));

    // A row is content when more than `max_far` of its pixels are far
    // from the background.
    let max_far = width - background_needed(width);
    let row_is_content: Vec<bool> = (0..height)
        .map(|y| near.row_is_content(view.row(y), max_far))
        .collect();
    let (top, rows) = longest_run(&row_is_content)?;

    // Columns, within the picture's rows: read row by row, each column
    // only until it is decided either way (checked every 16 rows; the
    // undecided columns are read as runs of neighbours).
    let max_far = rows - background_needed(rows);
    let mut far = vec![0usize; width];
    let mut col_is_content = vec![false; width];
    let mut undecided = vec![true; width];
    let mut runs = true_runs(&undecided);
    let mut y = top;
    while y < top + rows && !runs.is_empty() {
        let block_end = (y + 16).min(top + rows);
        for row in (y..block_end).map(|y| view.row(y)) {
            for run in &runs {
                let px = &row[run.start * near.bpp..run.end * near.bpp];
                if uniform(px, near.bpp) {
                    if !near.at(px, 0) {
                        far[run.clone()].iter_mut().for_each(|n| *n += 1);
                    }
                    continue;
                }
                near.each_far(px, |i, f| far[run.start + i] += usize::from(f));
            }
        }
        y = block_end;
        let left_after = top + rows - y;
        for x in runs.iter().flat_map(|r| r.clone()) {
            if far[x] > max_far {
                col_is_content[x] = true;
                undecided[x] = false;
            } else if far[x] + left_after <= max_far {
                // Background whatever the rows left hold.
                undecided[x] = false;
            }
        }
        runs = true_runs(&undecided);
    }
    let (left, cols) = longest_run(&col_is_content)?;

    let region = Region {
        x: left,
        y: top,
        width: cols,
        height: rows,
    };
    let trimmed_enough = (width - cols) as f32 >= MIN_TRIMMED_SHARE * width as f32
        || (height - rows) as f32 >= MIN_TRIMMED_SHARE * height as f32;
    let big_enough = cols >= MIN_CONTENT_SIDE
        && rows >= MIN_CONTENT_SIDE
        && (cols * rows) as f32 >= MIN_CONTENT_AREA_SHARE * (width * height) as f32;
    (trimmed_enough && big_enough).then_some(region)
}

/// The fewest background pixels, of `n`, that make a row or column of `n`
/// pixels background: the least `k` with `k as f32 >=`
/// [`BACKGROUND_SHARE`]` * n as f32` (at most `n`).
fn background_needed(n: usize) -> usize {
    let share = BACKGROUND_SHARE * n as f32;
    let mut k = (share as usize).saturating_sub(1).min(n);
    while k < n && (k as f32) < share {
        k += 1;
    }
    k
}

/// Grey levels of a view's pixels (integer BT.601 weights: borders are
/// found, not hashed, so the reference's float luma is not needed).
struct Grey {
    channels: Channels,
    bpp: usize,
}

impl Grey {
    fn new(view: &PixelView<'_>) -> Self {
        Grey {
            channels: view.format().channels(),
            bpp: view.format().bytes_per_pixel(),
        }
    }

    #[inline]
    fn at(&self, row: &[u8], x: usize) -> u8 {
        let p = &row[x * self.bpp..(x + 1) * self.bpp];
        match self.channels {
            Channels::Grey { at } => p[at],
            Channels::Rgb { r, g, b } => {
                let v = 299 * u32::from(p[r]) + 587 * u32::from(p[g]) + 114 * u32::from(p[b]);
                (v / 1000) as u8
            }
        }
    }
}

/// Whether pixels lie within [`TOLERANCE`] grey levels of the background:
/// `Grey::at`'s level compared before its division (exactly the same
/// answer, and no division per pixel).
struct Near {
    channels: Channels,
    bpp: usize,
    lo: u32,
    hi: u32,
}

impl Near {
    fn new(grey: &Grey, background: u8) -> Self {
        let (lo, hi) = (
            u32::from(background.saturating_sub(TOLERANCE)),
            u32::from(background.saturating_add(TOLERANCE)),
        );
        let (lo, hi) = match grey.channels {
            Channels::Grey { .. } => (lo, hi),
            // level = v / 1000, so lo <= level <= hi exactly when
            // lo * 1000 <= v <= hi * 1000 + 999.
            Channels::Rgb { .. } => (lo * 1000, hi * 1000 + 999),
        };
        Near {
            channels: grey.channels,
            bpp: grey.bpp,
            lo,
            hi,
        }
    }

    #[inline]
    fn at(&self, row: &[u8], x: usize) -> bool {
        let p = &row[x * self.bpp..(x + 1) * self.bpp];
        let v = match self.channels {
            Channels::Grey { at } => u32::from(p[at]),
            Channels::Rgb { r, g, b } => luma(p, r, g, b),
        };
        (self.lo..=self.hi).contains(&v)
    }

    /// Whether more than `max_far` of the row's pixels are far from the
    /// background; stops at the first block of 64 pixels that shows it.
    fn row_is_content(&self, row: &[u8], max_far: usize) -> bool {
        if uniform(row, self.bpp) {
            // One colour throughout (a canvas or a bar): all near or all far.
            return !row.is_empty() && !self.at(row, 0) && row.len() / self.bpp > max_far;
        }
        let mut far = 0;
        for block in row.chunks(64 * self.bpp) {
            self.each_far(block, |_, f| far += usize::from(f));
            if far > max_far {
                return true;
            }
        }
        false
    }

    /// Calls `f(i, far)` for each whole pixel `i` of `px`: whether it is
    /// far from the background. One loop per pixel size, so that the
    /// compiler sees a constant stride.
    #[inline(always)]
    fn each_far(&self, px: &[u8], f: impl FnMut(usize, bool)) {
        match (self.channels, self.bpp) {
            (Channels::Grey { .. }, 1) => self.each::<1>(px, |p| u32::from(p[0]), f),
            (Channels::Grey { at }, 2) => self.each::<2>(px, |p| u32::from(p[at]), f),
            (Channels::Rgb { r, g, b }, 3) => self.each::<3>(px, |p| luma(p, r, g, b), f),
            (Channels::Rgb { r, g, b }, 4) => self.each::<4>(px, |p| luma(p, r, g, b), f),
            (Channels::Rgb { r, g, b }, 6) => self.each::<6>(px, |p| luma(p, r, g, b), f),
            (Channels::Rgb { r, g, b }, 8) => self.each::<8>(px, |p| luma(p, r, g, b), f),
            _ => {
                let mut f = f;
                for i in 0..px.len() / self.bpp {
                    f(i, !self.at(px, i));
                }
            }
        }
    }

    #[inline(always)]
    fn each<const N: usize>(
        &self,
        px: &[u8],
        value: impl Fn(&[u8]) -> u32,
        mut f: impl FnMut(usize, bool),
    ) {
        for (i, p) in px.chunks_exact(N).enumerate() {
            f(i, !(self.lo..=self.hi).contains(&value(p)));
        }
    }
}

/// Whether every pixel of `px` (whole pixels of `bpp` bytes) has the same
/// bytes: each byte equals the one a pixel later (one `memcmp`).
fn uniform(px: &[u8], bpp: usize) -> bool {
    px.len() <= bpp || px[bpp..] == px[..px.len() - bpp]
}

/// `Grey::at`'s weighted sum before its division by 1000.
#[inline(always)]
fn luma(p: &[u8], r: usize, g: usize, b: usize) -> u32 {
    299 * u32::from(p[r]) + 587 * u32::from(p[g]) + 114 * u32::from(p[b])
}

/// The most common grey level along the image's edge (the outermost rows
/// and columns), in buckets of [`TOLERANCE`] levels; returns the mean
/// level of the winning bucket.
fn edge_mode(view: &PixelView<'_>, grey: &Grey) -> u8 {
    let bucket_width = usize::from(TOLERANCE);
    let mut counts = [0usize; 256];
    let mut sums = [0usize; 256];
    let mut add = |v: u8| {
        let b = usize::from(v) / bucket_width;
        counts[b] += 1;
        sums[b] += usize::from(v);
    };
    let (width, height) = (view.width(), view.height());
    for y in [0, height - 1] {
        let row = view.row(y);
        (0..width).for_each(|x| add(grey.at(row, x)));
    }
    for y in 1..height - 1 {
        let row = view.row(y);
        add(grey.at(row, 0));
        add(grey.at(row, width - 1));
    }
    let best = (0..256)
        .max_by_key(|&b| (counts[b], usize::MAX - b))
        .unwrap_or(0);
    (sums[best] / counts[best].max(1)) as u8
}

/// The runs of `true` in `flags`, as ranges.
fn true_runs(flags: &[bool]) -> Vec<std::ops::Range<usize>> {
    let mut runs = Vec::new();
    let mut start = None;
    for (i, &f) in flags.iter().chain(std::iter::once(&false)).enumerate() {
        match (f, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                runs.push(s..i);
                start = None;
            }
            _ => {}
        }
    }
    runs
}

/// The start and length of the longest run of `true` (the first of equal
/// runs), or `None` when there is none.
fn longest_run(flags: &[bool]) -> Option<(usize, usize)> {
    let mut best: Option<(usize, usize)> = None;
    let mut start = 0;
    for (i, &f) in flags.iter().chain(std::iter::once(&false)).enumerate() {
        if f {
            continue;
        }
        let len = i - start;
        if len > 0 && best.is_none_or(|(_, l)| len > l) {
            best = Some((start, len));
        }
        start = i + 1;
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::PixelFormat;

    /// A w x h RGB image: `fill` outside the rectangle, a textured picture
    /// inside it.
    fn framed(w: usize, h: usize, inner: Region, fill: [u8; 3]) -> Vec<u8> {
        let mut px = Vec::with_capacity(w * h * 3);
        for y in 0..h {
            for x in 0..w {
                let inside = x >= inner.x
                    && x < inner.x + inner.width
                    && y >= inner.y
                    && y < inner.y + inner.height;
                if inside {
                    let v = ((x * 7 + y * 13) % 200 + 30) as u8;
                    px.extend([v, 255 - v, (x % 50 * 5) as u8]);
                } else {
                    px.extend(fill);
                }
            }
        }
        px
    }

    fn region_of(px: &[u8], w: usize, h: usize) -> Option<Region> {
        let view = PixelView::packed(px, w as u32, h as u32, PixelFormat::Rgb8).unwrap();
        content_region(&view)
    }

    #[test]
    fn letterbox_pillarbox_and_canvas_are_found() {
        let letterbox = Region {
            x: 0,
            y: 30,
            width: 200,
            height: 100,
        };
        assert_eq!(
            region_of(&framed(200, 160, letterbox, [0, 0, 0]), 200, 160),
            Some(letterbox)
        );
        let pillarbox = Region {
            x: 40,
            y: 0,
            width: 120,
            height: 90,
        };
        assert_eq!(
            region_of(&framed(200, 90, pillarbox, [255, 255, 255]), 200, 90),
            Some(pillarbox)
        );
        let canvas = Region {
            x: 23,
            y: 61,
            width: 90,
            height: 70,
        };
        assert_eq!(
            region_of(&framed(180, 320, canvas, [230, 230, 230]), 180, 320),
            Some(canvas)
        );
    }

    #[test]
    fn a_status_bar_apart_from_the_picture_is_left_out() {
        let picture = Region {
            x: 10,
            y: 60,
            width: 160,
            height: 120,
        };
        let mut px = framed(180, 320, picture, [240, 240, 240]);
        // A dark 12-pixel strip with light "icons" across the top.
        for y in 0..12 {
            for x in 0..180 {
                let v = if x % 20 < 6 { 250 } else { 20 };
                px[(y * 180 + x) * 3..][..3].copy_from_slice(&[v, v, v]);
            }
        }
        assert_eq!(region_of(&px, 180, 320), Some(picture));
    }

    #[test]
    fn no_borders_thin_borders_and_flat_images_give_none() {
        let full = Region {
            x: 0,
            y: 0,
            width: 100,
            height: 80,
        };
        assert_eq!(region_of(&framed(100, 80, full, [0, 0, 0]), 100, 80), None);
        // Two rows of bars on each side of 100: 4 % in all, the minimum.
        let thin = Region {
            x: 0,
            y: 1,
            width: 100,
            height: 98,
        };
        assert_eq!(
            region_of(&framed(100, 100, thin, [0, 0, 0]), 100, 100),
            None
        );
        let flat = vec![128u8; 100 * 100 * 3];
        assert_eq!(region_of(&flat, 100, 100), None);
        // Too small to hash.
        let speck = Region {
            x: 40,
            y: 40,
            width: 20,
            height: 20,
        };
        assert_eq!(
            region_of(&framed(100, 100, speck, [0, 0, 0]), 100, 100),
            None
        );
    }

    #[test]
    fn every_pixel_format_finds_the_same_region() {
        let inner = Region {
            x: 0,
            y: 20,
            width: 64,
            height: 40,
        };
        let rgb = framed(64, 80, inner, [0, 0, 0]);
        let rgba: Vec<u8> = rgb
            .chunks(3)
            .flat_map(|p| [p[0], p[1], p[2], 255])
            .collect();
        let view = PixelView::packed(&rgba, 64, 80, PixelFormat::Rgba8).unwrap();
        assert_eq!(content_region(&view), Some(inner));
        let grey: Vec<u8> = rgb.chunks(3).map(|p| p[0]).collect();
        let view = PixelView::packed(&grey, 64, 80, PixelFormat::Gray8).unwrap();
        assert_eq!(content_region(&view), Some(inner));
    }

    /// The rule as first written: count every pixel of every row, then of
    /// every column within the picture's rows.
    fn counted_region(view: &PixelView<'_>) -> Option<Region> {
        let (width, height) = (view.width(), view.height());
        if width < MIN_CONTENT_SIDE || height < MIN_CONTENT_SIDE {
            return None;
        }
        let grey = Grey::new(view);
        let background = edge_mode(view, &grey);
        let near = |row: &[u8], x: usize| grey.at(row, x).abs_diff(background) <= TOLERANCE;
        let rows_content: Vec<bool> = (0..height)
            .map(|y| {
                let n = (0..width).filter(|&x| near(view.row(y), x)).count();
                (n as f32) < BACKGROUND_SHARE * width as f32
            })
            .collect();
        let (top, rows) = longest_run(&rows_content)?;
        let cols_content: Vec<bool> = (0..width)
            .map(|x| {
                let n = (top..top + rows).filter(|&y| near(view.row(y), x)).count();
                (n as f32) < BACKGROUND_SHARE * rows as f32
            })
            .collect();
        let (left, cols) = longest_run(&cols_content)?;
        let trimmed_enough = (width - cols) as f32 >= MIN_TRIMMED_SHARE * width as f32
            || (height - rows) as f32 >= MIN_TRIMMED_SHARE * height as f32;
        let big_enough = cols >= MIN_CONTENT_SIDE
            && rows >= MIN_CONTENT_SIDE
            && (cols * rows) as f32 >= MIN_CONTENT_AREA_SHARE * (width * height) as f32;
        (trimmed_enough && big_enough).then_some(Region {
            x: left,
            y: top,
            width: cols,
            height: rows,
        })
    }

    #[test]
    fn background_needed_is_the_least_count_reaching_the_share() {
        for n in (0..2000).chain([65_535, 1 << 24, (1 << 24) + 3]) {
            let k = background_needed(n);
            let share = BACKGROUND_SHARE * n as f32;
            assert!(k <= n && (k == n || k as f32 >= share), "n {n}: {k}");
            assert!(
                k == 0 || ((k - 1) as f32) < share,
                "n {n}: {k} is not the least"
            );
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]
        /// Deciding rows and columns early gives the region counting every
        /// pixel gives: framed pictures with noisy, dotted or striped
        /// borders, near the 98 % share and the tolerance.
        #[test]
        fn early_decisions_match_counting_every_pixel(
            w in 32usize..160,
            h in 32usize..160,
            inner in (0.0f64..1.0, 0.0f64..1.0, 0.2f64..1.0, 0.2f64..1.0),
            fill in 0u8..=255,
            noise_every in 1usize..120,
            noise_level in 0u8..60,
            seed in 0u64..u64::MAX,
        ) {
            let iw = ((w as f64 * inner.2) as usize).max(1);
            let ih = ((h as f64 * inner.3) as usize).max(1);
            let region = Region {
                x: ((w - iw) as f64 * inner.0) as usize,
                y: ((h - ih) as f64 * inner.1) as usize,
                width: iw,
                height: ih,
            };
            let mut px = framed(w, h, region, [fill; 3]);
            // Seeded specks on the border and in the picture: some within
            // the tolerance, some beyond it.
            let mut state = seed | 1;
            for i in (0..w * h).step_by(noise_every) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                let v = fill.wrapping_add((state % u64::from(noise_level.max(1))) as u8);
                px[i * 3..i * 3 + 3].copy_from_slice(&[v, v, v]);
            }
            let view = PixelView::packed(&px, w as u32, h as u32, PixelFormat::Rgb8).unwrap();
            proptest::prop_assert_eq!(content_region(&view), counted_region(&view));
            // The grey path and a four-byte format.
            let grey: Vec<u8> = px.chunks(3).map(|p| p[1]).collect();
            let view = PixelView::packed(&grey, w as u32, h as u32, PixelFormat::Gray8).unwrap();
            proptest::prop_assert_eq!(content_region(&view), counted_region(&view));
            let bgra: Vec<u8> = px.chunks(3).flat_map(|p| [p[2], p[1], p[0], 255]).collect();
            let view = PixelView::packed(&bgra, w as u32, h as u32, PixelFormat::Bgra8).unwrap();
            proptest::prop_assert_eq!(content_region(&view), counted_region(&view));
        }
    }

    #[test]
    fn true_runs_are_the_ranges_of_true() {
        assert!(true_runs(&[]).is_empty());
        assert_eq!(true_runs(&[true, false, true, true]), vec![0..1, 2..4]);
        assert_eq!(true_runs(&[false, true, true, false]), vec![1..3]);
    }

    #[test]
    fn longest_runs() {
        assert_eq!(longest_run(&[]), None);
        assert_eq!(longest_run(&[false, false]), None);
        assert_eq!(longest_run(&[true, false, true, true]), Some((2, 2)));
        assert_eq!(longest_run(&[true, true, false, true, true]), Some((0, 2)));
    }
}
