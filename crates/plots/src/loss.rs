//! Loss curves: training dashed, validation solid, several runs overlaid (seed 002,
//! `quick_loss_plot`).

use plotters::coord::Shift;
use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::prelude::*;

use crate::{DrawResult, draw_legend, Theme, padded_range};

/// One run's per-epoch losses.
#[derive(Debug, Clone, Copy)]
pub struct LossSeries<'a> {
    /// Legend label, e.g. "CNN".
    pub label: &'a str,
    /// Training loss per epoch.
    pub train: &'a [f32],
    /// Validation loss per epoch.
    pub val: &'a [f32],
}

/// Axis and title settings of a loss plot.
#[derive(Debug, Clone)]
pub struct LossOptions {
    /// Plot the loss on a log10 axis.
    pub log_y: bool,
    /// The y-axis label (the seed's is "MSE Loss").
    pub y_label: String,
    /// An optional title.
    pub title: Option<String>,
    /// Sizes.
    pub theme: Theme,
}

impl Default for LossOptions {
    fn default() -> Self {
        LossOptions { log_y: false, y_label: "MSE loss".into(), title: None, theme: Theme::default() }
    }
}

/// Draw loss curves of several runs: run `i` in colour `C{i}`, training dashed and validation
/// solid and thicker, x axis "Epoch" (0-based, as the seed prints `E0`).
///
/// Non-finite values are skipped. With `log_y`, values ≤ 0 are skipped too.
pub fn draw_loss_curves<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, runs: &[LossSeries], opts: &LossOptions) -> DrawResult<DB> {
    area.fill(&WHITE)?;
    let epochs = runs.iter().map(|r| r.train.len().max(r.val.len())).max().unwrap_or(0).max(2);
    let values = || runs.iter().flat_map(|r| r.train.iter().chain(r.val)).map(|&v| v as f64).filter(|v| v.is_finite() && (!opts.log_y || *v > 0.0));
    let x_range = -0.5..(epochs as f64 - 0.5);
    if opts.log_y {
        let (lo, hi) = values().fold((f64::INFINITY, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
        let (lo, hi) = if lo.is_finite() { (lo / 1.2, hi * 1.2) } else { (0.1, 10.0) };
        // plotters labels a log axis at powers of ten only: reach down to one, so that a range
        // within a decade (Linear's losses, 11 to 90) still has labelled ticks.
        let decade = 10f64.powf(lo.log10().floor());
        let lo = if 10f64.powf(lo.log10().ceil()) > hi { decade } else { lo };
        // plotters puts a tick at 1, 2, …, 9 of every decade, which crowd at its top ("10.0 9.0
        // 8.0"): label the ones a log axis is read by, fewer the more decades there are.
        let decades = (hi / lo).log10();
        let mantissas: &[u32] = if decades <= 2.0 { &[1, 2, 3, 5] } else if decades <= 4.0 { &[1, 2, 5] } else { &[1] };
        draw(area, runs, opts, x_range, (lo..hi).log_scale(), Some(mantissas))
    } else {
        let (lo, hi) = padded_range(values());
        draw(area, runs, opts, x_range, lo..hi, None)
    }
}

/// `v` as a log axis label when its leading digit is one of `mantissas` (`20` → "20", `0.05` →
/// "0.05"), else "".
fn log_label(v: f64, mantissas: &[u32]) -> String {
    if !(v.is_finite() && v > 0.0) {
        return String::new();
    }
    let exponent = v.log10().floor();
    let mantissa = v / 10f64.powf(exponent);
    let digit = mantissa.round();
    let digit = if digit >= 10.0 { 1.0 } else { digit };
    if (mantissa - mantissa.round()).abs() > 1e-6 || !mantissas.contains(&(digit as u32)) {
        return String::new();
    }
    format!("{v:.*}", (-exponent).max(0.0) as usize)
}

/// `log_mantissas`: on a log y axis, the leading digits that get a label (no fine grid lines
/// there: between 9 and 10 they merge into a band).
fn draw<DB: DrawingBackend, Y>(area: &DrawingArea<DB, Shift>, runs: &[LossSeries], opts: &LossOptions, x: std::ops::Range<f64>, y: Y, log_mantissas: Option<&[u32]>) -> DrawResult<DB>
where
    Y: AsRangedCoord<Value = f64>,
    Y::CoordDescType: ValueFormatter<f64>,
{
    let t = &opts.theme;
    let mut builder = ChartBuilder::on(area);
    builder.margin(t.px(12.0)).x_label_area_size(t.px(44.0)).y_label_area_size(t.px(64.0));
    if let Some(title) = &opts.title {
        builder.caption(title, t.title_font());
    }
    let mut chart = builder.build_cartesian_2d(x, y)?;
    let log_format = |v: &f64| log_label(*v, log_mantissas.unwrap_or(&[]));
    let mut mesh = chart.configure_mesh();
    match log_mantissas {
        Some(_) => mesh.max_light_lines(0).y_label_formatter(&log_format),
        None => mesh.max_light_lines(crate::FINE_LINES),
    };
    mesh.light_line_style(t.grid().0)
        .bold_line_style(t.grid().1)
        .x_desc("Epoch")
        .y_desc(opts.y_label.as_str())
        .axis_desc_style(t.label_font())
        .label_style(t.tick_font())
        // Epochs are whole numbers: label only the ticks that fall on one (with 2 epochs
        // plotters puts ticks at 0.2 steps, which rounded read "0 0 0 1 1").
        .x_label_formatter(&|v| if (v - v.round()).abs() < 1e-6 { format!("{}", v.round() as i64) } else { String::new() })
        .draw()?;
    let keep = |v: f32| v.is_finite() && (!opts.log_y || v > 0.0);
    for (i, run) in runs.iter().enumerate() {
        let color = t.series(i);
        let train: Vec<(f64, f64)> = run.train.iter().enumerate().filter(|(_, v)| keep(**v)).map(|(e, &v)| (e as f64, v as f64)).collect();
        let val: Vec<(f64, f64)> = run.val.iter().enumerate().filter(|(_, v)| keep(**v)).map(|(e, &v)| (e as f64, v as f64)).collect();
        let thin = color.stroke_width(t.stroke(1.5));
        let thick = color.stroke_width(t.stroke(3.0));
        // One epoch is one point: a line through it would draw nothing.
        if train.len() == 1 || val.len() == 1 {
            let r = t.px(4.0) as i32;
            chart.draw_series(train.iter().map(|&p| Circle::new(p, r, color.stroke_width(t.stroke(1.5)))))?;
            chart.draw_series(val.iter().map(|&p| Circle::new(p, r, color.filled())))?;
        }
        chart
            .draw_series(DashedLineSeries::new(train, t.px(6.0), t.px(4.0), thin))?
            .label(format!("{} train", run.label))
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 8, y), (x + 12, y), (x + 20, y)], thin));
        chart
            .draw_series(LineSeries::new(val, thick))?
            .label(format!("{} val", run.label))
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], thick));
    }
    if !runs.is_empty() {
        draw_legend(&mut chart, SeriesLabelPosition::UpperRight, t)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{render_svg, svg_texts};

    #[test]
    fn draws_dashed_train_and_solid_val_for_each_run() {
        let lin = LossSeries { label: "Linear", train: &[21.3, 13.0, 12.98], val: &[13.2, 13.08, 13.09] };
        let cnn = LossSeries { label: "CNN", train: &[14.5, 8.6, f32::NAN], val: &[10.5, 6.9, 5.2] };
        let svg = render_svg(640, 400, |a| draw_loss_curves(a, &[lin, cnn], &LossOptions::default()).unwrap());
        assert!(svg.contains("Linear train") && svg.contains("CNN val"), "legend labels");
        assert!(svg.contains("Epoch") && svg.contains("MSE loss"), "axis labels");
        assert!(svg.contains("#1F77B4") || svg.contains("#1f77b4"), "run 0 in C0");
        assert!(svg.contains("#FF7F0E") || svg.contains("#ff7f0e"), "run 1 in C1");
        let log = render_svg(640, 400, |a| draw_loss_curves(a, &[lin, cnn], &LossOptions { log_y: true, ..LossOptions::default() }).unwrap());
        assert!(log.contains("polyline") || log.contains("<path"), "log scale draws lines");
        assert!(!svg.contains("<circle"), "several epochs are lines, not markers");
        // Losses within one decade still get a labelled tick on a log axis.
        let flat = LossSeries { label: "Linear", train: &[40.0, 13.2, 13.1], val: &[20.0, 13.1, 13.05] };
        let log = render_svg(640, 400, |a| draw_loss_curves(a, &[flat], &LossOptions { log_y: true, ..LossOptions::default() }).unwrap());
        let flat_text: String = log.chars().filter(|c| *c != '\n').collect();
        assert!(flat_text.contains(">10<") && flat_text.contains(">20<") && flat_text.contains(">30<"), "ticks at 10, 20 and 30: {log}");
    }

    #[test]
    fn a_log_axis_labels_its_decades_at_one_two_and_five_not_every_digit() {
        // Seed 002's learning-rate sweep (lesson 12, Q2): losses from 36 down to 1.1.
        let train: Vec<f32> = (0..30).map(|e| 30.0 * (-(e as f32) / 6.0).exp() + 0.8).collect();
        let run = LossSeries { label: "lr 0.001", train: &train, val: &train };
        let svg = render_svg(560, 400, |a| draw_loss_curves(a, &[run], &LossOptions { log_y: true, ..LossOptions::default() }).unwrap());
        let labels = svg_texts(&svg);
        for want in ["1", "2", "3", "5", "10", "20"] {
            assert!(labels.iter().any(|l| l == want), "a label {want} in {labels:?}");
        }
        for crowded in ["9", "9.0", "10.0", "8", "7"] {
            assert!(!labels.iter().any(|l| l == crowded), "no label {crowded} in {labels:?}");
        }
        // plotters still draws one fine line, at the lowest label; 10 a decade without the fix.
        assert!(svg.to_uppercase().matches("#EEEEEE").count() <= 1, "no fine grid lines on a log axis");
        assert_eq!(log_label(0.05, &[1, 2, 5]), "0.05");
        assert_eq!(log_label(0.3, &[1, 2, 5]), "");
        assert_eq!(log_label(200.0, &[1, 2, 5]), "200");
        assert_eq!(log_label(0.0, &[1]), "");
    }

    #[test]
    fn one_epoch_is_drawn_as_markers() {
        let one = LossSeries { label: "CNN", train: &[26.3], val: &[13.5] };
        let svg = render_svg(640, 400, |a| draw_loss_curves(a, &[one], &LossOptions::default()).unwrap());
        assert_eq!(svg.matches("<circle").count(), 2, "a train and a validation marker");
    }
}
