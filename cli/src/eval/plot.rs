//! The plots of `percept eval`, as SVG and PNG: recall against threshold
//! for every transform (copy hash and dihedral matching; dihedral matching
//! without and with border trim), and the false-positive rate against
//! threshold (log scale).
//!
//! Fonts: no font is bundled. SVG text is written as text elements that
//! the viewer renders, so the SVGs need no font here; text sizes for the
//! layout are estimated from the character count (both formats, so their
//! layouts agree). The PNG text is drawn with ab_glyph from a TrueType or
//! OpenType font read at run time: `--font FILE`, else the first of
//! [`FONT_PATHS`] that loads. Without one the PNGs are written without
//! text, and the caller prints a warning.

use std::path::Path;

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind,
};

use super::metrics::{Curve, Group, PairGroup, RecallCurves, MAX_THRESHOLD};
use super::transforms::ALL;
use super::Run;

/// Where fonts are looked for, in order (Debian and Ubuntu, Fedora, Arch,
/// openSUSE, macOS, Windows).
pub const FONT_PATHS: &[&str] = &[
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/liberation-sans/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
    "/usr/share/fonts/noto/NotoSans-Regular.ttf",
    "/System/Library/Fonts/Supplemental/Arial.ttf",
    "/Library/Fonts/Arial.ttf",
    "C:\\Windows\\Fonts\\arial.ttf",
    "C:\\Windows\\Fonts\\segoeui.ttf",
];

/// The font the PNG text is drawn with.
pub enum Font {
    /// Registered with plotters under "sans-serif"; the file it came from.
    Loaded(String),
    /// None found: PNGs without text.
    None,
}

/// Registers the font for PNG text: `explicit` (an error if it cannot be
/// used), else the first of [`FONT_PATHS`] that loads.
pub fn load_font(explicit: Option<&Path>) -> Result<Font, String> {
    fn register(path: &Path) -> Result<(), String> {
        let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
        // plotters keeps fonts for the life of the process; one font, once.
        let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
        plotters::style::register_font("sans-serif", FontStyle::Normal, bytes)
            .map_err(|_| "not a TrueType or OpenType font".to_string())
    }
    if let Some(path) = explicit {
        register(path).map_err(|e| format!("--font {}: {e}", path.display()))?;
        return Ok(Font::Loaded(path.display().to_string()));
    }
    for p in FONT_PATHS {
        if register(Path::new(p)).is_ok() {
            return Ok(Font::Loaded((*p).to_string()));
        }
    }
    Ok(Font::None)
}

/// A backend wrapper that estimates text sizes without a font (about half
/// an em per character) and draws text through the wrapped backend, or
/// not at all.
struct FontFree<B> {
    inner: B,
    draw_text: bool,
}

impl<B: DrawingBackend> DrawingBackend for FontFree<B> {
    type ErrorType = B::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.present()
    }

    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_line(from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_rect(upper_left, bottom_right, style, fill)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_path(path, style)
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_circle(center, radius, style, fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.fill_polygon(vert, style)
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        if self.draw_text {
            self.inner.draw_text(text, style, pos)
        } else {
            Ok(())
        }
    }

    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> Result<(u32, u32), DrawingErrorKind<Self::ErrorType>> {
        let size = style.size();
        let width = text.chars().count() as f64 * size * 0.5;
        Ok((width.ceil() as u32, size.ceil() as u32))
    }

    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        size: (u32, u32),
        src: &[u8],
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.blit_bitmap(pos, size, src)
    }
}

/// Width of the legend strip at the right of each plot.
const LEGEND_WIDTH: u32 = 320;

/// One line of a plot: label, colour and dash, points (threshold, value).
struct Line {
    label: String,
    colour: RGBColor,
    dashed: bool,
    points: Vec<(f64, f64)>,
}

fn points(values: &[Option<f64>], keep: impl Fn(f64) -> bool) -> Vec<(f64, f64)> {
    values
        .iter()
        .enumerate()
        .filter_map(|(t, v)| v.filter(|&v| keep(v)).map(|v| (t as f64, v)))
        .collect()
}

fn colour(i: usize) -> RGBColor {
    let c = Palette99::pick(i).to_rgba();
    RGBColor(c.0, c.1, c.2)
}

type Drawn<E> = Result<(), DrawingAreaErrorKind<E>>;

fn draw_lines<DB: DrawingBackend, Y>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<plotters::coord::types::RangedCoordf64, Y>>,
    lines: &[Line],
) -> Drawn<DB::ErrorType>
where
    Y: Ranged<ValueType = f64>,
{
    for line in lines {
        let style = Color::stroke_width(&line.colour, 2);
        if line.dashed {
            chart.draw_series(DashedLineSeries::new(
                line.points.iter().copied(),
                8,
                6,
                style,
            ))?;
        } else {
            chart.draw_series(LineSeries::new(line.points.iter().copied(), style))?;
        }
    }
    Ok(())
}

fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    lines: &[Line],
) -> Drawn<DB::ErrorType> {
    let text = TextStyle::from(("sans-serif", 14).into_font())
        .color(&BLACK)
        .pos(Pos::new(HPos::Left, VPos::Center));
    for (i, line) in lines.iter().enumerate() {
        let y = 44 + i as i32 * 22;
        let style = Color::stroke_width(&line.colour, 2);
        if line.dashed {
            area.draw(&DashedPathElement::new(vec![(8, y), (40, y)], 8, 6, style))?;
        } else {
            area.draw(&PathElement::new(vec![(8, y), (40, y)], style))?;
        }
        area.draw_text(&line.label, &text, (48, y))?;
    }
    Ok(())
}

/// The mark at the default threshold.
fn default_threshold_mark(lo: f64, hi: f64) -> Line {
    let t = f64::from(percept::index::DEFAULT_THRESHOLD);
    Line {
        label: format!(
            "T = {} (default threshold)",
            percept::index::DEFAULT_THRESHOLD
        ),
        colour: RGBColor(160, 160, 160),
        dashed: true,
        points: vec![(t, lo), (t, hi)],
    }
}

fn gated(r: &super::metrics::Recall) -> Option<&RecallCurves> {
    r.groups
        .iter()
        .find(|(g, _)| *g == Group::QualityGated)
        .map(|(_, c)| c)
}

/// One panel of a recall plot: its caption and the curve it shows.
type Panel = (&'static str, fn(&RecallCurves) -> &Curve);

/// recall.svg: copy hash, then dihedral matching.
const RECALL_PANELS: [Panel; 2] = [
    ("Recall, copy hash against original hash", |c| &c.plain),
    ("Recall with dihedral matching", |c| &c.dihedral),
];

/// recall-trim.svg: dihedral matching, then with border trim too.
const RECALL_TRIM_PANELS: [Panel; 2] = [
    ("Recall with dihedral matching", |c| &c.dihedral),
    ("Recall with dihedral matching and border trim", |c| &c.trim),
];

fn draw_recall<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    run: &Run,
    panels: &[Panel; 2],
) -> Drawn<DB::ErrorType> {
    root.fill(&WHITE)?;
    let (w, _) = root.dim_in_pixel();
    let (charts, legend) = root.split_horizontally(w - LEGEND_WIDTH);
    let mut lines_for_legend = Vec::new();
    for (panel, (caption, pick)) in charts.split_evenly((1, 2)).iter().zip(panels) {
        let mut chart = ChartBuilder::on(panel)
            .caption(*caption, ("sans-serif", 20))
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(56)
            .build_cartesian_2d(0f64..f64::from(MAX_THRESHOLD), 0f64..1.0)?;
        chart
            .configure_mesh()
            .x_desc("threshold T (bits)")
            .y_desc("recall (quality-gated)")
            .x_label_formatter(&|v| format!("{v:.0}"))
            .label_style(("sans-serif", 14))
            .axis_desc_style(("sans-serif", 15))
            .draw()?;
        let mut lines = vec![default_threshold_mark(0.0, 1.0)];
        for (i, (t, r)) in ALL.iter().zip(&run.recall).enumerate() {
            let Some(c) = gated(r) else { continue };
            let curve = pick(c);
            lines.push(Line {
                label: t.name.to_string(),
                colour: colour(i),
                dashed: false,
                points: points(&curve.fractions(), |_| true),
            });
        }
        draw_lines(&mut chart, &lines)?;
        lines_for_legend = lines;
    }
    draw_legend(&legend, &lines_for_legend)
}

fn draw_false_positives<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    run: &Run,
) -> Drawn<DB::ErrorType> {
    root.fill(&WHITE)?;
    let (w, _) = root.dim_in_pixel();
    let (chart_area, legend) = root.split_horizontally(w - LEGEND_WIDTH);
    let mut lines = Vec::new();
    let mut bounds = Vec::new();
    for (k, (group, c)) in run.false_positives.groups.iter().enumerate() {
        let name = match group {
            PairGroup::All => "all pairs",
            PairGroup::QualityGated => "quality-gated",
        };
        // With border trim: dashed in the dihedral curve's colour, so that
        // where trim changes nothing the two lines coincide visibly.
        for (j, dashed, (label, curve)) in [
            (0, false, ("plain", &c.plain)),
            (1, false, ("dihedral", &c.dihedral)),
            (1, true, ("dihedral + trim", &c.trim)),
        ] {
            lines.push(Line {
                label: format!("{name}, {label}"),
                colour: colour(2 * k + j),
                dashed,
                points: points(&curve.fractions(), |v| v > 0.0),
            });
        }
        if let Some(b) = super::metrics::rule_of_three(c.plain.n) {
            bounds.push(b);
            lines.push(Line {
                label: format!("3 / pairs, {name} (rule of three)"),
                colour: colour(2 * k),
                dashed: true,
                points: vec![(0.0, b), (f64::from(MAX_THRESHOLD), b)],
            });
        }
    }
    let smallest = lines
        .iter()
        .flat_map(|l| l.points.iter().map(|p| p.1))
        .chain(bounds)
        .fold(1.0f64, f64::min);
    let lo = 10f64.powf((smallest / 2.0).log10().floor());
    lines.insert(0, default_threshold_mark(lo, 1.0));
    let mut chart = ChartBuilder::on(&chart_area)
        .caption(
            "False positives between distinct originals",
            ("sans-serif", 20),
        )
        .margin(12)
        .x_label_area_size(44)
        .y_label_area_size(70)
        .build_cartesian_2d(0f64..f64::from(MAX_THRESHOLD), (lo..1.0f64).log_scale())?;
    chart
        .configure_mesh()
        .x_desc("threshold T (bits)")
        .y_desc("false-positive rate per pair")
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_label_formatter(&|v| format!("{v:.0e}"))
        .label_style(("sans-serif", 14))
        .axis_desc_style(("sans-serif", 15))
        .draw()?;
    draw_lines(&mut chart, &lines)?;
    draw_legend(&legend, &lines)
}

/// Writes one plot as `stem.svg` and `stem.png`.
fn write_plot<F, G>(
    dir: &Path,
    stem: &str,
    size: (u32, u32),
    draw_text_in_png: bool,
    svg: F,
    png: G,
) -> Vec<String>
where
    F: Fn(&DrawingArea<FontFree<SVGBackend<'_>>, Shift>) -> Result<(), String>,
    G: Fn(&DrawingArea<FontFree<BitMapBackend<'_>>, Shift>) -> Result<(), String>,
{
    let mut errors = Vec::new();
    let svg_path = dir.join(format!("{stem}.svg"));
    let mut text = String::new();
    let drawn = {
        let root = FontFree {
            inner: SVGBackend::with_string(&mut text, size),
            draw_text: true,
        }
        .into_drawing_area();
        svg(&root).and_then(|()| root.present().map_err(|e| e.to_string()))
    };
    match drawn {
        Ok(()) => {
            if let Err(e) = std::fs::write(&svg_path, text) {
                errors.push(format!("{}: {e}", svg_path.display()));
            }
        }
        Err(e) => errors.push(format!("{}: {e}", svg_path.display())),
    }

    let png_path = dir.join(format!("{stem}.png"));
    let mut pixels = vec![0u8; size.0 as usize * size.1 as usize * 3];
    let drawn = {
        let root = FontFree {
            inner: BitMapBackend::with_buffer(&mut pixels, size),
            draw_text: draw_text_in_png,
        }
        .into_drawing_area();
        png(&root).and_then(|()| root.present().map_err(|e| e.to_string()))
    };
    let written = drawn.and_then(|()| {
        image::RgbImage::from_raw(size.0, size.1, pixels)
            .ok_or_else(|| "plot buffer has the wrong size".to_string())?
            .save_with_format(&png_path, image::ImageFormat::Png)
            .map_err(|e| e.to_string())
    });
    if let Err(e) = written {
        errors.push(format!("{}: {e}", png_path.display()));
    }
    errors
}

/// Writes recall.{svg,png}, recall-trim.{svg,png} and
/// false-positives.{svg,png} into `dir`; returns the errors.
pub fn write_all(run: &Run, dir: &Path, font: &Font) -> Vec<String> {
    let text = matches!(font, Font::Loaded(_));
    let mut errors = Vec::new();
    for (stem, panels) in [
        ("recall", &RECALL_PANELS),
        ("recall-trim", &RECALL_TRIM_PANELS),
    ] {
        errors.extend(write_plot(
            dir,
            stem,
            (1600, 720),
            text,
            |a| draw_recall(a, run, panels).map_err(|e| e.to_string()),
            |a| draw_recall(a, run, panels).map_err(|e| e.to_string()),
        ));
    }
    errors.extend(write_plot(
        dir,
        "false-positives",
        (1200, 640),
        text,
        |a| draw_false_positives(a, run).map_err(|e| e.to_string()),
        |a| draw_false_positives(a, run).map_err(|e| e.to_string()),
    ));
    errors
}
