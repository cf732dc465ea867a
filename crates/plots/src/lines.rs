//! Line charts: seed 003's activation functions (Fig. 1a) and per-epoch metrics such as the
//! validation AUROC and the filter match fraction.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::{DrawResult, draw_legend, Theme, padded_range};

/// One line.
#[derive(Debug, Clone)]
pub struct Line {
    /// Legend label.
    pub label: String,
    /// Points `(x, y)`; non-finite ones are skipped.
    pub points: Vec<(f64, f64)>,
    /// Colour.
    pub color: RGBColor,
    /// Dashed instead of solid.
    pub dashed: bool,
}

/// Axes of a line chart.
#[derive(Debug, Clone)]
pub struct LineOptions {
    /// x-axis label.
    pub x_label: String,
    /// y-axis label.
    pub y_label: String,
    /// Fixed y range; `None` fits the data with 5% padding.
    pub y_range: Option<(f64, f64)>,
    /// Fixed x range; `None` fits the data.
    pub x_range: Option<(f64, f64)>,
    /// Label only whole-number x ticks (epochs).
    pub integer_x: bool,
    /// Where the legend goes.
    pub legend: SeriesLabelPosition,
    /// x ranges shaded behind the lines (e.g. where a motif was planted), with their label.
    pub bands: Vec<(f64, f64, String)>,
    /// Sizes.
    pub theme: Theme,
}

impl Default for LineOptions {
    fn default() -> Self {
        LineOptions { x_label: String::new(), y_label: String::new(), y_range: None, x_range: None, integer_x: false, legend: SeriesLabelPosition::UpperLeft, bands: Vec::new(), theme: Theme::default() }
    }
}

/// Draw `lines` with a legend. A line stops where it leaves a fixed y range (points outside it
/// are not drawn, rather than drawn flat along the border).
pub fn draw_lines<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, lines: &[Line], opts: &LineOptions) -> DrawResult<DB> {
    area.fill(&WHITE)?;
    let finite = |p: &&(f64, f64)| p.0.is_finite() && p.1.is_finite();
    let (x0, x1) = opts.x_range.unwrap_or_else(|| {
        let (lo, hi) = padded_range(lines.iter().flat_map(|l| l.points.iter().filter(finite).map(|p| p.0)));
        if opts.integer_x { (lo.min(0.0), hi.max(1.0)) } else { (lo, hi) }
    });
    let (y0, y1) = opts.y_range.unwrap_or_else(|| padded_range(lines.iter().flat_map(|l| l.points.iter().filter(finite).map(|p| p.1))));
    let t = &opts.theme;
    let mut chart = ChartBuilder::on(area)
        .margin(t.px(12.0))
        .x_label_area_size(t.px(44.0))
        .y_label_area_size(t.px(60.0))
        .build_cartesian_2d(x0..x1, y0..y1)?;
    let integer_x = opts.integer_x;
    let x_labels = crate::x_label_count(chart.plotting_area(), x0, x1, t);
    chart
        .configure_mesh()
        .x_labels(x_labels)
        .light_line_style(t.grid().0)
        .max_light_lines(crate::FINE_LINES)
        .bold_line_style(t.grid().1)
        .x_desc(opts.x_label.as_str())
        .y_desc(opts.y_label.as_str())
        .axis_desc_style(t.label_font())
        .label_style(t.tick_font())
        .x_label_formatter(&|v| {
            if !integer_x {
                tick(*v)
            } else if (v - v.round()).abs() < 1e-6 {
                format!("{}", v.round() as i64)
            } else {
                String::new()
            }
        })
        .draw()?;
    for (a, b, label) in &opts.bands {
        let shade = RGBColor(255, 200, 60).mix(0.3).filled();
        chart.draw_series(std::iter::once(Rectangle::new([(*a, y0), (*b, y1)], shade)))?;
        let style = t.tick_font().color(&RGBColor(150, 100, 0));
        chart.draw_series(std::iter::once(Text::new(label.clone(), (*a, y1 - (y1 - y0) * 0.04), style)))?;
    }
    for line in lines {
        let pts: Vec<(f64, f64)> = line.points.iter().filter(finite).filter(|p| (y0..=y1).contains(&p.1)).copied().collect();
        let style = line.color.stroke_width(t.stroke(2.5));
        let series = if line.dashed {
            chart.draw_series(DashedLineSeries::new(pts.clone(), t.px(6.0), t.px(4.0), style))?
        } else {
            chart.draw_series(LineSeries::new(pts.clone(), style))?
        };
        series.label(line.label.clone()).legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], style));
        // Mark the points when there are few of them (epochs), so one epoch is visible.
        if pts.len() <= 40 {
            chart.draw_series(pts.iter().map(|&p| Circle::new(p, t.px(3.0), line.color.filled())))?;
        }
    }
    if !lines.is_empty() {
        draw_legend(&mut chart, opts.legend.clone(), t)?;
    }
    Ok(())
}

/// A tick label without binary noise: 0.30000000000000004 reads 0.3 (ten decimals at most,
/// trailing zeros dropped).
fn tick(v: f64) -> String {
    let s = format!("{v:.10}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.into() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{TAB10, render_svg};

    #[test]
    fn ticks_read_as_typed() {
        assert_eq!([tick(0.1 + 0.2), tick(0.7999999999999999), tick(1.0), tick(-0.0), tick(2.5e-5), tick(-12.25)], ["0.3", "0.8", "1", "0", "0.000025", "-12.25"]);
    }

    #[test]
    fn draws_each_line_with_its_label_and_axes() {
        let relu = Line { label: "relu".into(), points: vec![(-3.0, 0.0), (0.0, 0.0), (3.0, 3.0)], color: TAB10[0], dashed: false };
        let exp = Line { label: "exp".into(), points: vec![(-3.0, 0.05), (0.0, 1.0), (f64::NAN, 2.0), (2.0, 7.39)], color: TAB10[1], dashed: true };
        let opts = LineOptions { x_label: "x".into(), y_label: "f(x)".into(), y_range: Some((-1.0, 4.0)), bands: vec![(0.5, 1.5, "TATAAA".into())], ..LineOptions::default() };
        let svg = render_svg(500, 300, |a| draw_lines(a, &[relu, exp], &opts).unwrap());
        assert!(svg.contains("relu") && svg.contains("exp"), "legend");
        assert!(svg.contains("f(x)"), "y label");
        assert!(svg.contains("TATAAA"), "band label");
        assert!(svg.contains("#1F77B4") || svg.contains("#1f77b4"));
        assert!(svg.contains("#FF7F0E") || svg.contains("#ff7f0e"));
    }
}
