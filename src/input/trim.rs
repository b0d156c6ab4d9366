//! Uniform borders: where the picture inside a letterbox, a pillarbox or a
//! plain canvas (a screenshot of a picture) lies.
//!
//! PDQ hashes the whole frame, so a copy with bars or a canvas around the
//! picture hashes far from the picture itself. [`content_region`] finds the
//! picture so that its hash can be matched too; PDQ itself is unchanged.
//!
//! The background is the most common grey level around the image's edge
//! (found in buckets, then exactly). A row is background when at least
//! [`BACKGROUND_SHARE`] of its pixels are within a tolerance of it; the
//! picture is the tallest run of other rows, then, within those rows, the
//! widest run of columns that are not background. A status bar or a caption
//! separated from the picture by background is left out, as the shorter
//! run.
//!
//! The rule runs with two tolerances. The loose one, [`TOLERANCE`], takes
//! JPEG ringing along the picture's edge for background. The tight one
//! comes from how much the edge's background pixels vary, from
//! [`MIN_TOLERANCE`] for one flat colour up to [`TOLERANCE`], and keeps a
//! picture's own near-white margin apart from a light canvas (a drawing in
//! a screenshot). The region found is the tight one, except on the sides
//! where the loose one lies at most [`RINGING`] pixels inside it.

use super::view::{Channels, PixelView};

/// The most grey levels (of 255) a background pixel may differ from the
/// background: enough for the ringing JPEG leaves next to an edge at usual
/// qualities. The tolerance used is measured from the edge (see
/// [`MIN_TOLERANCE`]).
pub const TOLERANCE: u8 = 20;

/// The least tolerance, for a background of one flat colour.
pub const MIN_TOLERANCE: u8 = 4;

/// How far, in pixels, JPEG ringing and resampling blur reach from a
/// picture's edge into a flat border (one 8x8 block; 16 lost more
/// drawings' own margins and recovered no more JPEG letterboxes, measured
/// with `percept eval` and JPEG q30-q85 letterboxes of 100 photos).
pub const RINGING: usize = 8;

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
    let (background, tolerance) = edge_background(view, &grey);
    let loose = region_within(view, &Near::new(&grey, background, TOLERANCE));
    if tolerance >= TOLERANCE {
        return loose;
    }
    let tight = region_within(view, &Near::new(&grey, background, tolerance));
    match (tight, loose) {
        (Some(t), Some(l)) => Some(snap(t, l)),
        (t, l) => l.or(t),
    }
}

/// The tight region's sides, except where the loose region lies at most
/// [`RINGING`] pixels inside it: there the band between them is JPEG
/// ringing or resampling blur along the picture's edge, not a margin of
/// the picture's own, and the loose side is kept. Regions that do not nest
/// give the loose one.
fn snap(tight: Region, loose: Region) -> Region {
    let (t_right, t_bottom) = (tight.x + tight.width, tight.y + tight.height);
    let (l_right, l_bottom) = (loose.x + loose.width, loose.y + loose.height);
    let nested =
        tight.x <= loose.x && tight.y <= loose.y && l_right <= t_right && l_bottom <= t_bottom;
    if !nested {
        return loose;
    }
    let pick = |t: usize, l: usize| if t.abs_diff(l) <= RINGING { l } else { t };
    let (x, y) = (pick(tight.x, loose.x), pick(tight.y, loose.y));
    let (right, bottom) = (pick(t_right, l_right), pick(t_bottom, l_bottom));
    Region {
        x,
        y,
        width: right - x,
        height: bottom - y,
    }
}

/// The picture inside the borders `near` tells from the picture, by the
/// rule in the module's documentation.
fn region_within(view: &PixelView<'_>, near: &Near) -> Option<Region> {
    let (width, height) = (view.width(), view.height());

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

    worth_hashing(
        Region {
            x: left,
            y: top,
            width: cols,
            height: rows,
        },
        width,
        height,
    )
}

/// `region` of a `width` x `height` image, when it trims enough of the
/// image to matter and keeps enough to hash.
fn worth_hashing(region: Region, width: usize, height: usize) -> Option<Region> {
    let (cols, rows) = (region.width, region.height);
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
            Channels::Rgb { r, g, b } => (luma(p, r, g, b) / 1000) as u8,
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
    fn new(grey: &Grey, background: u8, tolerance: u8) -> Self {
        let (lo, hi) = (
            u32::from(background.saturating_sub(tolerance)),
            u32::from(background.saturating_add(tolerance)),
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

/// The background: the most common grey level along the image's edge (the
/// outermost rows and columns), found in buckets of [`TOLERANCE`] levels
/// and then as the commonest level in the winning bucket; and how far a
/// background pixel may be from it: twice the deviation that 95 % of the
/// background pixels of the quietest side that is background keep, plus
/// [`MIN_TOLERANCE`], at most [`TOLERANCE`]. A flat canvas (a screenshot, a padded picture) so gets a
/// tight tolerance, which keeps a picture's own near-white margin apart
/// from a light canvas; a noisy one (JPEG ringing) a looser one.
fn edge_background(view: &PixelView<'_>, grey: &Grey) -> (u8, u8) {
    let (width, height) = (view.width(), view.height());
    // Grey-level histograms of the top row, the bottom row, the left
    // column and the right column.
    let mut sides = [[0usize; 256]; 4];
    for (side, y) in [(0, 0), (1, height - 1)] {
        let row = view.row(y);
        (0..width).for_each(|x| sides[side][usize::from(grey.at(row, x))] += 1);
    }
    for y in 0..height {
        let row = view.row(y);
        sides[2][usize::from(grey.at(row, 0))] += 1;
        sides[3][usize::from(grey.at(row, width - 1))] += 1;
    }
    let mut hist = [0usize; 256];
    for side in &sides {
        hist.iter_mut().zip(side).for_each(|(h, n)| *h += n);
    }
    let bucket = usize::from(TOLERANCE);
    let best = (0..256usize.div_ceil(bucket))
        .max_by_key(|&b| {
            let count: usize = hist[b * bucket..((b + 1) * bucket).min(256)].iter().sum();
            (count, usize::MAX - b)
        })
        .unwrap_or(0);
    let range = best * bucket..((best + 1) * bucket).min(256);
    let level = range
        .max_by_key(|&v| (hist[v], usize::MAX - v))
        .unwrap_or(0);
    // How far from the level 95 % of a side's background pixels lie, for
    // the sides that are background (a bar, a canvas: picture pixels on a
    // side would pass for noise); the quietest such side sets the spread.
    let spread = sides
        .iter()
        .filter_map(|side| {
            let at = |d: usize| {
                let below = level.checked_sub(d).map_or(0, |v| side[v]);
                let above = match d {
                    0 => 0,
                    _ => side.get(level + d).copied().unwrap_or(0),
                };
                below + above
            };
            let near: Vec<usize> = (0..=bucket).map(at).collect();
            let within: usize = near.iter().sum();
            let pixels: usize = side.iter().sum();
            if (within as f32) < BACKGROUND_SHARE * pixels as f32 {
                return None;
            }
            let mut kept = 0;
            near.iter().position(|&n| {
                kept += n;
                kept * 100 >= within * 95
            })
        })
        .min()
        .unwrap_or(bucket);
    let tolerance = (2 * spread + usize::from(MIN_TOLERANCE)).min(bucket);
    (level as u8, tolerance as u8)
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

    fn rect(x: usize, y: usize, width: usize, height: usize) -> Region {
        Region {
            x,
            y,
            width,
            height,
        }
    }

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
        let letterbox = rect(0, 30, 200, 100);
        assert_eq!(
            region_of(&framed(200, 160, letterbox, [0, 0, 0]), 200, 160),
            Some(letterbox)
        );
        let pillarbox = rect(40, 0, 120, 90);
        assert_eq!(
            region_of(&framed(200, 90, pillarbox, [255, 255, 255]), 200, 90),
            Some(pillarbox)
        );
        let canvas = rect(23, 61, 90, 70);
        assert_eq!(
            region_of(&framed(180, 320, canvas, [230, 230, 230]), 180, 320),
            Some(canvas)
        );
    }

    #[test]
    fn a_status_bar_apart_from_the_picture_is_left_out() {
        let picture = rect(10, 60, 160, 120);
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
        let full = rect(0, 0, 100, 80);
        assert_eq!(region_of(&framed(100, 80, full, [0, 0, 0]), 100, 80), None);
        // Two rows of bars on each side of 100: 4 % in all, the minimum.
        let thin = rect(0, 1, 100, 98);
        assert_eq!(
            region_of(&framed(100, 100, thin, [0, 0, 0]), 100, 100),
            None
        );
        let flat = vec![128u8; 100 * 100 * 3];
        assert_eq!(region_of(&flat, 100, 100), None);
        // Too small to hash.
        let speck = rect(40, 40, 20, 20);
        assert_eq!(
            region_of(&framed(100, 100, speck, [0, 0, 0]), 100, 100),
            None
        );
    }

    #[test]
    fn every_pixel_format_finds_the_same_region() {
        let inner = rect(0, 20, 64, 40);
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
    fn counted_region(view: &PixelView<'_>, background: u8, tolerance: u8) -> Option<Region> {
        let (width, height) = (view.width(), view.height());
        let grey = Grey::new(view);
        let near = |row: &[u8], x: usize| grey.at(row, x).abs_diff(background) <= tolerance;
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
        worth_hashing(rect(left, top, cols, rows), width, height)
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
            let region = rect(
                ((w - iw) as f64 * inner.0) as usize,
                ((h - ih) as f64 * inner.1) as usize,
                iw,
                ih,
            );
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
            // RGB, the grey path and a four-byte format; the edge's own
            // tolerance and the loosest.
            let grey: Vec<u8> = px.chunks(3).map(|p| p[1]).collect();
            let bgra: Vec<u8> = px.chunks(3).flat_map(|p| [p[2], p[1], p[0], 255]).collect();
            let views = [
                PixelView::packed(&px, w as u32, h as u32, PixelFormat::Rgb8).unwrap(),
                PixelView::packed(&grey, w as u32, h as u32, PixelFormat::Gray8).unwrap(),
                PixelView::packed(&bgra, w as u32, h as u32, PixelFormat::Bgra8).unwrap(),
            ];
            for view in &views {
                let g = Grey::new(view);
                let (background, tolerance) = edge_background(view, &g);
                for tol in [tolerance, TOLERANCE] {
                    proptest::prop_assert_eq!(
                        region_within(view, &Near::new(&g, background, tol)),
                        counted_region(view, background, tol)
                    );
                }
            }
        }
    }

    #[test]
    fn a_white_margin_on_a_light_canvas_stays_with_the_picture() {
        // A drawing: a textured shape inside its own white margin, the
        // whole placed on a flat light-grey canvas.
        let (w, h) = (300, 400);
        let drawing = rect(60, 100, 160, 120);
        let shape = rect(90, 130, 100, 60);
        let mut px = framed(w, h, shape, [240, 240, 240]);
        for y in drawing.y..drawing.y + drawing.height {
            for x in drawing.x..drawing.x + drawing.width {
                let inside_shape = x >= shape.x
                    && x < shape.x + shape.width
                    && y >= shape.y
                    && y < shape.y + shape.height;
                if !inside_shape {
                    px[(y * w + x) * 3..][..3].copy_from_slice(&[255, 255, 255]);
                }
            }
        }
        assert_eq!(region_of(&px, w, h), Some(drawing));
    }

    #[test]
    fn a_noisy_border_widens_the_tolerance() {
        // Bars of 20 +- 7 grey levels (as JPEG leaves them): background,
        // though a flat border would be held to +- 4.
        let inner = rect(0, 40, 200, 120);
        let mut px = framed(200, 200, inner, [20, 20, 20]);
        for (i, p) in px.chunks_mut(3).enumerate() {
            let (x, y) = (i % 200, i / 200);
            if !(40..160).contains(&y) {
                let v = (13 + (x * 7 + y * 3) % 15) as u8;
                p.copy_from_slice(&[v, v, v]);
            }
        }
        assert_eq!(region_of(&px, 200, 200), Some(inner));
    }

    #[test]
    fn snapping_keeps_margins_and_drops_ringing() {
        // A 40-pixel margin on every side: the tight region.
        assert_eq!(
            snap(rect(60, 100, 160, 120), rect(100, 140, 80, 40)),
            rect(60, 100, 160, 120)
        );
        // Bands of 8 (ringing) on top and left, 40 elsewhere.
        assert_eq!(
            snap(rect(92, 132, 128, 88), rect(100, 140, 80, 40)),
            rect(100, 140, 120, 80)
        );
        // Not nested: the loose region.
        assert_eq!(
            snap(rect(0, 0, 50, 50), rect(40, 40, 50, 50)),
            rect(40, 40, 50, 50)
        );
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
