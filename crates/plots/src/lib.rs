//! DNA Playground's drawings, generic over plotters' [`DrawingBackend`]: the web app hands them
//! a canvas backend, the CLI an SVG backend, tests `SVGBackend::with_string`.
//!
//! Numbers come from the model crate (information content, letter heights); this crate only
//! draws them. Every function redraws its whole area, background first.

use plotters::coord::Shift;
use plotters::prelude::*;

mod boxplot;
mod glyphs;
mod heatmap;
mod histogram;
mod lines;
mod logo;
mod loss;
mod parity;
mod tracks;

pub use boxplot::{BoxOptions, BoxPanel, BoxSeries, draw_box_panels};
pub use heatmap::draw_filter_heatmaps;
pub use histogram::{HistogramSeries, draw_histograms, thousands};
pub use lines::{Line, LineOptions, draw_lines};
pub use logo::{LOGO_COLORS, Logo, draw_logos};
pub use loss::{LossOptions, LossSeries, draw_loss_curves};
pub use parity::{ParityOptions, PlotFrame, draw_parity};
pub use tracks::{Track, TrackKind, draw_tracks, motif_ranges};

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

/// Sizes shared by all drawings. `scale` multiplies every font size and stroke width, so a
/// canvas whose backing store is `devicePixelRatio` times its CSS size stays sharp (plotters
/// issue 164).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Theme {
    /// Multiplier for fonts, strokes and margins (1.0 for SVG; `devicePixelRatio` on a canvas).
    pub scale: f64,
    /// Font size of titles, in CSS pixels before scaling.
    pub title_size: f64,
    /// Font size of axis labels and ticks, in CSS pixels before scaling.
    pub label_size: f64,
}

impl Default for Theme {
    fn default() -> Self {
        Theme { scale: 1.0, title_size: 20.0, label_size: 15.0 }
    }
}

impl Theme {
    /// A theme scaled by `scale`.
    pub fn scaled(scale: f64) -> Self {
        Theme { scale, ..Theme::default() }
    }

    /// `v` CSS pixels in backend pixels.
    pub fn px(&self, v: f64) -> u32 {
        (v * self.scale).round().max(1.0) as u32
    }

    pub(crate) fn title_font(&self) -> TextStyle<'static> {
        ("sans-serif", self.title_size * self.scale).into_font().color(&BLACK)
    }

    pub(crate) fn label_font(&self) -> TextStyle<'static> {
        ("sans-serif", self.label_size * self.scale).into_font().color(&BLACK)
    }

    pub(crate) fn tick_font(&self) -> TextStyle<'static> {
        ("sans-serif", self.label_size * 0.85 * self.scale).into_font().color(&RGBColor(60, 60, 60))
    }
}

/// Draw a message in the middle of an empty area (for "no data yet").
pub fn draw_message<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, theme: &Theme, message: &str) -> DrawResult<DB> {
    area.fill(&WHITE)?;
    let (w, h) = area.dim_in_pixel();
    let style = theme.label_font().color(&RGBColor(110, 110, 110)).pos(plotters::style::text_anchor::Pos::new(
        plotters::style::text_anchor::HPos::Center,
        plotters::style::text_anchor::VPos::Center,
    ));
    area.draw_text(message, &style, (w as i32 / 2, h as i32 / 2))
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
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(200, 200, 200))
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
