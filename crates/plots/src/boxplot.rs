//! Box plots, seed 003's Fig. 1c style: one panel per architecture, one box per activation, the
//! box from the first to the third quartile, the median as a red line, whiskers to the extremes,
//! and every run as a dot (few runs per box make the dots worth seeing).

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::{DrawResult, Theme};

/// One box: its category label, quartiles and the values behind them.
#[derive(Debug, Clone, PartialEq)]
pub struct BoxSeries {
    /// Category label on the x axis, e.g. "exp".
    pub label: String,
    /// Minimum, first quartile, median, third quartile, maximum; `None` for no values.
    pub stats: Option<[f64; 5]>,
    /// Every value, drawn as dots.
    pub values: Vec<f64>,
}

/// One panel: a title (e.g. "CNN-2") and its boxes, left to right.
#[derive(Debug, Clone, PartialEq)]
pub struct BoxPanel {
    /// The panel's title.
    pub title: String,
    /// Its boxes.
    pub boxes: Vec<BoxSeries>,
}

/// Axis settings of a box plot.
#[derive(Debug, Clone)]
pub struct BoxOptions {
    /// The y-axis label, e.g. "fraction of filters matching a motif".
    pub y_label: String,
    /// The y range; seed 003's match fractions run from 0 to 1.
    pub y_range: (f64, f64),
    /// Sizes.
    pub theme: Theme,
}

/// Draw `panels` stacked top to bottom, each a box plot over the same y range. A box with no
/// values shows "no runs" in its place.
pub fn draw_box_panels<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, panels: &[BoxPanel], opts: &BoxOptions) -> DrawResult<DB> {
    area.fill(&WHITE)?;
    if panels.is_empty() {
        return Ok(());
    }
    for (panel, sub) in panels.iter().zip(area.split_evenly((panels.len(), 1))) {
        draw_panel(&sub, panel, opts)?;
    }
    Ok(())
}

fn draw_panel<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, panel: &BoxPanel, opts: &BoxOptions) -> DrawResult<DB> {
    let t = &opts.theme;
    let n = panel.boxes.len().max(1);
    let (lo, hi) = opts.y_range;
    let mut chart = ChartBuilder::on(area)
        .margin(t.px(8.0))
        .caption(&panel.title, t.title_font())
        .x_label_area_size(t.px(30.0))
        .y_label_area_size(t.px(64.0))
        // Box i is centred at x = 100·i, with one tick there (plotters' own ticks on a float
        // axis need not fall on the boxes, and then their labels went missing).
        .build_cartesian_2d((-50..(n as i32 * 100 - 50)).with_key_points((0..n as i32).map(|i| i * 100).collect()), lo..hi)?;
    let labels: Vec<String> = panel.boxes.iter().map(|b| b.label.clone()).collect();
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(t.grid().0)
        .bold_line_style(t.grid().1)
        .x_label_formatter(&|v: &i32| if v % 100 == 0 && *v >= 0 { labels.get((v / 100) as usize).cloned().unwrap_or_default() } else { String::new() })
        .y_desc(opts.y_label.as_str())
        .axis_desc_style(t.label_font())
        .label_style(t.tick_font())
        .draw()?;
    let half = 30;
    for (i, b) in panel.boxes.iter().enumerate() {
        let x = i as i32 * 100;
        let Some([min, q1, median, q3, max]) = b.stats else {
            chart.draw_series(std::iter::once(Text::new("no runs", (x - 25, (lo + hi) / 2.0), t.tick_font())))?;
            continue;
        };
        let line = t.series(0).stroke_width(t.stroke(1.5));
        chart.draw_series(std::iter::once(Rectangle::new([(x - half, q1), (x + half, q3)], t.series(0).mix(if t.contrast { 0.25 } else { 0.15 }).filled())))?;
        chart.draw_series(std::iter::once(Rectangle::new([(x - half, q1), (x + half, q3)], line)))?;
        for (from, to) in [(min, q1), (q3, max)] {
            chart.draw_series(std::iter::once(PathElement::new(vec![(x, from), (x, to)], line)))?;
        }
        for end in [min, max] {
            chart.draw_series(std::iter::once(PathElement::new(vec![(x - half / 2, end), (x + half / 2, end)], line)))?;
        }
        chart.draw_series(std::iter::once(PathElement::new(vec![(x - half, median), (x + half, median)], t.series(3).stroke_width(t.stroke(2.5)))))?;
        // The runs, spread a little sideways so equal values stay visible.
        let k = b.values.len().max(1) as f64;
        chart.draw_series(b.values.iter().enumerate().filter(|(_, v)| v.is_finite()).map(|(j, &v)| {
            let dx = if k > 1.0 { ((j as f64 / (k - 1.0) - 0.5) * half as f64).round() as i32 } else { 0 };
            Circle::new((x + dx, v), t.px(3.0) as i32, BLACK.mix(if t.contrast { 0.9 } else { 0.6 }).filled())
        }))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render_svg;

    #[test]
    fn boxes_have_labels_medians_and_a_dot_per_run() {
        let panel = BoxPanel {
            title: "CNN-2".into(),
            boxes: vec![
                BoxSeries { label: "relu".into(), stats: Some([0.0, 0.05, 0.1, 0.15, 0.2]), values: vec![0.0, 0.1, 0.2] },
                BoxSeries { label: "exp".into(), stats: Some([0.5, 0.6, 0.7, 0.8, 0.9]), values: vec![0.5, 0.7, 0.9] },
                BoxSeries { label: "tanh".into(), stats: None, values: vec![] },
            ],
        };
        let opts = BoxOptions { y_label: "match fraction".into(), y_range: (0.0, 1.0), theme: Theme::default() };
        let svg = render_svg(600, 400, |a| draw_box_panels(a, &[panel.clone(), BoxPanel { title: "CNN-50".into(), ..panel.clone() }], &opts).unwrap());
        for text in ["CNN-2", "CNN-50", "relu", "exp", "tanh", "match fraction", "no runs"] {
            assert!(svg.contains(text), "{text}");
        }
        assert_eq!(svg.matches("<circle").count(), 12, "3 + 3 dots in each of 2 panels");
        assert!(svg.to_uppercase().contains("#D62728"), "medians in red");
        // Eight boxes (Fig. 1c's activations) each keep their label under them.
        let names = ["relu", "exp", "sigmoid", "tanh", "softplus", "linear", "elu", "log-relu"];
        let eight = BoxPanel { title: "CNN-deep".into(), boxes: names.iter().map(|n| BoxSeries { label: n.to_string(), ..panel.boxes[0].clone() }).collect() };
        let svg = render_svg(900, 300, |a| draw_box_panels(a, &[eight], &opts).unwrap());
        let text: String = svg.chars().filter(|c| *c != '\n').collect();
        for n in names {
            assert!(text.contains(&format!(">{n}<")), "label {n}");
        }
    }
}
