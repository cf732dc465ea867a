//! Lesson 5: training (seed 002, Part 4): the settings, play / pause / step / reset, a progress
//! bar, and live loss curves of every run, overlaid.

use dnaplay_model::models::{Activation, ModelKind};
use dnaplay_model::trainer::OptimizerKind;
use dnaplay_plots::{LossOptions, LossSeries, draw_loss_curves, draw_message};
use dnaplay_state::{MAX_BATCH, MAX_EPOCHS};
use leptos::html::Canvas;
use leptos::prelude::*;

use crate::components::fields::{ChoiceSelect, NumberField};
use crate::components::plot_canvas::redraw;
use crate::lab::{Lab, RunStatus, Until};

/// "12 s", "3 min 5 s".
fn duration(seconds: f64) -> String {
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
    let curves = Memo::new(move |_| {
        lab.runs.with(|runs| {
            runs.iter()
                .map(|r| (r.label(), r.history.iter().map(|h| h.train_loss).collect::<Vec<f32>>(), r.history.iter().map(|h| h.val_loss).collect::<Vec<f32>>()))
                .collect::<Vec<_>>()
        })
    });
    Effect::new(move |_| {
        let log = log_y.get();
        let curves = curves.get();
        redraw(&canvas, 760, 400, |area, theme| {
            if curves.iter().all(|(_, train, _)| train.is_empty()) {
                let _ = draw_message(area, theme, "Press Train: each epoch's train and validation loss appear here");
                return;
            }
            let series: Vec<LossSeries> = curves.iter().map(|(label, train, val)| LossSeries { label, train, val }).collect();
            let opts = LossOptions { log_y: log, theme: *theme, ..LossOptions::default() };
            let _ = draw_loss_curves(area, &series, &opts);
        });
    });

    let current = move || lab.current().or_else(|| lab.runs.with(|r| r.last().cloned()));
    let running = lab.running;
    let no_device = move || lab.device.with(|d| d.is_none());
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
            Some(if r.status == RunStatus::Training && left > 0.0 {
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
                <ChoiceSelect label="Model" options=ModelKind::ALL value=Signal::derive(move || settings.with(|s| s.model))
                    on_pick=move |m| settings.update(|s| s.model = m) />
                <ChoiceSelect label="First-layer activation" options=Activation::ALL value=Signal::derive(move || settings.with(|s| s.activation))
                    on_pick=move |a| settings.update(|s| s.activation = a) />
                <ChoiceSelect label="Optimizer" options=OptimizerKind::ALL value=Signal::derive(move || settings.with(|s| s.optimizer))
                    on_pick=move |o| settings.update(|s| s.optimizer = o) />
            </div>
            <div class="controls">
                <NumberField label="Learning rate" value=Signal::derive(move || settings.with(|s| s.learning_rate.to_string()))
                    on_input={move |v: String| match v.trim().parse::<f64>() {
                        Ok(x) if x.is_finite() && x > 0.0 && x <= 10.0 => { settings.update(|s| s.learning_rate = x); None }
                        _ => Some(format!("'{v}' is not a learning rate: give a number above 0 and at most 10 (the seed uses 0.01)")),
                    }} />
                <NumberField label="Batch size" value=Signal::derive(move || settings.with(|s| s.batch_size.to_string()))
                    on_input={move |v: String| match v.trim().parse::<usize>() {
                        Ok(n) if (1..=MAX_BATCH).contains(&n) => { settings.update(|s| s.batch_size = n); None }
                        _ => Some(format!("'{v}' is not a batch size: give a whole number from 1 to {MAX_BATCH}")),
                    }} />
                <NumberField label="Epochs" value=Signal::derive(move || settings.with(|s| s.num_epochs.to_string()))
                    on_input={move |v: String| match v.trim().parse::<usize>() {
                        Ok(n) if (1..=MAX_EPOCHS).contains(&n) => { settings.update(|s| s.num_epochs = n); None }
                        _ => Some(format!("'{v}' is not a number of epochs: give a whole number from 1 to {MAX_EPOCHS}")),
                    }} />
                <NumberField label="Seed" value=Signal::derive(move || settings.with(|s| s.seed.to_string()))
                    on_input={move |v: String| match v.trim().parse::<u64>() {
                        Ok(n) => { settings.update(|s| s.seed = n); None }
                        Err(_) => Some(format!("'{v}' is not a seed: give a whole number")),
                    }} />
            </div>
            <p class="note">"New settings apply to the next run; a paused run goes on with its own."</p>
            <div class="controls buttons">
                <button class="primary" data-testid="train" on:click=move |_| lab.play(Until::End)
                    disabled=move || no_device() || running.get()>"▶ Train"</button>
                <button data-testid="pause" on:click=move |_| lab.pause() disabled=move || !running.get()>"Pause"</button>
                <button data-testid="step" on:click=move |_| lab.play(Until::NextEpoch)
                    disabled=move || no_device() || running.get()>"Step one epoch"</button>
                <button data-testid="reset" on:click=move |_| lab.reset() disabled=move || running.get()
                    title="Close the current run; the next Train starts a new one">"Reset"</button>
                <button data-testid="clear-runs" on:click=move |_| lab.clear_runs() disabled=move || lab.runs.with(Vec::is_empty)>"Clear runs"</button>
            </div>
            <progress max="1" prop:value=move || progress().map_or(0.0, |(_, f)| f) aria-label="Training progress"></progress>
            <p class="status"><span data-testid="epoch">{epoch_text}</span>{timing}</p>
            {move || current().and_then(|r| match r.status {
                RunStatus::Failed(m) => Some(view! { <p class="error" role="alert">{format!("Run #{}: {m}", r.id)}</p> }),
                _ => None,
            })}
        </section>
        <label class="inline"><input type="checkbox" prop:checked=move || log_y.get() on:change=move |ev| set_log_y.set(event_target_checked(&ev)) />
            " Log-scale loss axis"</label>
        <canvas node_ref=canvas data-testid="loss-chart" aria-label="Loss curves: train dashed, validation solid, one colour per run"></canvas>
        <p class="metric" data-testid="r2">{move || current().and_then(|r| r.results.map(|res| (r.id, res)))
            .map(|(id, res)| format!("Run #{id}: test R² = {:.3} after {} epochs", res.r_squared, res.epochs)).unwrap_or_default()}</p>
        <pre class="epoch-log" data-testid="epoch-log" aria-label="Loss per epoch, in the seed's format">{move || current().map(|r| {
            r.history.iter().map(|h| h.to_string()).collect::<Vec<_>>().join("\n")
        }).unwrap_or_default()}</pre>
        <RunTable />
    }
}

/// Every run with its final losses, as text.
#[component]
pub fn RunTable() -> impl IntoView {
    let lab = expect_context::<Lab>();
    view! {
        <Show when=move || lab.runs.with(|r| !r.is_empty())>
            <table class="runs" data-testid="runs">
                <thead><tr><th>"Run"</th><th>"Device"</th><th>"Epochs"</th><th>"Train MSE"</th><th>"Val MSE"</th><th>"Test R²"</th><th>"Status"</th></tr></thead>
                <tbody>
                    {move || lab.runs.get().into_iter().map(|r| {
                        let last = r.history.last();
                        let status = match &r.status {
                            RunStatus::Training => "training".to_string(),
                            RunStatus::Paused => "paused".to_string(),
                            RunStatus::Stopped => "stopped (reset)".to_string(),
                            RunStatus::Finished => "finished".to_string(),
                            RunStatus::Failed(m) => m.clone(),
                        };
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
        </Show>
    }
}
