//! A binary classifier's full report on its test split (issue 27): seed 000's classification
//! report and confusion matrix at probability 0.5, the ROC and precision-recall curves against
//! chance, and the predicted probability's histograms by true class. Lesson 10 shows it for the
//! multi-scale CNN, lesson 13 for a binary upload; every plot exports as PNG and SVG, the
//! tables as CSV.

use std::sync::Arc;

use dnaplay_model::metrics::{Classification, pr_curve, roc_curve};
use dnaplay_model::trainer::ClassEvaluation;
use dnaplay_plots::{HistogramSeries, draw_histograms, draw_message, draw_pr, draw_roc, thousands};
use leptos::html::Canvas;
use leptos::prelude::*;

use crate::components::ScrollX;
use crate::components::export::{CsvExport, PlotExport, csv_table};
use crate::components::plot_canvas::{describe, redraw_exportable};

/// The report's test ids and file names, unique on the page.
#[derive(Debug, Clone, Copy)]
pub struct ReportNames {
    /// The lesson's prefix: `<prefix>-accuracy`, `<prefix>-auroc` (the report's cells) and
    /// `<prefix>-cell-<true><predicted>` (the confusion matrix's).
    pub prefix: &'static str,
    /// The classification report's table and its CSV.
    pub report: &'static str,
    /// The confusion matrix's table.
    pub confusion: &'static str,
    /// The ROC curve.
    pub roc: &'static str,
    /// The precision-recall curve.
    pub pr: &'static str,
    /// The score histograms by class.
    pub scores: &'static str,
}

/// Lesson 10's names (the `cls-` ids its tests and links already use).
pub const LESSON10: ReportNames = ReportNames { prefix: "cls", report: "cls-report", confusion: "cls-confusion", roc: "cls-roc", pr: "cls-pr", scores: "cls-scores" };
/// Lesson 13's names.
pub const LESSON13: ReportNames = ReportNames { prefix: "data", report: "data-report", confusion: "data-confusion", roc: "data-roc", pr: "data-pr", scores: "data-scores" };

const SCORE_LABEL: &str = "Predicted probability";
const WAITING: &str = "Appears when a run ends or pauses";

/// The score histograms' two series: the predicted probabilities of the negatives, then of the
/// positives.
fn by_class(e: &ClassEvaluation) -> (Vec<f32>, Vec<f32>) {
    let pick = |want: bool| e.labels.iter().zip(&e.probabilities).filter(|(l, _)| **l == want).map(|(_, &p)| p).collect();
    (pick(false), pick(true))
}

/// The classification report and confusion matrix as CSV rows (row, precision, recall,
/// f1_or_value, support_or_count).
pub fn report_csv(e: &ClassEvaluation) -> String {
    let c = e.report;
    let row = |name: &str, c: Classification| vec![name.to_string(), c.precision().to_string(), c.recall().to_string(), c.f1().to_string(), c.support().to_string()];
    let value = |name: &str, v: String, n: String| vec![name.to_string(), String::new(), String::new(), v, n];
    let mut rows = vec![row("negative (0)", c.for_negative_class()), row("positive (1)", c)];
    rows.push(value("accuracy", c.accuracy().to_string(), e.labels.len().to_string()));
    rows.push(value("AUROC", e.auroc.map(|a| a.to_string()).unwrap_or_default(), String::new()));
    rows.push(value("AUPR", e.aupr.map(|a| a.to_string()).unwrap_or_default(), String::new()));
    for (name, n) in [("true 0 predicted 0", c.true_negatives), ("true 0 predicted 1", c.false_positives), ("true 1 predicted 0", c.false_negatives), ("true 1 predicted 1", c.true_positives)] {
        rows.push(value(&format!("confusion: {name}"), String::new(), n.to_string()));
    }
    csv_table(&["row", "precision", "recall", "f1_or_value", "support_or_count"], rows)
}

/// What a table cell shows before the run has a test report.
const NOT_YET: &str = "–";

/// Seed 000's report row for one class (`c` counted with that class as positive; dashes
/// before there is one).
fn class_row(name: &str, c: Option<Classification>) -> impl IntoView + use<> {
    let f2 = move |v: fn(&Classification) -> f64| c.map_or_else(|| NOT_YET.to_string(), |c| format!("{:.2}", v(&c)));
    view! { <tr><td>{name.to_string()}</td><td>{f2(Classification::precision)}</td><td>{f2(Classification::recall)}</td><td>{f2(Classification::f1)}</td><td>{c.map_or_else(|| NOT_YET.to_string(), |c| thousands(c.support()))}</td></tr> }
}

/// The report of `eval` (the newest run's test split; `None` before it has one).
#[component]
pub fn BinaryReport(
    /// The test split's labels, probabilities and metrics.
    #[prop(into)]
    eval: Signal<Option<Arc<ClassEvaluation>>>,
    /// Test ids and file names.
    names: ReportNames,
    /// What clicking a confusion-matrix cell does, with `(true class, predicted class)`, and
    /// its label (e.g. "Explain in lesson 11"). Without it the counts are plain text.
    #[prop(optional)]
    on_cell: Option<(Callback<(bool, bool)>, &'static str)>,
) -> impl IntoView {
    let [roc_canvas, pr_canvas, scores_canvas] = [NodeRef::<Canvas>::new(), NodeRef::<Canvas>::new(), NodeRef::<Canvas>::new()];
    Effect::new(move |_| {
        let e = eval.get();
        let curves = e.as_ref().map(|e| {
            let positives = e.labels.iter().filter(|l| **l).count() as f64 / e.labels.len().max(1) as f64;
            (roc_curve(&e.labels, &e.probabilities), e.auroc, pr_curve(&e.labels, &e.probabilities), e.aupr, positives)
        });
        let (roc, pr) = (curves.clone(), curves.clone());
        redraw_exportable(&roc_canvas, 360, 360, move |area, theme| match &roc {
            Some((points, auroc, ..)) => drop(draw_roc(area, points, *auroc, theme)),
            None => drop(draw_message(area, theme, WAITING)),
        });
        redraw_exportable(&pr_canvas, 360, 360, move |area, theme| match &pr {
            Some((_, _, points, aupr, positives)) => drop(draw_pr(area, points, *aupr, *positives, theme)),
            None => drop(draw_message(area, theme, WAITING)),
        });
        let fmt = |v: Option<f64>| v.map_or("–".into(), |v| format!("{v:.3}"));
        describe(&roc_canvas, &match &curves {
            Some((_, auroc, ..)) => format!("ROC curve: true positive rate against false positive rate over every threshold; AUROC {} (chance 0.5)", fmt(*auroc)),
            None => WAITING.into(),
        });
        describe(&pr_canvas, &match &curves {
            Some((_, _, _, aupr, positives)) => format!("Precision-recall curve over every threshold; AUPR {} (chance {positives:.2}, the fraction of positives)", fmt(*aupr)),
            None => WAITING.into(),
        });
        let classes = e.as_deref().map(by_class);
        /// The two classes' score histograms, as drawn and as described.
        fn class_series<'a>(neg: &'a [f32], pos: &'a [f32]) -> [HistogramSeries<'a>; 2] {
            [HistogramSeries { label: "negative", values: neg, alpha: 0.6 }, HistogramSeries { label: "positive", values: pos, alpha: 0.6 }]
        }
        describe(&scores_canvas, &match &classes {
            Some((neg, pos)) => dnaplay_plots::describe::histograms(&class_series(neg, pos), SCORE_LABEL),
            None => WAITING.into(),
        });
        redraw_exportable(&scores_canvas, 460, 300, move |area, theme| match &classes {
            Some((neg, pos)) => drop(draw_histograms(area, &class_series(neg, pos), 25, SCORE_LABEL, theme)),
            None => drop(draw_message(area, theme, WAITING)),
        });
    });
    let cell = move |truth: bool, predicted: bool, count: Option<usize>| match (on_cell, count) {
        // A disabled button where buttons will come, so the rows keep their height.
        (Some(_), None) => view! { <td class="cell"><button class="cell" disabled=true aria-label="no count yet: it comes when a run ends or pauses">{NOT_YET}</button></td> }.into_any(),
        (None, None) => view! { <td>{NOT_YET}</td> }.into_any(),
        (Some((act, label)), Some(count)) => {
            let title = format!("{label}: the first test sequence that is {} and predicted {}", u8::from(truth), u8::from(predicted));
            view! {
                <td class="cell"><button class="cell" title=title.clone() aria-label=format!("{}: {title}", thousands(count))
                    data-testid=format!("{}-cell-{}{}", names.prefix, u8::from(truth), u8::from(predicted))
                    disabled=count == 0 on:click=move |_| act.run((truth, predicted))>{thousands(count)}</button></td>
            }
            .into_any()
        }
        (None, Some(count)) => view! { <td data-testid=format!("{}-cell-{}{}", names.prefix, u8::from(truth), u8::from(predicted))>{thousands(count)}</td> }.into_any(),
    };
    let caption = match on_cell {
        Some((_, label)) => format!("Confusion matrix: rows the true class, columns the predicted one (a cell's button: {})", label.to_lowercase()),
        None => "Confusion matrix: rows the true class, columns the predicted one".to_string(),
    };
    view! {
        <div class="cards">
            <canvas role="img" node_ref=roc_canvas data-testid=names.roc aria-label="ROC curve of the test split"></canvas>
            <canvas role="img" node_ref=pr_canvas data-testid=names.pr aria-label="Precision-recall curve of the test split"></canvas>
            <canvas role="img" node_ref=scores_canvas data-testid=names.scores aria-label="Histograms of the predicted probability on the test split, by true class"></canvas>
        </div>
        <p class="exports">
            <PlotExport canvas=roc_canvas name=names.roc title="the ROC curve" />
            <PlotExport canvas=pr_canvas name=names.pr title="the precision-recall curve" />
            <PlotExport canvas=scores_canvas name=names.scores title="the score histograms by class" />
            <CsvExport name=names.report title="the classification report and confusion matrix (threshold 0.5)" rows=Callback::new(move |()| eval.with_untracked(|e| e.as_deref().map(report_csv))) />
        </p>
        // Before the run has a test report (it comes after the run's end or pause) the tables
        // stand with dashes and without their test ids, so the page does not jump when it comes.
        {move || {
            let e = eval.get();
            let c = e.as_ref().map(|e| e.report);
            let ready = c.is_some();
            let caption = caption.clone();
            let id = move |suffix: &str| ready.then(|| format!("{}-{suffix}", names.prefix));
            let metric = move |v: Option<f64>| if ready { format!("{:.3}", v.unwrap_or(f64::NAN)) } else { NOT_YET.to_string() };
            let (auroc, aupr, n) = (e.as_ref().and_then(|e| e.auroc), e.as_ref().and_then(|e| e.aupr), e.as_ref().map(|e| e.labels.len()));
            let report_caption = match n {
                Some(n) => format!("Classification report on {} test sequences (threshold 0.5)", thousands(n)),
                None => "Classification report on the test split (threshold 0.5)".to_string(),
            };
            view! {
                <div class="cards tables">
                    <ScrollX label="Classification report" class="sticky-caption">
                        <table class="runs report" data-testid=ready.then_some(names.report)>
                            <caption><span>{report_caption}</span></caption>
                            <thead><tr><th></th><th>"precision"</th><th>"recall"</th><th>"F1"</th><th>"support"</th></tr></thead>
                            <tbody>
                                {class_row("negative (0)", c.map(|c| c.for_negative_class()))}
                                {class_row("positive (1)", c)}
                                <tr><td>"accuracy"</td><td></td><td></td><td data-testid=id("accuracy")>{metric(c.map(|c| c.accuracy()))}</td>
                                    <td>{n.map_or_else(|| NOT_YET.to_string(), thousands)}</td></tr>
                                // One row each: "0.835 / 0.825" in the F1 column wrapped over three lines at
                                // desktop width (the report shares its row with the confusion matrix).
                                <tr><td>"AUROC"</td><td></td><td></td><td data-testid=id("auroc") data-value=auroc.map(|a| a.to_string())>{metric(auroc)}</td><td></td></tr>
                                <tr><td>"AUPR"</td><td></td><td></td><td data-testid=id("aupr") data-value=aupr.map(|a| a.to_string())>{metric(aupr)}</td><td></td></tr>
                            </tbody>
                        </table>
                    </ScrollX>
                    <ScrollX label="Confusion matrix" class="sticky-caption">
                        <table class="runs confusion" data-testid=ready.then_some(names.confusion)>
                            <caption><span>{caption}</span></caption>
                            <thead><tr><th></th><th>"predicted 0"</th><th>"predicted 1"</th></tr></thead>
                            <tbody>
                                <tr><td>"true 0"</td>{cell(false, false, c.map(|c| c.true_negatives))}{cell(false, true, c.map(|c| c.false_positives))}</tr>
                                <tr><td>"true 1"</td>{cell(true, false, c.map(|c| c.false_negatives))}{cell(true, true, c.map(|c| c.true_positives))}</tr>
                            </tbody>
                        </table>
                    </ScrollX>
                </div>
            }
        }}
    }
}
