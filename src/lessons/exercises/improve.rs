//! Question 3: the worst-predicted test sequences of a baseline CNN, one change, a retrain, and
//! the before / after parity plots and error histograms.


use dnaplay_model::models::{Activation, ModelConfig};
use dnaplay_model::scoring::ScoringRule;
use dnaplay_model::settings::{EPOCHS, FILTER_WIDTH, LEARNING_RATE, NUM_FILTERS};
use dnaplay_model::trainer::{OptimizerKind, TrainConfig};
use dnaplay_plots::{HistogramSeries, ParityOptions, draw_histograms, draw_message, draw_parity, thousands};
use dnaplay_protocol::Bench;
use leptos::html::Canvas;
use leptos::prelude::*;

use crate::components::ScrollX;
use crate::components::export::PlotExport;
use crate::components::plot_canvas::{describe, redraw_exportable};
use crate::engine::RunResults;
use crate::engine::{RunData, RunView, Until};
use crate::lab::Lab;
use super::{GridProgress, kmer_training};

/// "TAT ×2" for each of `rule`'s motifs that occurs more than once in `seq`.
fn repeated_motifs(rule: &ScoringRule, seq: &str) -> String {
    rule.repeated_motifs(seq).into_iter().map(|(m, n)| format!("{m} ×{n}")).collect::<Vec<_>>().join(", ")
}

/// The one thing Question 3's retrain changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Change {
    Filters,
    Width,
    Epochs,
    LearningRate,
    Optimizer,
    Activation,
}

impl Change {
    const ALL: [Change; 6] = [Change::Filters, Change::Width, Change::Epochs, Change::LearningRate, Change::Optimizer, Change::Activation];

    fn name(self) -> &'static str {
        match self {
            Change::Filters => "number of filters",
            Change::Width => "filter width",
            Change::Epochs => "training length (epochs)",
            Change::LearningRate => "learning rate",
            Change::Optimizer => "optimizer (sgd or adam)",
            Change::Activation => "first-layer activation",
        }
    }

    fn slug(self) -> &'static str {
        match self {
            Change::Filters => "filters",
            Change::Width => "width",
            Change::Epochs => "epochs",
            Change::LearningRate => "lr",
            Change::Optimizer => "optimizer",
            Change::Activation => "activation",
        }
    }

    /// Apply `value` to the baseline's model and training, or say what is wrong with it, in the
    /// setting's own words ([`dnaplay_model::settings`]).
    fn apply(self, value: &str, model: &mut ModelConfig, train: &mut TrainConfig) -> Result<(), String> {
        match self {
            Change::Filters => model.num_filters = NUM_FILTERS.parse_usize(value).map_err(|e| e.to_string())?,
            Change::Width => model.filter_width = FILTER_WIDTH.parse_usize(value).map_err(|e| e.to_string())?,
            Change::Epochs => train.num_epochs = EPOCHS.parse_usize(value).map_err(|e| e.to_string())?,
            Change::LearningRate => train.learning_rate = LEARNING_RATE.parse_f64(value).map_err(|e| e.to_string())?,
            Change::Optimizer => train.optimizer = value.trim().parse::<OptimizerKind>().map_err(|e| e.to_string())?,
            Change::Activation => model.activation = value.trim().parse::<Activation>().map_err(|e| e.to_string())?,
        }
        Ok(())
    }
}

/// Test truth, predictions and sequences of a run's results.
fn test_points(res: &RunResults) -> (Vec<f32>, Vec<f32>, Vec<String>) {
    let test = &res.dataset.split.test;
    let d = &res.dataset.data;
    (test.iter().map(|&i| d.targets[i]).collect(), test.iter().map(|&i| res.all_predictions[i]).collect(), test.iter().map(|&i| d.seqs[i].clone()).collect())
}

/// Question 3: find where the CNN fails, change one thing, retrain, compare.
#[component]
pub(super) fn ImprovePanel() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let engine = lab.engine;
    let (error, set_error) = signal(None::<String>);
    let (loading, load_shipped) = crate::checkpoints::load_action(lab, Bench::Improve, "seed 002's trained CNN", set_error);
    // A new baseline starts the comparison over.
    let load = move |ev| {
        engine.clear(Bench::Improve);
        load_shipped(ev);
    };
    let train_baseline = move |_| {
        engine.clear(Bench::Improve);
        let data = RunData::Kmers(lab.dataset.get_untracked());
        set_error.set(engine.start(Bench::Improve, data, vec![(ModelConfig::cnn(8), kmer_training(&lab))], Until::End).err().map(|e| e.to_string()));
    };
    // The baseline: the oldest run of the panel; the retrained one: the newest other.
    let runs = move || engine.runs_of(Bench::Improve);
    let baseline = Memo::new(move |_| runs().into_iter().next());
    let after = Memo::new(move |_| {
        let r = runs();
        if r.len() > 1 { r.into_iter().last() } else { None }
    });
    let worst = Memo::new(move |_| {
        let b = baseline.get()?;
        let res = b.results.as_ref()?;
        let (truth, pred, seqs) = test_points(res);
        let mut idx: Vec<usize> = (0..truth.len()).collect();
        idx.sort_by(|&a, &b| (pred[b] - truth[b]).abs().total_cmp(&(pred[a] - truth[a]).abs()));
        Some(idx.into_iter().take(10).map(|i| (seqs[i].clone(), truth[i], pred[i], repeated_motifs(&res.dataset.rule, &seqs[i]))).collect::<Vec<_>>())
    });
    let (change, set_change) = signal(Change::Filters);
    let (value, set_value) = signal(String::from("64"));
    let retrain = move |_| {
        let Some(b) = baseline.get_untracked() else { return };
        let (mut model, mut train) = (b.model.clone(), b.config.clone());
        let result = change.get_untracked().apply(&value.get_untracked(), &mut model, &mut train).and_then(|()| {
            if model == b.model && train == b.config {
                return Err("that is the baseline's own setting; change it to something else".into());
            }
            engine.start(Bench::Improve, b.data.clone(), vec![(model, train)], Until::End).map_err(|e| e.to_string())
        });
        set_error.set(result.err());
    };
    let canvases = [NodeRef::<Canvas>::new(), NodeRef::<Canvas>::new()];
    let hist = NodeRef::<Canvas>::new();
    // Redraw when a model's results arrive, not on every training slice of the retrain.
    let results_of = |run: Memo<Option<RunView>>| Memo::new(move |_| run.with(|r| r.as_ref().and_then(|r| r.results.clone().map(|res| (r.id, r.label(), res)))));
    let (before_results, after_results) = (results_of(baseline), results_of(after));
    Effect::new(move |_| {
        let runs = [before_results.get(), after_results.get()];
        let mut errors: Vec<(String, Vec<f32>)> = Vec::new();
        for (i, (canvas, run)) in canvases.iter().zip(&runs).enumerate() {
            let name = if i == 0 { "Before" } else { "After" };
            let msg = if i == 0 { "Load or train the baseline" } else { "Change one thing and retrain" };
            let points = run.as_ref().map(|(_, label, res)| {
                let (truth, pred, _) = test_points(res);
                (format!("{name}: {label}"), res.r_squared, truth, pred)
            });
            match &points {
                Some((title, r2, truth, pred)) => {
                    describe(canvas, &format!("Parity plot, {title}, R² = {r2:.3} on {} test sequences", thousands(truth.len())));
                    errors.push((name.to_string(), pred.iter().zip(truth).map(|(p, t)| p - t).collect()));
                }
                None => describe(canvas, msg),
            }
            redraw_exportable(canvas, 420, 420, move |area, theme| match &points {
                Some((title, r2, truth, pred)) => drop(draw_parity(area, truth, pred, None, &ParityOptions { model_name: title.clone(), r_squared: *r2, alpha: 0.2, theme: *theme })),
                None => drop(draw_message(area, theme, msg)),
            });
        }
        let drawn = errors.clone();
        redraw_exportable(&hist, 760, 300, move |area, theme| {
            let errors = &drawn;
            if errors.is_empty() {
                let _ = draw_message(area, theme, "Error histograms appear once a model is evaluated");
                return;
            }
            let series: Vec<HistogramSeries> = errors.iter().map(|(n, e)| HistogramSeries { label: n, values: e, alpha: 0.5 }).collect();
            let _ = draw_histograms(area, &series, 80, "prediction − true score", theme);
        });
        let series: Vec<HistogramSeries> = errors.iter().map(|(n, e)| HistogramSeries { label: n, values: e, alpha: 0.5 }).collect();
        describe(&hist, &if errors.is_empty() { "Error histograms appear once a model is evaluated".to_string() } else { dnaplay_plots::describe::histograms(&series, "prediction − true score") });
    });
    let busy = move || engine.is_training(Bench::Improve) || loading.get() || engine.device.with(Option::is_none);
    view! {
        <section class="panel">
            <p>
                "Seed 002, Question 3: \"Design an approach to improve the model's prediction accuracy, particularly focusing "
                "on the sequences where the current model performs poorly.\" Start from a baseline CNN, look at its worst "
                "test predictions, change one thing, retrain, and compare."
            </p>
            <div class="controls buttons">
                <button class="primary" data-testid="q3-load" on:click=load disabled=busy>
                    {move || if loading.get() { "Loading…" } else { "Load seed 002's trained CNN" }}</button>
                <button data-testid="q3-train-baseline" on:click=train_baseline disabled=busy>"Train a baseline here"</button>
            </div>
            {move || error.get().map(|m| view! { <p class="error" role="alert" data-testid="q3-error">{m}</p> })}
            <GridProgress bench=Bench::Improve what="runs" />
        </section>
        <Show when=move || worst.with(Option::is_some)>
            <h3>"The baseline's 10 worst test predictions"</h3>
            <ScrollX label="The worst test predictions">
                <table class="runs" data-testid="q3-worst">
                    <thead><tr><th>"Sequence"</th><th>"True score"</th><th>"Predicted"</th><th>"Error"</th><th>"A motif twice?"</th></tr></thead>
                    <tbody>{move || worst.get().unwrap_or_default().into_iter().map(|(seq, t, p, rep)| view! { <tr data-testid="q3-worst-row">
                        <td class="seq">{seq}</td><td>{format!("{t:.3}")}</td><td>{format!("{p:.2}")}</td><td>{format!("{:+.2}", p - t)}</td>
                        <td>{if rep.is_empty() { "no".to_string() } else { rep }}</td>
                    </tr> }).collect_view()}</tbody>
                </table>
            </ScrollX>
            <p class="note">"Reading it: what do these sequences have in common, and what does seed 002's rule (lesson 1) do "
                "with them? Which part of the model could not represent that, and which single change might let it?"</p>
            <div class="controls">
                <label>"Change "
                    <select data-testid="q3-change" on:change=move |ev| {
                        let v = event_target_value(&ev);
                        if let Some(c) = Change::ALL.into_iter().find(|c| c.slug() == v) { set_change.set(c) }
                    }>
                        {Change::ALL.into_iter().map(|c| view! { <option value=c.slug()>{c.name()}</option> }).collect_view()}
                    </select>
                </label>
                <label>" to "
                    <input type="text" data-testid="q3-value" prop:value=move || value.get() on:input=move |ev| set_value.set(event_target_value(&ev)) /></label>
                <button class="primary" data-testid="q3-retrain" on:click=retrain disabled=busy>"▶ Retrain with this change"</button>
            </div>
        </Show>
        <div class="side-by-side">
            <div><canvas role="img" node_ref=canvases[0] data-testid="q3-parity-before" aria-label="Parity plot of the baseline on the test split"></canvas><p class="exports"><PlotExport canvas=canvases[0] name="q3-parity-before" title="the baseline's parity plot" /></p></div>
            <div><canvas role="img" node_ref=canvases[1] data-testid="q3-parity-after" aria-label="Parity plot of the retrained model on the test split"></canvas><p class="exports"><PlotExport canvas=canvases[1] name="q3-parity-after" title="the retrained model's parity plot" /></p></div>
        </div>
        <canvas role="img" node_ref=hist data-testid="q3-errors" aria-label="Histograms of the test errors before and after the change"></canvas>
        <p class="exports"><PlotExport canvas=hist name="q3-errors" title="the error histograms" /></p>
        <p class="metric" data-testid="q3-compare">{move || {
            let r2 = |r: Option<RunView>| r.and_then(|r| r.results.map(|x| x.r_squared));
            match (r2(baseline.get()), r2(after.get())) {
                (Some(b), Some(a)) => format!("Test R²: {b:.3} before, {a:.3} after"),
                (Some(b), None) => format!("Test R² of the baseline: {b:.3}"),
                _ => String::new(),
            }
        }}</p>
    }
}
