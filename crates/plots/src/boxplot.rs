//! Box plots, seed 003's Fig. 1c style: one panel per architecture, one box per activation, the
//! box from the first to the third quartile, the median as a red line, whiskers to the extremes,
//! and every run as a dot (few runs per box make the dots worth seeing).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

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
    let (margin, y_label_area, tick_gap) = (t.px(8.0), t.px(64.0), t.px(6.0));
    // Where the labels would overlap side by side (a phone's width), every other one drops a
    // line, so each has two boxes' width.
    let tick_font = t.tick_font();
    let (label_width, line_height) = panel.boxes.iter().fold((0, 0), |(w, h), b| {
        let (bw, bh) = area.estimate_text_size(&b.label, &tick_font).unwrap_or((0, 0));
        (w.max(bw), h.max(bh))
    });
    let slot = area.dim_in_pixel().0.saturating_sub(y_label_area + 2 * margin) / n as u32;
    let staggered = label_width + t.px(6.0) > slot;
    let x_label_area = t.px(30.0) + if staggered { line_height } else { 0 };
    let mut chart = ChartBuilder::on(area)
        .margin(margin)
        .caption(&panel.title, t.title_font())
        .x_label_area_size(x_label_area)
        .y_label_area_size(y_label_area)
        // Box i is centred at x = 100·i, with one tick there (plotters' own ticks on a float
        // axis need not fall on the boxes, and then their labels went missing).
        .build_cartesian_2d((-50..(n as i32 * 100 - 50)).with_key_points((0..n as i32).map(|i| i * 100).collect()), lo..hi)?;
    // As many y labels as fit the panel's height with 0.6 of the tick font's size between them
    // (plotters' default of 10 overlaps in a short panel).
    let plot_height = chart.plotting_area().dim_in_pixel().1;
    let y_labels = (f64::from(plot_height) / (1.6 * t.tick_size())).clamp(2.0, 11.0) as usize;
    let labels: Vec<String> = panel.boxes.iter().map(|b| b.label.clone()).collect();
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(t.grid().0)
        .max_light_lines(crate::FINE_LINES)
        .bold_line_style(t.grid().1)
        .x_label_formatter(&|v: &i32| if !staggered && v % 100 == 0 && *v >= 0 { labels.get((v / 100) as usize).cloned().unwrap_or_default() } else { String::new() })
        .y_labels(y_labels)
        .y_desc(opts.y_label.as_str())
        .axis_desc_style(t.label_font())
        .label_style(tick_font.clone())
        .draw()?;
    if staggered {
        let base = area.get_base_pixel();
        let centred = tick_font.pos(Pos::new(HPos::Center, VPos::Top));
        for (i, label) in labels.iter().enumerate() {
            let (x, y) = chart.backend_coord(&(i as i32 * 100, lo));
            let y = y + tick_gap as i32 + if i % 2 == 1 { line_height as i32 } else { 0 };
            area.draw(&Text::new(label.clone(), (x - base.0, y - base.1), centred.clone()))?;
        }
    }
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

    /// Each `<text>`'s content and `y`, in the order drawn.
    fn texts(svg: &str) -> Vec<(String, i64)> {
        svg.split("<text").skip(1).filter_map(|t| {
            let content = t.split('>').nth(1)?.split('<').next()?.trim();
            let y = t.split("y=\"").nth(1)?.split('"').next()?.parse::<f64>().ok()? as i64;
            Some((content.to_string(), y))
        }).collect()
    }

    /// Fig. 1c's eight activations at a phone's width (lesson 12 at 390 px draws it about 340 px
    /// wide): side by side the labels ran into each other ("expsigmoidtanh"), so every other one
    /// drops a line; at a desktop's 760 px they stay on one line. The y axis keeps few enough
    /// labels to read in a short panel (plotters' default of 10 overlapped), and a desktop's
    /// panel still reads in steps of 0.2.
    #[test]
    fn a_short_panel_has_one_fine_grid_line_between_labels() {
        let panel = BoxPanel { title: "CNN-2".into(), boxes: vec![BoxSeries { label: "relu".into(), stats: Some([0.2, 0.25, 0.28, 0.3, 0.38]), values: vec![0.28] }] };
        let opts = BoxOptions { y_label: "match fraction".into(), y_range: (0.0, 1.0), theme: Theme::default() };
        let svg = render_svg(760, 210, |a| draw_box_panels(a, &[panel], &opts).unwrap());
        let (fine, major) = (svg.to_uppercase().matches("#EEEEEE").count(), svg.to_uppercase().matches("#DADADA").count());
        assert!(major >= 3 && fine <= major, "at most one fine line per labelled interval (plotters' default is 10): {fine} fine, {major} labelled");
    }

    #[test]
    fn crowded_labels_take_two_lines_and_short_panels_fewer_ticks() {
        let names = ["relu", "exp", "sigmoid", "tanh", "softplus", "linear", "elu", "log-relu"];
        let boxes = names.iter().map(|n| BoxSeries { label: n.to_string(), stats: Some([0.1, 0.2, 0.3, 0.4, 0.5]), values: vec![0.3] }).collect();
        let panels = ["CNN-2", "CNN-50", "CNN-deep"].map(|title| BoxPanel { title: title.into(), boxes: Vec::clone(&boxes) });
        let opts = BoxOptions { y_label: "match fraction".into(), y_range: (0.0, 1.0), theme: Theme::default() };
        let rows = |width: u32, height: u32| {
            let svg = render_svg(width, height, |a| draw_box_panels(a, &panels, &opts).unwrap());
            let all = texts(&svg);
            let ys: Vec<_> = all.iter().filter(|(t, _)| names.contains(&t.as_str())).cloned().collect();
            assert_eq!(ys.len(), 3 * names.len(), "every label in every panel at {width} px: {ys:?}");
            let first_panel = &ys[..names.len()];
            let mut distinct: Vec<i64> = first_panel.iter().map(|(_, y)| *y).collect();
            distinct.sort_unstable();
            distinct.dedup();
            let ticks = all.iter().filter(|(t, _)| t.parse::<f64>().is_ok()).count();
            (distinct.len(), first_panel.iter().position(|(n, _)| n == "exp").map(|i| first_panel[i].1 > first_panel[0].1), ticks)
        };
        let (desktop_lines, _, desktop_ticks) = rows(760, 620);
        assert_eq!(desktop_lines, 1, "one line of labels at 760 px");
        let (phone_lines, exp_below_relu, phone_ticks) = rows(340, 600);
        assert_eq!((phone_lines, exp_below_relu), (2, Some(true)), "two lines at 340 px, the second label (exp) on the lower one");
        assert!(phone_ticks <= 3 * 6, "at most 6 y labels a panel at 340 × 600: {phone_ticks}");
        assert!(desktop_ticks >= 3 * 5, "at least 5 y labels a panel at 760 × 620: {desktop_ticks}");
    }
}
