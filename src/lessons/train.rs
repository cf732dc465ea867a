//! Lesson 5: training (seed 002, Part 4): the settings, play / pause / step / reset, a progress
//! bar, and live loss curves of every run, overlaid.

use dnaplay_model::models::{Activation, ModelKind};
use dnaplay_model::settings::{BATCH_SIZE, EPOCHS, LEARNING_RATE, SEED};
use dnaplay_model::trainer::OptimizerKind;
use dnaplay_plots::{LossOptions, LossSeries, draw_loss_curves, draw_message};
use dnaplay_protocol::{Bench, EpochProfile, RunState};
use leptos::html::Canvas;
use leptos::prelude::*;

use crate::components::ScrollX;
use crate::components::fields::{ChoiceSelect, NumberField};
use crate::components::live::LiveStatus;
use crate::components::export::{CsvExport, PlotExport, csv_table};
use crate::components::plot_canvas::{describe, redraw_exportable};
use crate::engine::{RunView, Until};
use crate::lab::Lab;

/// "12 s", "3 min 5 s".
pub(crate) fn duration(seconds: f64) -> String {
    if seconds < 60.0 {
        format!("{seconds:.0} s")
    } else {
        format!("{} min {:.0} s", (seconds / 60.0).floor(), seconds % 60.0)
    }
}

#[component]
pub fn TrainLesson() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let settings = lab.settings;
    let (log_y, set_log_y) = signal(false);
    let canvas = NodeRef::<Canvas>::new();

    // The curves of every run: a memo, so the chart redraws once per epoch, not after every
    // training slice (the run list also holds the batch counter).
    let engine = lab.engine;
    let curves = Memo::new(move |_| {
        engine.runs.with(|runs| {
            runs.iter()
                .filter(|r| r.bench == Bench::Kmers)
                .map(|r| {
                    let (train, val) = r.losses();
                    (r.label(), train, val)
                })
                .collect::<Vec<_>>()
        })
    });
    Effect::new(move |_| {
        let log = log_y.get();
        let curves = curves.get();
        let drawn = curves.clone();
        redraw_exportable(&canvas, 760, 400, move |area, theme| {
            let curves = &drawn;
            if curves.iter().all(|(_, train, _)| train.is_empty()) {
                let _ = draw_message(area, theme, "Press Train: each epoch's train and validation loss appear here");
                return;
            }
            let series: Vec<LossSeries> = curves.iter().map(|(label, train, val)| LossSeries { label, train, val }).collect();
            let opts = LossOptions { log_y: log, theme: *theme, ..LossOptions::default() };
            let _ = draw_loss_curves(area, &series, &opts);
        });
        let series: Vec<LossSeries> = curves.iter().map(|(label, train, val)| LossSeries { label, train, val }).collect();
        describe(&canvas, &format!("Loss curves, train dashed, validation solid. {}", dnaplay_plots::describe::losses(&series, "MSE loss")));
    });

    // The run the panel reports on: the live one, else the latest.
    let current = move || -> Option<RunView> {
        engine.runs.with(|r| {
            let mine = || r.iter().filter(|r| r.bench == Bench::Kmers);
            mine().rev().find(|r| r.state.is_live()).or_else(|| mine().last()).cloned()
        })
    };
    let training = move || engine.is_training(Bench::Kmers);
    let no_device = move || engine.device.with(|d| d.is_none());
    let (start_error, set_start_error) = signal(None::<String>);
    let play = move |until| set_start_error.set(lab.play(until).err().map(|e| e.to_string()));
    let (loading, load) = crate::checkpoints::load_action(lab, Bench::Kmers, "the trained model", set_start_error);
    let progress = move || {
        current().map(|r| {
            let total = r.config.num_epochs;
            let done = r.history.len();
            let (b, n) = r.batch;
            let fraction = if n > 0 && done < total { (done as f64 + b as f64 / n as f64) / total as f64 } else { done as f64 / total as f64 };
            (r, fraction.min(1.0))
        })
    };
    let epoch_text = move || match progress() {
        None => format!("epoch 0 of {}", settings.with(|s| s.num_epochs)),
        Some((r, _)) => {
            let (b, n) = r.batch;
            let shown_batch = if b == 0 && !r.history.is_empty() { n } else { b };
            format!("epoch {} of {} · batch {shown_batch} of {n}", r.history.len(), r.config.num_epochs)
        }
    };
    let timing = move || {
        progress().and_then(|(r, _)| {
            let s = r.seconds_per_epoch?;
            let left = (r.config.num_epochs - r.history.len()) as f64 * s;
            Some(if r.state.is_active() && left > 0.0 {
                format!(" · {s:.2} s per epoch · about {} left", duration(left))
            } else {
                format!(" · {s:.2} s per epoch")
            })
        })
    };

    view! {
        <p>
            "Each epoch shows the model every training sequence once, in shuffled batches; after each batch the "
            "optimizer nudges the weights against the gradient of the mean squared error (MSE). After each epoch the "
            "validation MSE is measured. Seed 002 trains with SGD, learning rate 0.01, batch 128, for 50 epochs."
        </p>
        <section class="panel">
            <div class="controls">
                <ChoiceSelect label="Model" options=&[ModelKind::Linear, ModelKind::Cnn] value=Signal::derive(move || settings.with(|s| s.model))
                    on_pick=move |m| settings.update(|s| s.model = m) />
                <ChoiceSelect label="First-layer activation" options=Activation::ALL value=Signal::derive(move || settings.with(|s| s.activation))
                    on_pick=move |a| settings.update(|s| s.activation = a) />
                <ChoiceSelect label="Optimizer" options=OptimizerKind::ALL value=Signal::derive(move || settings.with(|s| s.optimizer))
                    on_pick=move |o| settings.update(|s| s.optimizer = o) />
            </div>
            <div class="controls">
                <NumberField label=LEARNING_RATE.title() value=Signal::derive(move || settings.with(|s| s.learning_rate.to_string()))
                    on_input={move |v: String| LEARNING_RATE.parse_f64(&v).map(|x| settings.update(|s| s.learning_rate = x)).err().map(|e| e.to_string())} />
                <NumberField label=BATCH_SIZE.title() value=Signal::derive(move || settings.with(|s| s.batch_size.to_string()))
                    on_input={move |v: String| BATCH_SIZE.parse_usize(&v).map(|n| settings.update(|s| s.batch_size = n)).err().map(|e| e.to_string())} />
                <NumberField label=EPOCHS.title() value=Signal::derive(move || settings.with(|s| s.num_epochs.to_string()))
                    on_input={move |v: String| EPOCHS.parse_usize(&v).map(|n| settings.update(|s| s.num_epochs = n)).err().map(|e| e.to_string())} />
                <NumberField label=SEED.title() value=Signal::derive(move || settings.with(|s| s.seed.to_string()))
                    on_input={move |v: String| SEED.parse_u64(&v).map(|n| settings.update(|s| s.seed = n)).err().map(|e| e.to_string())} />
            </div>
            <p class="note">"New settings apply to the next run; a paused run goes on with its own."</p>
            <div class="controls buttons">
                <button class="primary" data-testid="train" on:click=move |_| play(Until::End)
                    disabled=move || no_device() || training()>
                    {move || if engine.any(Bench::Kmers, |s| *s == RunState::Paused) { "▶ Resume" } else { "▶ Train" }}</button>
                <button data-testid="pause" on:click=move |_| engine.pause(Bench::Kmers) disabled=move || !training()>"Pause"</button>
                <button data-testid="step" on:click=move |_| play(Until::NextEpoch)
                    disabled=move || no_device() || training()>"Step one epoch"</button>
                <button data-testid="reset" on:click=move |_| engine.reset(Bench::Kmers) disabled=move || !engine.any(Bench::Kmers, RunState::is_live)
                    title="Close the current run; the next Train starts a new one">"Reset"</button>
                <button data-testid="clear-runs" on:click=move |_| { engine.clear(Bench::Kmers); lab.selected.set(None); }
                    disabled=move || engine.runs.with(|r| !r.iter().any(|r| r.bench == Bench::Kmers))>"Clear runs"</button>
                <button data-testid="load-trained" on:click=load disabled=move || no_device() || training() || loading.get()
                    title="Show seed 002's CNN trained beforehand with seed 002's settings (scripts/checkpoints.sh)">
                    {move || if loading.get() { "Loading…" } else { "Load the trained model" }}</button>
            </div>
            <progress max="1" prop:value=move || progress().map_or(0.0, |(_, f)| f) aria-label="Training progress"></progress>
            <LiveStatus text=Signal::derive(move || current().map(|r| format!("{}: {}, {}", r.label(), epoch_text(), r.state.describe())).unwrap_or_default()) testid="train-live" />
            // The exact figure in `data-seconds` (the text rounds to 0.01 s), for the benches.
            <p class="status"><span data-testid="epoch">{epoch_text}</span>
                <span data-testid="seconds-per-epoch" data-seconds=move || progress().and_then(|(r, _)| r.seconds_per_epoch).map(|s| s.to_string())>{timing}</span>
                {move || current().and_then(|r| r.shipped).map(|n| if n.starts_with(crate::keep::KEPT_PREFIX) { " · kept from your last visit" } else { " · trained weights loaded (scripts/checkpoints.sh)" })}</p>
            {move || start_error.get().map(|m| view! { <p class="error" role="alert" data-testid="train-error">{m}</p> })}
            {move || current().and_then(|r| match r.state {
                RunState::Failed(m) => Some(view! { <p class="error" role="alert" data-testid="run-error">{format!("Run #{}: {m}", r.id)}</p> }),
                _ => None,
            })}
        </section>
        <label class="inline"><input type="checkbox" prop:checked=move || log_y.get() on:change=move |ev| set_log_y.set(event_target_checked(&ev)) />
            " Log-scale loss axis"</label>
        <canvas role="img" node_ref=canvas data-testid="loss-chart" aria-label="Loss curves: train dashed, validation solid, one colour per run"></canvas>
        <p class="exports">
            <PlotExport canvas name="train-loss" title="the loss curves" />
            <CsvExport name="train-history" title="the loss per epoch of every run" rows=Callback::new(move |()| {
                let rows: Vec<Vec<String>> = engine.runs.with_untracked(|runs| runs.iter().filter(|r| r.bench == Bench::Kmers).flat_map(|r| {
                    r.history.iter().map(|h| vec![r.id.to_string(), r.label(), h.epoch.to_string(), h.train_loss.to_string(), h.val_loss.to_string()]).collect::<Vec<_>>()
                }).collect());
                (!rows.is_empty()).then(|| csv_table(&["run", "label", "epoch", "train_mse", "val_mse"], rows))
            }) />
        </p>
        <p class="metric" data-testid="r2" data-value=move || current().and_then(|r| r.results).map(|res| res.r_squared.to_string())>{move || current().and_then(|r| r.results.map(|res| (r.id, res)))
            .map(|(id, res)| format!("Run #{id}: test R² = {:.3} after {} epochs, on its own {} test sequences", res.r_squared, res.epochs, dnaplay_plots::thousands(res.dataset.split.test.len()))).unwrap_or_default()}</p>
        <pre class="epoch-log" data-testid="epoch-log" aria-label="Loss per epoch, in the seed's format">{move || current().map(|r| {
            r.history.iter().map(|h| h.to_string()).collect::<Vec<_>>().join("\n")
        }).unwrap_or_default()}</pre>
        <TimeBreakdown run=Memo::new(move |_| current().filter(|r| r.profile.phases.epochs > 0).map(|r| (r.label(), r.device.label().to_string(), r.profile))) />
        <RunTable />
    }
}

/// Where a run's epochs spent their time, phase by phase, as the training worker timed it
/// (issue 26): milliseconds per epoch and the share of the wall time. `run` is the run's label,
/// its device and its profile; the `<details>` is made once, so it stays open while the
/// figures update.
#[component]
fn TimeBreakdown(run: Memo<Option<(String, String, EpochProfile)>>) -> impl IntoView {
    let epochs = move || run.with(|r| r.as_ref().map_or(1, |(_, _, p)| p.phases.epochs.max(1)));
    let summary = move || run.with(|r| r.as_ref().map(|(label, device, p)| format!("Where each epoch's time goes: {label} on {device}, mean of {} epochs", p.phases.epochs)));
    let rows = move || {
        run.with(|r| r.as_ref().map(|(_, _, p)| p.rows()).unwrap_or_default())
            .into_iter()
            .map(|(name, ms, share)| view! { <tr><th scope="row">{name}</th><td>{format!("{ms:.1}")}</td><td>{format!("{:.1}%", share * 100.0)}</td></tr> })
            .collect_view()
    };
    let wall = move || run.with(|r| r.as_ref().map_or(0.0, |(_, _, p)| p.wall_ms())) / epochs() as f64;
    let batches = move || run.with(|r| r.as_ref().map_or(0.0, |(_, _, p)| p.phases.batches as f64)) / epochs() as f64;
    view! {
        <Show when=move || run.with(Option::is_some)>
            <details class="breakdown" data-testid="time-breakdown">
                <summary>{summary}</summary>
                <ScrollX label="Time per epoch by phase" class="sticky-caption">
                    <table class="runs">
                        <caption><span>{move || format!("Milliseconds per epoch ({:.0} batches each), and each phase's share of the wall time", batches())}</span></caption>
                        <thead><tr><th scope="col">"Phase"</th><th scope="col">"ms per epoch"</th><th scope="col">"Share"</th></tr></thead>
                        <tbody>{rows}</tbody>
                        <tfoot><tr><th scope="row">"wall time"</th><td data-testid="breakdown-wall">{move || format!("{:.1}", wall())}</td><td>"100%"</td></tr></tfoot>
                    </table>
                </ScrollX>
                <p class="note">"The training worker times every step of every batch. Wall time runs from the run's first slice to its latest epoch and includes the worker's messages and the short pauses in which it answers the page, so it is a little longer than the seconds per epoch above, which count training only. Browsers round their clocks (to 0.1 ms or coarser in some), so a step much shorter than that per batch reads as noise."</p>
            </details>
        </Show>
    }
}

/// Every run with its final losses, as text.
#[component]
pub fn RunTable() -> impl IntoView {
    let engine = expect_context::<Lab>().engine;
    let runs = move || engine.runs_of(Bench::Kmers);
    view! {
        <Show when=move || !runs().is_empty()>
            <ScrollX label="Every run">
                <table class="runs" data-testid="runs">
                    <thead><tr><th>"Run"</th><th>"Device"</th><th>"Epochs"</th><th>"Train MSE"</th><th>"Val MSE"</th><th>"Test R²"</th><th>"Status"</th></tr></thead>
                    <tbody>
                        {move || runs().into_iter().map(|r| {
                            let last = r.history.last();
                            let status = r.state.describe();
                            view! { <tr>
                                <td>{r.label()}</td><td>{r.device.label()}</td><td>{r.history.len()}</td>
                                <td>{last.map(|h| format!("{:.3}", h.train_loss)).unwrap_or_default()}</td>
                                <td>{last.map(|h| format!("{:.3}", h.val_loss)).unwrap_or_default()}</td>
                                <td>{r.results.as_ref().map(|x| format!("{:.3}", x.r_squared)).unwrap_or_default()}</td>
                                <td>{status}</td>
                            </tr> }
                        }).collect_view()}
                    </tbody>
                </table>
            </ScrollX>
        </Show>
    }
}
