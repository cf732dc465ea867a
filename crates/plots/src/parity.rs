//! Parity plot: predicted against actual score on the test split, with the y = x line and R² in
//! the title (seed 002, Part 6, `scatter_plot`).

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::{Theme, padded_range};

/// Title and labels of a parity plot.
#[derive(Debug, Clone)]
pub struct ParityOptions {
    /// Model name shown in the title, as "CNN (R² = 0.943)".
    pub model_name: String,
    /// R² of the predictions.
    pub r_squared: f64,
    /// Point opacity (the seed uses 0.2).
    pub alpha: f64,
    /// Sizes.
    pub theme: Theme,
}

/// Where a parity plot's data went, to map a pointer position back to a point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlotFrame {
    /// The plotting area in backend pixels: `(left, top)` and `(right, bottom)`.
    pub pixels: ((i32, i32), (i32, i32)),
    /// Data value at the left and right edges (x axis).
    pub x_range: (f64, f64),
    /// Data value at the bottom and top edges (y axis).
    pub y_range: (f64, f64),
}

impl PlotFrame {
    /// Backend pixel of the data point `(x, y)`.
    pub fn to_pixel(&self, x: f64, y: f64) -> (f64, f64) {
        let ((l, t), (r, b)) = self.pixels;
        let fx = (x - self.x_range.0) / (self.x_range.1 - self.x_range.0);
        let fy = (y - self.y_range.0) / (self.y_range.1 - self.y_range.0);
        (l as f64 + fx * (r - l) as f64, b as f64 - fy * (b - t) as f64)
    }

    /// The point of `xs`, `ys` nearest to backend pixel `(px, py)`, if one lies within `radius`
    /// pixels. Non-finite points are skipped.
    pub fn nearest(&self, xs: &[f32], ys: &[f32], (px, py): (f64, f64), radius: f64) -> Option<usize> {
        let mut best = None;
        let mut best_d2 = radius * radius;
        for (i, (&x, &y)) in xs.iter().zip(ys).enumerate() {
            if !(x.is_finite() && y.is_finite()) {
                continue;
            }
            let (qx, qy) = self.to_pixel(x as f64, y as f64);
            let d2 = (qx - px).powi(2) + (qy - py).powi(2);
            if d2 <= best_d2 {
                best_d2 = d2;
                best = Some(i);
            }
        }
        best
    }
}

/// Draw predicted (y) against actual (x) scores, equal axes, y = x dashed in black.
/// Points whose value is not finite are skipped. `highlight` draws one point (e.g. the one under
/// the mouse) larger and outlined. Returns where the data went ([`PlotFrame`]).
pub fn draw_parity<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    truth: &[f32],
    pred: &[f32],
    highlight: Option<usize>,
    opts: &ParityOptions,
) -> Result<PlotFrame, DrawingAreaErrorKind<DB::ErrorType>> {
    area.fill(&WHITE)?;
    let t = &opts.theme;
    let (lo, hi) = padded_range(truth.iter().chain(pred).map(|&v| v as f64));
    let mut chart = ChartBuilder::on(area)
        .margin(t.px(12.0))
        .caption(format!("{} (R² = {:.3})", opts.model_name, opts.r_squared), t.title_font())
        .x_label_area_size(t.px(44.0))
        .y_label_area_size(t.px(56.0))
        .build_cartesian_2d(lo..hi, lo..hi)?;
    let x_labels = crate::x_label_count(chart.plotting_area(), lo, hi, t);
    chart
        .configure_mesh()
        .x_labels(x_labels)
        .light_line_style(t.grid().0)
        .max_light_lines(crate::FINE_LINES)
        .bold_line_style(t.grid().1)
        .x_desc("Actual score")
        .y_desc("Predicted score")
        .axis_desc_style(t.label_font())
        .label_style(t.tick_font())
        .draw()?;
    let color = t.series(0).mix(t.alpha(opts.alpha));
    let r = t.px(2.5);
    chart.draw_series(
        truth
            .iter()
            .zip(pred)
            .filter(|(a, b)| a.is_finite() && b.is_finite())
            .map(|(&a, &b)| Circle::new((a as f64, b as f64), r, color.filled())),
    )?;
    chart.draw_series(DashedLineSeries::new(vec![(lo, lo), (hi, hi)], t.px(8.0), t.px(5.0), BLACK.stroke_width(t.stroke(2.0))))?;
    if let Some(i) = highlight.filter(|&i| i < truth.len() && i < pred.len()) {
        let p = (truth[i] as f64, pred[i] as f64);
        chart.draw_series([Circle::new(p, t.px(6.0), t.series(3).filled()), Circle::new(p, t.px(6.0), BLACK.stroke_width(t.stroke(1.5)))])?;
    }
    let (xs, ys) = chart.plotting_area().get_pixel_range();
    Ok(PlotFrame { pixels: ((xs.start, ys.start), (xs.end, ys.end)), x_range: (lo, hi), y_range: (lo, hi) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render_svg;

    #[test]
    fn title_carries_r_squared_and_points_are_drawn() {
        let truth = [2.5f32, 15.0, 25.875, 20.0];
        let pred = [3.6f32, 15.1, 24.8, f32::NAN];
        let opts = ParityOptions { model_name: "CNN".into(), r_squared: 0.9434, alpha: 0.2, theme: Theme::default() };
        let svg = render_svg(500, 500, |a| {
            draw_parity(a, &truth, &pred, Some(1), &opts).unwrap();
        });
        assert!(svg.contains("CNN (R² = 0.943)"), "title");
        assert!(svg.contains("Actual score") && svg.contains("Predicted score"));
        // 3 finite points + 2 highlight circles.
        assert_eq!(svg.matches("<circle").count(), 5);
    }

    #[test]
    fn frame_maps_points_back() {
        let truth = [2.5f32, 15.0, 25.875];
        let pred = [3.6f32, 15.1, 24.8];
        let opts = ParityOptions { model_name: "CNN".into(), r_squared: 0.9, alpha: 0.2, theme: Theme::default() };
        let mut frame = None;
        render_svg(500, 500, |a| frame = Some(draw_parity(a, &truth, &pred, None, &opts).unwrap()));
        let frame = frame.unwrap();
        let ((l, t), (r, b)) = frame.pixels;
        assert!(l < r && t < b && r <= 500 && b <= 500, "plot area inside the drawing: {:?}", frame.pixels);
        // The pixel of point 2 finds point 2; a pixel far from every point finds none.
        let p = frame.to_pixel(25.875, 24.8);
        assert_eq!(frame.nearest(&truth, &pred, p, 4.0), Some(2));
        assert_eq!(frame.nearest(&truth, &pred, (p.0 - 3.0, p.1 + 2.0), 8.0), Some(2));
        assert_eq!(frame.nearest(&truth, &pred, frame.to_pixel(25.0, 3.0), 8.0), None);
    }
}
