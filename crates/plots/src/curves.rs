//! A binary classifier's ROC and precision-recall curves, each against its chance line (issue
//! 27: lesson 10's full report, for lesson 13's binary uploads too). The points come from
//! `dnaplay_model::metrics::{roc_curve, pr_curve}`; this module only draws them.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::lines::{Line, LineOptions, draw_lines};
use crate::{DrawResult, TAB10, Theme};

/// Most points drawn per curve: a test split of 20,000 sequences has up to 20,000 distinct
/// scores, far more than a plot's pixels (and an SVG export would carry all of them).
pub const MAX_CURVE_POINTS: usize = 1_000;

/// At most [`MAX_CURVE_POINTS`] of `points`, evenly spaced along the curve, first and last
/// kept.
pub fn thin(points: &[(f64, f64)]) -> Vec<(f64, f64)> {
    if points.len() <= MAX_CURVE_POINTS {
        return points.to_vec();
    }
    let last = points.len() - 1;
    (0..MAX_CURVE_POINTS).map(|i| points[i * last / (MAX_CURVE_POINTS - 1)]).collect()
}

/// The ROC curve, `(false positive rate, true positive rate)` points, with the diagonal a
/// random classifier follows. `auroc` goes in the legend; an empty curve (one class only)
/// draws a message instead.
pub fn draw_roc<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, roc: &[(f64, f64)], auroc: Option<f64>, theme: &Theme) -> DrawResult<DB> {
    if roc.is_empty() {
        return crate::draw_message(area, theme, "No ROC curve: the test split holds one class only");
    }
    let model = Line { label: format!("model (AUROC {})", fixed(auroc)), points: thin(roc), color: TAB10[0], dashed: false };
    let chance = Line { label: "chance (AUROC 0.5)".into(), points: straight((0.0, 0.0), (1.0, 1.0)), color: theme.muted(), dashed: true };
    draw_lines(area, &[model, chance], &unit_square("False positive rate", "True positive rate", SeriesLabelPosition::LowerRight, theme))
}

/// The precision-recall curve, `(recall, precision)` points, with the precision a random
/// classifier gets: the fraction of positives, `positive_fraction`. `aupr` goes in the legend.
pub fn draw_pr<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, pr: &[(f64, f64)], aupr: Option<f64>, positive_fraction: f64, theme: &Theme) -> DrawResult<DB> {
    if pr.is_empty() {
        return crate::draw_message(area, theme, "No precision-recall curve: the test split has no positives");
    }
    let model = Line { label: format!("model (AUPR {})", fixed(aupr)), points: thin(pr), color: TAB10[1], dashed: false };
    let chance = Line { label: format!("chance (positives {positive_fraction:.2})"), points: straight((0.0, positive_fraction), (1.0, positive_fraction)), color: theme.muted(), dashed: true };
    draw_lines(area, &[model, chance], &unit_square("Recall", "Precision", SeriesLabelPosition::LowerLeft, theme))
}

/// A straight chance line from `a` to `b`, in enough points that [`draw_lines`] does not mark
/// each one as it marks a short run's epochs.
fn straight(a: (f64, f64), b: (f64, f64)) -> Vec<(f64, f64)> {
    (0..=50).map(|i| i as f64 / 50.0).map(|t| (a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1))).collect()
}

fn fixed(v: Option<f64>) -> String {
    v.map_or("–".into(), |v| format!("{v:.3}"))
}

fn unit_square(x: &str, y: &str, legend: SeriesLabelPosition, theme: &Theme) -> LineOptions {
    LineOptions { x_label: x.into(), y_label: y.into(), x_range: Some((0.0, 1.0)), y_range: Some((0.0, 1.02)), legend, theme: *theme, ..LineOptions::default() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render_svg;

    #[test]
    fn thinning_keeps_both_ends_and_the_order() {
        let curve: Vec<(f64, f64)> = (0..=20_000).map(|i| (i as f64 / 20_000.0, (i as f64 / 20_000.0).sqrt())).collect();
        let t = thin(&curve);
        assert_eq!(t.len(), MAX_CURVE_POINTS);
        assert_eq!((t[0], t[t.len() - 1]), (curve[0], curve[20_000]));
        assert!(t.windows(2).all(|w| w[0].0 < w[1].0));
        let short = [(0.0, 0.0), (0.5, 0.9), (1.0, 1.0)];
        assert_eq!(thin(&short), short.to_vec());
    }

    #[test]
    fn each_curve_is_drawn_with_its_area_and_chance_line() {
        // scikit-learn's roc_curve docstring example: AUROC 0.75.
        let roc = [(0.0, 0.0), (0.0, 0.5), (0.5, 0.5), (0.5, 1.0), (1.0, 1.0)];
        let svg = render_svg(400, 400, |a| draw_roc(a, &roc, Some(0.75), &Theme::default()).unwrap());
        assert!(svg.contains("model (AUROC 0.750)") && svg.contains("chance (AUROC 0.5)"), "legend");
        assert!(svg.contains("False positive rate") && svg.contains("True positive rate"), "axes");
        let pr = [(0.5, 1.0), (0.5, 0.5), (1.0, 0.6667)];
        let svg = render_svg(400, 400, |a| draw_pr(a, &pr, Some(0.833), 0.5, &Theme::default()).unwrap());
        assert!(svg.contains("model (AUPR 0.833)") && svg.contains("chance (positives 0.50)"), "legend");
        assert!(svg.contains("Recall") && svg.contains("Precision"), "axes");
        let none = render_svg(400, 400, |a| draw_roc(a, &[], None, &Theme::default()).unwrap());
        assert!(none.contains("one class only"));
    }
}
