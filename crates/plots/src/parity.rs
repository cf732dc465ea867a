//! Parity plot: predicted against actual score on the test split, with the y = x line and R² in
//! the title (seed 002, Part 6, `scatter_plot`).

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::{DrawResult, TAB10, Theme, padded_range};

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

/// Draw predicted (y) against actual (x) scores, equal axes, y = x dashed in black.
/// Points whose value is not finite are skipped. `highlight` draws one point (e.g. the one under
/// the mouse) larger and outlined.
pub fn draw_parity<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    truth: &[f32],
    pred: &[f32],
    highlight: Option<usize>,
    opts: &ParityOptions,
) -> DrawResult<DB> {
    area.fill(&WHITE)?;
    let t = &opts.theme;
    let (lo, hi) = padded_range(truth.iter().chain(pred).map(|&v| v as f64));
    let mut chart = ChartBuilder::on(area)
        .margin(t.px(12.0))
        .caption(format!("{} (R² = {:.3})", opts.model_name, opts.r_squared), t.title_font())
        .x_label_area_size(t.px(44.0))
        .y_label_area_size(t.px(56.0))
        .build_cartesian_2d(lo..hi, lo..hi)?;
    chart
        .configure_mesh()
        .light_line_style(RGBColor(240, 240, 240))
        .bold_line_style(RGBColor(220, 220, 220))
        .x_desc("Actual score")
        .y_desc("Predicted score")
        .axis_desc_style(t.label_font())
        .label_style(t.tick_font())
        .draw()?;
    let color = TAB10[0].mix(opts.alpha);
    let r = t.px(2.5);
    chart.draw_series(
        truth
            .iter()
            .zip(pred)
            .filter(|(a, b)| a.is_finite() && b.is_finite())
            .map(|(&a, &b)| Circle::new((a as f64, b as f64), r, color.filled())),
    )?;
    chart.draw_series(DashedLineSeries::new(vec![(lo, lo), (hi, hi)], t.px(8.0), t.px(5.0), BLACK.stroke_width(t.px(2.0))))?;
    if let Some(i) = highlight.filter(|&i| i < truth.len() && i < pred.len()) {
        let p = (truth[i] as f64, pred[i] as f64);
        chart.draw_series([Circle::new(p, t.px(6.0), TAB10[3].filled()), Circle::new(p, t.px(6.0), BLACK.stroke_width(t.px(1.5)))])?;
    }
    Ok(())
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
        let svg = render_svg(500, 500, |a| draw_parity(a, &truth, &pred, Some(1), &opts).unwrap());
        assert!(svg.contains("CNN (R² = 0.943)"), "title");
        assert!(svg.contains("Actual score") && svg.contains("Predicted score"));
        // 3 finite points + 2 highlight circles.
        assert_eq!(svg.matches("<circle").count(), 5);
    }
}
