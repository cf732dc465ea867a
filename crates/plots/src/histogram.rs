//! Overlaid score histograms (seed 002, Part 1 and `plot_train_test_hist`).

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::{DrawResult, draw_legend, Theme, padded_range};

/// One data set to histogram.
#[derive(Debug, Clone, Copy)]
pub struct HistogramSeries<'a> {
    /// Legend label; the count is appended, e.g. "train (n = 41,942)".
    pub label: &'a str,
    /// The values.
    pub values: &'a [f32],
    /// Bar opacity (the seed uses 0.5, 0.75 and 0.4 for train, val and test).
    pub alpha: f64,
}

/// Thousands separators: 41942 → "41,942" (the model crate's, which its messages use).
pub fn thousands(n: usize) -> String {
    dnaplay_model::settings::thousands(n as u64)
}

/// Draw histograms with `bins` equal-width bins over the range of all values, series `i` in
/// colour `C{i}`. Non-finite values are skipped.
pub fn draw_histograms<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, series: &[HistogramSeries], bins: usize, x_label: &str, theme: &Theme) -> DrawResult<DB> {
    area.fill(&WHITE)?;
    let bins = bins.max(1);
    let all = || series.iter().flat_map(|s| s.values.iter()).map(|&v| v as f64).filter(|v| v.is_finite());
    let (lo, hi) = all().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
    let (lo, hi) = if lo.is_finite() { if hi > lo { (lo, hi) } else { (lo - 0.5, hi + 0.5) } } else { (0.0, 1.0) };
    let width = (hi - lo) / bins as f64;
    let counts: Vec<Vec<usize>> = series
        .iter()
        .map(|s| {
            let mut c = vec![0usize; bins];
            for &v in s.values.iter().filter(|v| v.is_finite()) {
                let b = (((v as f64 - lo) / width) as usize).min(bins - 1);
                c[b] += 1;
            }
            c
        })
        .collect();
    let max = counts.iter().flatten().copied().max().unwrap_or(1).max(1);
    let (x0, x1) = padded_range([lo, hi].into_iter());
    let mut chart = ChartBuilder::on(area)
        .margin(theme.px(12.0))
        .x_label_area_size(theme.px(44.0))
        .y_label_area_size(theme.px(64.0))
        .build_cartesian_2d(x0..x1, 0.0..max as f64 * 1.08)?;
    let x_labels = crate::x_label_count(chart.plotting_area(), x0, x1, theme);
    chart
        .configure_mesh()
        .x_labels(x_labels)
        .disable_x_mesh()
        .light_line_style(theme.grid().0)
        .max_light_lines(crate::FINE_LINES)
        .bold_line_style(theme.grid().1)
        .x_desc(x_label)
        .y_desc("Count")
        .axis_desc_style(theme.label_font())
        .label_style(theme.tick_font())
        .y_label_formatter(&|v| thousands(v.round().max(0.0) as usize))
        .draw()?;
    for (i, (s, c)) in series.iter().zip(&counts).enumerate() {
        let color = theme.series(i);
        let fill = color.mix(theme.alpha(s.alpha)).filled();
        chart
            .draw_series(c.iter().enumerate().filter(|(_, n)| **n > 0).map(|(b, &n)| {
                let left = lo + b as f64 * width;
                Rectangle::new([(left, 0.0), (left + width, n as f64)], fill)
            }))?
            .label(format!("{} (n = {})", s.label, thousands(s.values.len())))
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], color.mix(0.7).filled()));
    }
    if series.len() > 1 || series.first().is_some_and(|s| !s.label.is_empty()) {
        draw_legend(&mut chart, SeriesLabelPosition::UpperLeft, theme)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{render_svg, svg_texts};

    #[test]
    fn a_narrow_histogram_writes_fewer_x_labels_that_do_not_touch() {
        // Lesson 13's score histogram: probabilities from 0 to 1 in a 250-px canvas.
        let negative: Vec<f32> = (0..199).map(|i| i as f32 / 400.0).collect();
        let positive: Vec<f32> = (0..201).map(|i| 0.5 + i as f32 / 402.0).collect();
        let series = [HistogramSeries { label: "negative", values: &negative, alpha: 0.6 }, HistogramSeries { label: "positive", values: &positive, alpha: 0.6 }];
        let decimals = |svg: &str| svg_texts(svg).into_iter().filter(|t| t.contains('.')).count();
        let narrow = render_svg(250, 180, |a| draw_histograms(a, &series, 30, "Predicted probability", &Theme::default()).unwrap());
        let wide = render_svg(900, 300, |a| draw_histograms(a, &series, 30, "Predicted probability", &Theme::default()).unwrap());
        assert!(decimals(&wide) >= 9, "a wide plot keeps a label every 0.1: {:?}", svg_texts(&wide));
        let n = decimals(&narrow);
        assert!((2..=6).contains(&n), "a 250-px plot writes 2 to 6 x labels, not 11: {:?}", svg_texts(&narrow));
    }

    #[test]
    fn bars_and_counts() {
        assert_eq!(thousands(41_942), "41,942");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_048_576), "1,048,576");
        let train = [1.0f32, 1.1, 5.0, 9.0];
        let test = [1.0f32, 9.0];
        let s = [HistogramSeries { label: "train", values: &train, alpha: 0.5 }, HistogramSeries { label: "test", values: &test, alpha: 0.4 }];
        let svg = render_svg(600, 400, |a| draw_histograms(a, &s, 4, "Sequence score", &Theme::default()).unwrap());
        assert!(svg.contains("train (n = 4)") && svg.contains("test (n = 2)"));
        assert!(svg.contains("Sequence score") && svg.contains("Count"));
        // train fills bins 0 (1.0, 1.1), 2 (5.0) and 3 (9.0 falls in the last bin); test bins 0 and 3.
        assert_eq!(svg.matches(r##"opacity="0.5" fill="#1F77B4""##).count(), 3, "{svg}");
        assert_eq!(svg.matches(r##"opacity="0.4" fill="#FF7F0E""##).count(), 2, "{svg}");
    }
}
