//! DNA Playground's drawings, generic over plotters' [`DrawingBackend`]: the web app hands them
//! a canvas backend, the CLI an SVG backend, tests `SVGBackend::with_string`.
//!
//! Numbers come from the model crate (information content, letter heights); this crate only
//! draws them. Every function redraws its whole area, background first.

use plotters::coord::Shift;
use plotters::prelude::*;

pub mod archive;
mod boxplot;
mod curves;
pub mod describe;
pub mod export;
mod glyphs;
mod heatmap;
mod histogram;
mod lines;
mod logo;
mod loss;
mod parity;
mod qr;
mod tracks;

pub use boxplot::{BoxOptions, BoxPanel, BoxSeries, draw_box_panels};
pub use curves::{MAX_CURVE_POINTS, draw_pr, draw_roc, thin};
pub use heatmap::draw_filter_heatmaps;
pub use histogram::{HistogramSeries, draw_histograms, thousands};
pub use lines::{Line, LineOptions, draw_lines};
pub use logo::{LOGO_COLORS, Logo, draw_logos};
pub use loss::{LossOptions, LossSeries, draw_loss_curves};
pub use parity::{ParityOptions, PlotFrame, draw_parity};
pub use qr::{QUIET_ZONE, QrError, qr_svg};
pub use tracks::{Track, TrackKind, draw_tracks, motif_ranges};

/// Fine grid lines between two labelled ones: plotters' default of 10 filled a 130-px box-plot
/// panel with a line every 2 px (a grey band), and a log axis's top decade with a solid one.
pub const FINE_LINES: usize = 1;

/// How many x labels fit `plot`'s width for an axis from `lo` to `hi`: each needs about as much
/// room as the wider end written with one decimal (a minus sign counts) and a gap. At least 2,
/// at most plotters' default of 11, which ran "0.00.10.20.3…" together in lesson 13's 250-px
/// score histogram. Plotters then picks that many round values or fewer (steps of 1, 2 or 5
/// times a power of ten).
pub(crate) fn x_label_count<DB: DrawingBackend, C: CoordTranslate>(plot: &DrawingArea<DB, C>, lo: f64, hi: f64, t: &Theme) -> usize {
    let (a, b) = (format!("{lo:.1}"), format!("{hi:.1}"));
    let widest = if a.len() > b.len() { a } else { b };
    let label = plot.estimate_text_size(&widest, &t.tick_font()).map_or(t.px(24.0), |(w, _)| w) + t.px(12.0);
    ((plot.dim_in_pixel().0 / label.max(1)) as usize).clamp(2, 11)
}

/// What a drawing function returns: plotters' error for the backend in use.
pub type DrawResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// matplotlib's `tab10` colours (`C0` … `C9`), as the seed's plots use them.
pub const TAB10: [RGBColor; 10] = [
    RGBColor(0x1f, 0x77, 0xb4),
    RGBColor(0xff, 0x7f, 0x0e),
    RGBColor(0x2c, 0xa0, 0x2c),
    RGBColor(0xd6, 0x27, 0x28),
    RGBColor(0x94, 0x67, 0xbd),
    RGBColor(0x8c, 0x56, 0x4b),
    RGBColor(0xe3, 0x77, 0xc2),
    RGBColor(0x7f, 0x7f, 0x7f),
    RGBColor(0xbc, 0xbd, 0x22),
    RGBColor(0x17, 0xbe, 0xcf),
];

/// A high-contrast counterpart of [`TAB10`] for projectors and low vision (the page's
/// `contrast=1`): dark, saturated colours, each at least 4.5:1 against white (WCAG 1.4.3), in
/// `tab10`'s order of hues.
pub const HIGH_CONTRAST: [RGBColor; 10] = [
    RGBColor(0x00, 0x33, 0xcc),
    RGBColor(0xa8, 0x4a, 0x00),
    RGBColor(0x00, 0x66, 0x00),
    RGBColor(0xc0, 0x00, 0x00),
    RGBColor(0x66, 0x22, 0x99),
    RGBColor(0x5c, 0x33, 0x17),
    RGBColor(0xa3, 0x00, 0x6b),
    RGBColor(0x33, 0x33, 0x33),
    RGBColor(0x5f, 0x5f, 0x00),
    RGBColor(0x00, 0x5f, 0x6b),
];

/// Sizes and colours shared by all drawings. `scale` multiplies every font size and stroke
/// width, so a canvas whose backing store is `devicePixelRatio` times its CSS size stays sharp
/// (plotters issue 164). `contrast` switches to the high-contrast palette: black text, darker
/// grids, [`HIGH_CONTRAST`] series, darker logo letters, thicker strokes and larger fonts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Theme {
    /// Multiplier for fonts, strokes and margins (1.0 for SVG; `devicePixelRatio` on a canvas).
    pub scale: f64,
    /// Font size of titles, in CSS pixels before scaling.
    pub title_size: f64,
    /// Font size of axis labels and ticks, in CSS pixels before scaling.
    pub label_size: f64,
    /// The high-contrast palette (the page's `contrast=1`).
    pub contrast: bool,
}

impl Default for Theme {
    fn default() -> Self {
        Theme { scale: 1.0, title_size: 20.0, label_size: 15.0, contrast: false }
    }
}

impl Theme {
    /// A theme scaled by `scale`.
    pub fn scaled(scale: f64) -> Self {
        Theme { scale, ..Theme::default() }
    }

    /// This theme in the high-contrast palette (`on`), with fonts 20% larger, or as it is.
    pub fn with_contrast(self, on: bool) -> Self {
        if on && !self.contrast {
            Theme { contrast: true, title_size: self.title_size * 1.2, label_size: self.label_size * 1.2, ..self }
        } else {
            self
        }
    }

    /// `v` CSS pixels in backend pixels.
    pub fn px(&self, v: f64) -> u32 {
        (v * self.scale).round().max(1.0) as u32
    }

    /// A stroke `v` CSS pixels wide in backend pixels: 1.6 times wider in high contrast.
    pub fn stroke(&self, v: f64) -> u32 {
        self.px(if self.contrast { v * 1.6 } else { v })
    }

    /// The colour of series `i`: [`TAB10`], or [`HIGH_CONTRAST`].
    pub fn series(&self, i: usize) -> RGBColor {
        if self.contrast { HIGH_CONTRAST[i % HIGH_CONTRAST.len()] } else { TAB10[i % TAB10.len()] }
    }

    /// The colours of A, C, G and T: logomaker's classic ones ([`LOGO_COLORS`]), or darker
    /// shades of the same hues (each at least 4.5:1 against white) in high contrast.
    pub fn bases(&self) -> [RGBColor; 4] {
        if self.contrast { [RGBColor(0, 100, 0), RGBColor(0, 0, 200), RGBColor(170, 95, 0), RGBColor(190, 0, 0)] } else { LOGO_COLORS }
    }

    /// An opacity for fills and dense points: `alpha`, raised to at least 0.5 in high contrast.
    pub fn alpha(&self, alpha: f64) -> f64 {
        if self.contrast { alpha.max(0.5) } else { alpha }
    }

    /// The fine and the major grid lines. Charts draw at most [`FINE_LINES`] fine lines between
    /// two labelled ones.
    pub fn grid(&self) -> (RGBColor, RGBColor) {
        if self.contrast { (RGBColor(200, 200, 200), RGBColor(120, 120, 120)) } else { (RGBColor(238, 238, 238), RGBColor(218, 218, 218)) }
    }

    /// Secondary text and marks (reference lines, muted labels).
    pub fn muted(&self) -> RGBColor {
        if self.contrast { BLACK } else { RGBColor(110, 110, 110) }
    }

    pub(crate) fn title_font(&self) -> TextStyle<'static> {
        ("sans-serif", self.title_size * self.scale).into_font().color(&BLACK)
    }

    pub(crate) fn label_font(&self) -> TextStyle<'static> {
        ("sans-serif", self.label_size * self.scale).into_font().color(&BLACK)
    }

    /// The tick labels' font size in pixels.
    pub(crate) fn tick_size(&self) -> f64 {
        self.label_size * 0.85 * self.scale
    }

    pub(crate) fn tick_font(&self) -> TextStyle<'static> {
        let color = if self.contrast { BLACK } else { RGBColor(60, 60, 60) };
        ("sans-serif", self.tick_size()).into_font().color(&color)
    }
}

/// Draw a message in the middle of an empty area (for "no data yet"), wrapped at spaces into
/// as many centred lines as the area's width needs (a phone's plot is narrower than a sentence).
pub fn draw_message<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, theme: &Theme, message: &str) -> DrawResult<DB> {
    area.fill(&WHITE)?;
    let (w, h) = area.dim_in_pixel();
    let muted = theme.muted();
    let style = theme.label_font().color(&muted).pos(plotters::style::text_anchor::Pos::new(
        plotters::style::text_anchor::HPos::Center,
        plotters::style::text_anchor::VPos::Center,
    ));
    let room = w.saturating_sub(2 * (theme.label_size * theme.scale) as u32).max(1);
    let lines = wrap_text(area, message, &style, room);
    let line_height = (theme.label_size * theme.scale * 1.3) as i32;
    let top = h as i32 / 2 - line_height * (lines.len() as i32 - 1) / 2;
    for (i, line) in lines.iter().enumerate() {
        area.draw_text(line, &style, (w as i32 / 2, top + line_height * i as i32))?;
    }
    Ok(())
}

/// `text` broken at spaces into lines at most `room` pixels wide in `style` (a word wider than
/// `room` gets a line of its own).
pub(crate) fn wrap_text<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, text: &str, style: &TextStyle, room: u32) -> Vec<String> {
    let fits = |line: &str| area.estimate_text_size(line, style).map_or(true, |(lw, _)| lw <= room);
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(last) if fits(&format!("{last} {word}")) => {
                last.push(' ');
                last.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

/// Draw the series labels of `chart` as every chart here does: a white, lightly bordered box at
/// `position`, in the tick font.
pub(crate) fn draw_legend<'a, DB, CT>(chart: &mut ChartContext<'a, DB, CT>, position: SeriesLabelPosition, theme: &Theme) -> DrawResult<DB>
where
    DB: DrawingBackend + 'a,
    CT: plotters::coord::CoordTranslate,
{
    chart
        .configure_series_labels()
        .position(position)
        .background_style(WHITE.mix(if theme.contrast { 1.0 } else { 0.85 }))
        .border_style(if theme.contrast { BLACK } else { RGBColor(200, 200, 200) })
        .label_font(theme.tick_font())
        .draw()
}

/// Nice axis bounds: the range of the finite values, padded by 5%, never empty.
pub(crate) fn padded_range(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    if hi - lo < 1e-9 {
        return (lo - 0.5, hi + 0.5);
    }
    let pad = 0.05 * (hi - lo);
    (lo - pad, hi + pad)
}

/// The text of each `<text>` in `svg`, in the order drawn (plotters writes each tick label and
/// title as one).
#[cfg(test)]
pub(crate) fn svg_texts(svg: &str) -> Vec<String> {
    svg.split("<text").skip(1).filter_map(|t| Some(t.split('>').nth(1)?.split('<').next()?.trim().to_string())).collect()
}

#[cfg(test)]
pub(crate) fn render_svg(w: u32, h: u32, draw: impl FnOnce(&DrawingArea<SVGBackend, Shift>)) -> String {
    let mut out = String::new();
    {
        let area = SVGBackend::with_string(&mut out, (w, h)).into_drawing_area();
        draw(&area);
        area.present().expect("svg should render");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_wider_than_its_area_wraps_into_centred_lines() {
        let message = "Only the two newest runs keep their filter maps (memory): pick one of them, or train again";
        let lines = |width: u32| {
            let svg = render_svg(width, 200, |area| draw_message(area, &Theme::default(), message).expect("drawn"));
            svg.matches("<text").count()
        };
        // A phone's plot (about 340 px) needs several lines; a desktop's one.
        assert!(lines(340) >= 3, "{} lines at 340 px", lines(340));
        assert_eq!(lines(1400), 1);
        // Every word is drawn once, in order.
        let svg = render_svg(340, 200, |area| draw_message(area, &Theme::default(), message).expect("drawn"));
        let drawn = svg_texts(&svg);
        assert_eq!(drawn.join(" "), message);
    }
}
