//! Question 2: Linear and CNN swept over seed 002's learning rates, the curves overlaid per
//! model and a summary table.


use dnaplay_model::models::{ModelConfig, ModelKind};
use dnaplay_model::settings::LEARNING_RATE;
use dnaplay_model::sweep::{Grid, parse_list};
use dnaplay_model::trainer::TrainConfig;
use dnaplay_protocol::Bench;
use leptos::html::Canvas;
use leptos::prelude::*;

use crate::components::ScrollX;
use crate::components::export::{CsvExport, PlotExport, csv_table};
use crate::engine::{RunData, RunSpec, Until};
use crate::lab::Lab;
use super::{GridProgress, MAX_PAGE_SWEEP, SEED002_SWEEP_RATES, draw_curves, kmer_training};

/// Question 2: Linear and CNN over a list of learning rates, one click.
#[component]
pub(super) fn SweepPanel() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let engine = lab.engine;
    let (rates_text, set_rates_text) = signal(SEED002_SWEEP_RATES.to_string());
    let (error, set_error) = signal(None::<String>);
    let rates = move || -> Result<Vec<String>, String> {
        let items = parse_list("learning rates", &rates_text.get()).map_err(|e| e.to_string())?;
        for item in &items {
            LEARNING_RATE.parse_f64(item).map_err(|e| e.to_string())?;
        }
        Ok(items)
    };
    let grid = move || -> Result<Grid, String> {
        let rates = rates()?;
        let g = Grid::new().axis("model", vec!["linear".into(), "cnn".into()]).and_then(|g| g.axis("lr", rates)).map_err(|e| e.to_string())?;
        if g.len() > MAX_PAGE_SWEEP {
            return Err(format!("{} runs is more than the page trains side by side ({MAX_PAGE_SWEEP}); list fewer learning rates", g.len()));
        }
        Ok(g)
    };
    let run = move |_| {
        set_error.set(None);
        let result = grid().and_then(|g| {
            let data = RunData::Kmers(lab.dataset.get_untracked());
            let base = kmer_training(&lab);
            let specs: Vec<RunSpec> = g
                .cells()
                .iter()
                .map(|c| {
                    let kind: ModelKind = c.get("model").and_then(|m| m.parse().ok()).unwrap_or(ModelKind::Cnn);
                    let lr = c.get("lr").and_then(|v| v.parse().ok()).unwrap_or(base.learning_rate);
                    (data.clone(), ModelConfig { kind, ..ModelConfig::cnn(8) }, TrainConfig { learning_rate: lr, ..base.clone() })
                })
                .collect();
            engine.start_many(Bench::Sweep, specs, Until::End).map_err(|e| e.to_string())
        });
        set_error.set(result.err());
    };
    let linear_canvas = NodeRef::<Canvas>::new();
    let cnn_canvas = NodeRef::<Canvas>::new();
    let curves = Memo::new(move |_| {
        engine.runs.with(|runs| {
            let of = |kind: ModelKind| {
                runs.iter()
                    .filter(|r| r.bench == Bench::Sweep && r.model.kind == kind)
                    .map(|r| {
                        let (train, val) = r.losses();
                        (format!("lr {}", r.config.learning_rate), train, val)
                    })
                    .collect::<Vec<_>>()
            };
            (of(ModelKind::Linear), of(ModelKind::Cnn))
        })
    });
    Effect::new(move |_| {
        curves.with(|(linear, cnn)| {
            draw_curves(&linear_canvas, linear, "Linear: one curve per learning rate", "Run the sweep: Linear's curves appear here");
            draw_curves(&cnn_canvas, cnn, "CNN: one curve per learning rate", "Run the sweep: the CNN's curves appear here");
        });
    });
    let rows = move || engine.runs_of(Bench::Sweep);
    view! {
        <section class="panel">
            <p>
                "Seed 002, Question 2: \"Compare the performance of the Linear and CNN models by using different learning "
                "rates. First run both models with higher learning rates (0.05, 0.1) and lower learning rates (0.005, 0.001), "
                "then create loss plots.\" One click trains all ten runs side by side, with the lesson's epochs, batch "
                "size and seed (SGD, as seed 002)."
            </p>
            <div class="controls">
                <label class="number">"Learning rates (comma-separated) "
                    <input type="text" class="rates" data-testid="sweep-rates" prop:value=move || rates_text.get_untracked()
                        aria-invalid=move || rates().is_err().to_string() on:input=move |ev| set_rates_text.set(event_target_value(&ev)) />
                    {move || rates().err().map(|p| view! { <span class="field-error" role="alert">{p}</span> })}
                </label>
                <button class="primary" data-testid="sweep-run" on:click=run disabled=move || engine.device.with(Option::is_none) || engine.is_training(Bench::Sweep)>
                    {move || format!("▶ Run the sweep ({} runs)", grid().map(|g| g.len()).unwrap_or(0))}</button>
            </div>
            {move || error.get().map(|m| view! { <p class="error" role="alert" data-testid="sweep-error">{m}</p> })}
            <GridProgress bench=Bench::Sweep what="runs" />
        </section>
        <div class="side-by-side">
            <div>
                <canvas role="img" node_ref=linear_canvas data-testid="sweep-linear" aria-label="Linear's loss curves, one colour per learning rate; train dashed, validation solid; log scale"></canvas>
                <canvas role="img" node_ref=cnn_canvas data-testid="sweep-cnn" aria-label="The CNN's loss curves, one colour per learning rate; train dashed, validation solid; log scale"></canvas>
                <p class="exports">
                    <PlotExport canvas=linear_canvas name="sweep-linear" title="Linear's loss curves per learning rate" />
                    <PlotExport canvas=cnn_canvas name="sweep-cnn" title="the CNN's loss curves per learning rate" />
                    <CsvExport name="sweep-history" title="every sweep run's loss per epoch" rows=Callback::new(move |()| {
                        let rows: Vec<Vec<String>> = engine.runs.with_untracked(|runs| runs.iter().filter(|r| r.bench == Bench::Sweep).flat_map(|r| {
                            r.history.iter().map(|h| vec![r.id.to_string(), r.label(), r.config.learning_rate.to_string(), h.epoch.to_string(), h.train_loss.to_string(), h.val_loss.to_string()]).collect::<Vec<_>>()
                        }).collect());
                        (!rows.is_empty()).then(|| csv_table(&["run", "label", "learning_rate", "epoch", "train_mse", "val_mse"], rows))
                    }) />
                </p>
            </div>
            <aside class="card questions" data-testid="sweep-questions">
                <h3>"Seed 002's questions"</h3>
                <ol>
                    <li>"How does changing the learning rate affect convergence for each model?"</li>
                    <li>"Which model is more sensitive to learning rate changes, and why?"</li>
                    <li>"Based on your analysis, what learning rate would you recommend for each model type, and why?"</li>
                </ol>
                <h3>"Reading the curves"</h3>
                <p>"Compare where each curve starts, how steeply it falls in the first few epochs, and where it levels off. "
                   "A curve that jumps, climbs, or stops early (see the table) is worth a second look. The y axis is "
                   "logarithmic: equal heights are equal ratios."</p>
            </aside>
        </div>
        <Show when=move || !rows().is_empty()>
            <ScrollX label="The sweep's runs">
                <table class="runs" data-testid="sweep-table">
                    <thead><tr><th>"Model"</th><th>"Learning rate"</th><th>"Epochs"</th><th>"Final train MSE"</th><th>"Final val MSE"</th><th>"Best val MSE"</th><th>"Test R²"</th><th>"Status"</th></tr></thead>
                    <tbody>{move || rows().into_iter().map(|r| {
                        let last = r.history.last();
                        let best = r.history.iter().map(|h| h.val_loss).fold(f32::INFINITY, f32::min);
                        view! { <tr data-testid="sweep-row">
                            <td>{if r.model.kind == ModelKind::Linear { "Linear".to_string() } else { "CNN".to_string() }}</td>
                            <td>{r.config.learning_rate.to_string()}</td>
                            <td>{r.history.len()}</td>
                            <td>{last.map(|h| format!("{:.3}", h.train_loss)).unwrap_or_default()}</td>
                            <td>{last.map(|h| format!("{:.3}", h.val_loss)).unwrap_or_default()}</td>
                            <td>{best.is_finite().then(|| format!("{best:.3}")).unwrap_or_default()}</td>
                            <td>{r.results.as_ref().map(|x| format!("{:.3}", x.r_squared)).unwrap_or_default()}</td>
                            <td>{r.state.describe()}</td>
                        </tr> }
                    }).collect_view()}</tbody>
                </table>
            </ScrollX>
        </Show>
    }
}
