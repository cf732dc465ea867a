//! Lesson 13's results: the loss curves of every run, the newest run's test metrics, its test
//! plot (a parity plot, or the predicted probability against the label), a binary run's full
//! report (lesson 10's: classification report, confusion matrix, ROC and PR curves, score
//! histograms) and its first-layer logos; drawn by the same code on the canvas and into the exports' SVG.

use dnaplay_model::metrics::{r_squared, sigmoid};
use dnaplay_model::models::ModelKind;
use dnaplay_model::trainer::ClassEvaluation;
use dnaplay_model::upload::UserTask;
use dnaplay_plots::{LossOptions, LossSeries, ParityOptions, Theme, draw_loss_curves, draw_message, draw_parity};
use dnaplay_protocol::Bench;
use leptos::prelude::*;
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::components::any_backend::AnyBackend;
use crate::components::binary_report::{BinaryReport, LESSON13};
use crate::components::plot_canvas::{describe, redraw, redraw_filter_grid};
use crate::engine::{RunData, RunView};
use super::DataState;

pub(super) fn draw_losses<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, theme: &Theme, curves: &[(String, Vec<f32>, Vec<f32>)], loss: &str) {
    if curves.iter().all(|(_, t, _)| t.is_empty()) {
        let _ = draw_message(area, theme, "Press Train: each epoch's train and validation loss appear here");
        return;
    }
    let series: Vec<LossSeries> = curves.iter().map(|(label, train, val)| LossSeries { label, train, val }).collect();
    let opts = LossOptions { theme: *theme, y_label: loss.to_string(), ..LossOptions::default() };
    let _ = draw_loss_curves(area, &series, &opts);
}

pub(super) fn draw_result<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, theme: &Theme, run: Option<&(String, Vec<f32>, Vec<f32>, UserTask)>) {
    match run {
        Some((label, truth, pred, UserTask::Regression)) => {
            let opts = ParityOptions { model_name: label.clone(), r_squared: r_squared(truth, pred), alpha: 0.4, theme: *theme };
            let _ = draw_parity(area, truth, pred, None, &opts);
        }
        Some((label, truth, logits, UserTask::Binary)) => {
            // Predicted probability against the label, as a parity plot of a classifier.
            let probs: Vec<f32> = logits.iter().map(|&z| sigmoid(z)).collect();
            let opts = ParityOptions { model_name: format!("{label}: P(label 1)"), r_squared: r_squared(truth, &probs), alpha: 0.3, theme: *theme };
            let _ = draw_parity(area, truth, &probs, None, &opts);
        }
        None => {
            let _ = draw_message(area, theme, "The test-set predictions appear here when a run ends or pauses");
        }
    }
}

/// A plot as an SVG document, drawn by the same code as its canvas.
pub(super) fn svg_of(width: u32, height: u32, draw: impl FnOnce(&DrawingArea<AnyBackend<'_>, Shift>, &Theme)) -> String {
    let mut out = String::new();
    {
        // Through the canvases' backend type, so the drawing code is compiled once for both.
        let area = AnyBackend::Svg(SVGBackend::with_string(&mut out, (width, height))).into_drawing_area();
        draw(&area, &Theme::default());
        let _ = area.present();
    }
    out
}

pub(super) fn losses(r: &RunView) -> (String, Vec<f32>, Vec<f32>) {
    let (train, val) = r.losses();
    (r.label(), train, val)
}

/// The test split's labels and the run's predictions.
pub(super) fn test_pairs(r: &RunView) -> Option<(Vec<f32>, Vec<f32>, UserTask)> {
    let RunData::User(set) = &r.data else { return None };
    let pred = r.predictions.as_ref()?;
    let truth = set.split.test.iter().map(|&i| set.data.labels[i]).collect();
    Some((truth, pred.to_vec(), set.data.task))
}

/// A run's test metrics by the checkpoint's names (`r_squared`, `mse`; `auroc`, `aupr`,
/// `accuracy`), once its predictions are in, with the number of test sequences: computed once,
/// for the metrics line, the run table, the report and `checkpoint.json`.
pub(super) fn test_metrics(r: &RunView) -> Option<(std::collections::BTreeMap<String, f64>, usize)> {
    let (truth, pred, task) = test_pairs(r)?;
    let mut m = std::collections::BTreeMap::new();
    match task {
        UserTask::Regression => {
            m.insert("r_squared".into(), r_squared(&truth, &pred));
            m.insert("mse".into(), dnaplay_model::metrics::mse(&truth, &pred));
        }
        UserTask::Binary => {
            let e = ClassEvaluation::new(&truth, &pred);
            if let Some(a) = e.auroc {
                m.insert("auroc".into(), a);
            }
            if let Some(a) = e.aupr {
                m.insert("aupr".into(), a);
            }
            m.insert("accuracy".into(), e.report.accuracy());
        }
    }
    Some((m, truth.len()))
}

/// The metrics line of a run, e.g. "test R² 0.912, MSE 1.2345 on 1200 test sequences".
pub(super) fn metrics_text(r: &RunView) -> Option<String> {
    let (m, n) = test_metrics(r)?;
    let get = |k: &str, digits: usize| m.get(k).map_or("–".into(), |v| format!("{v:.digits$}"));
    Some(if m.contains_key("mse") {
        format!("test R² {}, MSE {} on {n} test sequences", get("r_squared", 3), get("mse", 4))
    } else {
        format!("test AUROC {}, AUPR {}, accuracy {} on {n} test sequences", get("auroc", 3), get("aupr", 3), get("accuracy", 3))
    })
}


/// The loss curves of every run of the lesson: `(label, train, validation)` each.
pub(super) fn curves(state: &DataState) -> Vec<(String, Vec<f32>, Vec<f32>)> {
    state.lab.engine.runs.with(|runs| runs.iter().filter(|r| r.bench == Bench::User).map(losses).collect())
}

/// The newest run's test plot: its label, the labels, its predictions and the task.
pub(super) fn newest_result(state: &DataState) -> Option<(String, Vec<f32>, Vec<f32>, UserTask)> {
    state.current().and_then(|r| test_pairs(&r).map(|(t, p, task)| (r.label(), t, p, task)))
}

/// The name of the loss the runs train on.
pub(super) fn loss_name(state: &DataState) -> &'static str {
    if state.task() == Some(UserTask::Binary) { "binary cross-entropy" } else { "MSE" }
}

/// The charts: loss curves, the metrics line, the test plot and the logos.
#[component]
pub(super) fn Charts(
    /// The lesson's shared state.
    state: DataState,
) -> impl IntoView {
    let engine = state.lab.engine;
    let current = move || state.current();
    let loss_name = move || loss_name(&state);
    let [loss_canvas, result_canvas, logo_canvas] = state.canvases;
    let curves = Memo::new(move |_| engine.runs.with(|runs| runs.iter().filter(|r| r.bench == Bench::User).map(losses).collect::<Vec<_>>()));
    let result = Memo::new(move |_| current().and_then(|r| test_pairs(&r).map(|(t, p, task)| (r.label(), t, p, task))));
    // The newest run's metrics, computed when its predictions change, not every training slice.
    let newest_predictions = Memo::new(move |_| engine.runs.with(|r| r.iter().rev().find(|r| r.bench == Bench::User).map(|r| (r.id, r.predictions.clone()))));
    let metrics_line = Memo::new(move |_| {
        newest_predictions.with(|_| ());
        engine.runs.with_untracked(|r| r.iter().rev().find(|r| r.bench == Bench::User).and_then(|r| metrics_text(r).map(|m| format!("Run #{}: {m}", r.id))))
    });
    Effect::new(move |_| {
        let c = curves.get();
        let l = loss_name();
        redraw(&loss_canvas, 760, 360, |area, theme| draw_losses(area, theme, &c, l));
        let series: Vec<LossSeries> = c.iter().map(|(label, train, val)| LossSeries { label, train, val }).collect();
        describe(&loss_canvas, &dnaplay_plots::describe::losses(&series, l));
    });
    Effect::new(move |_| {
        let r = result.get();
        redraw(&result_canvas, 460, 460, |area, theme| draw_result(area, theme, r.as_ref()));
        describe(&result_canvas, &match &r {
            Some((label, truth, _, UserTask::Regression)) => format!("Parity plot of {label}: predicted against true label on {} test sequences", truth.len()),
            Some((label, truth, _, UserTask::Binary)) => format!("{label}: predicted probability of label 1 against the true label, {} test sequences", truth.len()),
            None => "The test-set predictions appear here when a run ends or pauses".to_string(),
        });
    });
    // A binary run's full report, as lesson 10's (issue 27).
    let evaluation = Memo::new(move |_| result.with(|r| match r {
        Some((_, truth, logits, UserTask::Binary)) => Some(std::sync::Arc::new(ClassEvaluation::new(truth, logits))),
        _ => None,
    }));
    // The newest run's model and filters. What stands in the logos' place: a model with no one
    // first layer says so, rather than promising logos when its run ends (the multi-scale CNN's
    // run ended with none).
    let logos = Memo::new(move |_| current().map(|r| (r.model.kind, r.filters.clone())));
    Effect::new(move |_| {
        let (kind, f) = logos.get().unzip();
        let f = f.flatten();
        let empty = match kind {
            Some(ModelKind::Linear) => "A linear model has no filters: train a CNN to see its first-layer logos here",
            Some(ModelKind::MultiScale) => "The multi-scale CNN's first layer is four branches of different widths, with no one set of filters to draw as logos: train another CNN to see them",
            _ => "A CNN's first-layer logos appear here when its run ends",
        };
        redraw_filter_grid(&logo_canvas, f.as_deref(), false, empty);
    });

    view! {
        <canvas role="img" node_ref=loss_canvas data-testid="data-loss-chart" aria-label="Loss curves of your runs: train dashed, validation solid"></canvas>
        <p class="metric" data-testid="data-metrics">{move || metrics_line.get()}</p>
        // A binary run's test plot is its report's score histograms; the canvas stays drawn for
        // the export menu.
        <div class="side-by-side" style:display=move || if state.task() == Some(UserTask::Binary) { "none" } else { "" }>
            <canvas role="img" node_ref=result_canvas data-testid="data-result-chart" aria-label="Test-set predictions against the labels"></canvas>
        </div>
        <Show when=move || state.task() == Some(UserTask::Binary)>
            <BinaryReport eval=evaluation names=LESSON13 />
        </Show>
        <canvas role="img" node_ref=logo_canvas data-testid="data-logos" aria-label="First-layer filters as sequence logos"></canvas>
    }
}
