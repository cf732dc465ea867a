//! Training in the page: the model crate's stepper driven from the browser's event loop.
//!
//! Batches run in time slices of about 25 ms; between slices the loop yields to the browser
//! (`setTimeout(0)`), so the page stays responsive and a pause takes effect within one slice.

use std::cell::RefCell;
use std::rc::Rc;

use dnaplay_model::burn::tensor::Device;
use dnaplay_model::data::{RegressionData, SplitFractions, split};
use dnaplay_model::models::{Activation, ModelConfig, ModelKind};
use dnaplay_model::scoring::ScoringRule;
use dnaplay_model::trainer::{EpochRecord, OptimizerKind, StepOutcome, TrainConfig, Trainer};
use dnaplay_state::Settings;
use dnaplay_plots::{LossOptions, LossSeries, draw_loss_curves, draw_message};
use leptos::html::Canvas;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::components::plot_canvas::redraw;
use crate::device::DeviceKind;

/// Milliseconds of training between two yields to the browser.
const SLICE_MS: f64 = 25.0;

fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map(|p| p.now()).unwrap_or(0.0)
}

/// Resolve after the browser has run its pending events (`setTimeout(0)`).
async fn yield_to_browser() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback(resolve.unchecked_ref());
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// What one run keeps between slices.
struct Run {
    trainer: Trainer,
    test: RegressionData,
    /// Milliseconds spent training so far, pauses excluded.
    busy_ms: f64,
}

/// The training panel: model choice, play / pause, progress, live loss curves, test R².
#[component]
pub fn TrainingPanel(
    /// The device to train on, once known.
    device: ReadSignal<Option<(DeviceKind, Device)>>,
    /// The settings of the shared link; the controls edit them.
    settings: RwSignal<Settings>,
) -> impl IntoView {
    let model = move || settings.with(|s| s.model);
    let epochs = move || settings.with(|s| s.num_epochs);
    let (running, set_running) = signal(false);
    let (history, set_history) = signal(Vec::<EpochRecord>::new());
    let (progress, set_progress) = signal((0usize, 0usize));
    let (seconds_per_epoch, set_seconds_per_epoch) = signal(None::<f64>);
    // The epochs of the run in progress: the Epochs field may change while it trains.
    let (run_epochs, set_run_epochs) = signal(None::<usize>);
    let (r2, set_r2) = signal(None::<f64>);
    let (error, set_error) = signal(None::<String>);
    let run: Rc<RefCell<Option<Run>>> = Rc::new(RefCell::new(None));
    let canvas = NodeRef::<Canvas>::new();

    Effect::new(move |_| {
        let h = history.get();
        let label = settings.with_untracked(|s| match s.model {
            ModelKind::Linear => "Linear".to_string(),
            ModelKind::Cnn => format!("CNN ({})", s.activation),
        });
        redraw(&canvas, 720, 380, |area, theme| {
            if h.is_empty() {
                let _ = draw_message(area, theme, "Press Train to start; the loss curves appear here");
                return;
            }
            let train: Vec<f32> = h.iter().map(|r| r.train_loss).collect();
            let val: Vec<f32> = h.iter().map(|r| r.val_loss).collect();
            let opts = LossOptions { theme: *theme, ..LossOptions::default() };
            let _ = draw_loss_curves(area, &[LossSeries { label: &label, train: &train, val: &val }], &opts);
        });
    });

    let start = {
        let run = run.clone();
        move |_| {
            let Some((_, dev)) = device.get_untracked() else { return };
            if running.get_untracked() {
                return;
            }
            set_error.set(None);
            if run.borrow().as_ref().is_none_or(|r| r.trainer.is_finished()) {
                let data = match RegressionData::kmer_task(8, &ScoringRule::default()) {
                    Ok(d) => d,
                    Err(e) => return set_error.set(Some(e.to_string())),
                };
                let st = settings.get_untracked();
                let s = split(data.len(), SplitFractions::default(), st.seed).expect("65,536 k-mers should split");
                let config = TrainConfig {
                    optimizer: st.optimizer,
                    learning_rate: st.learning_rate,
                    batch_size: st.batch_size,
                    num_epochs: st.num_epochs,
                    seed: st.seed,
                    ..TrainConfig::default()
                };
                let model_config = ModelConfig { kind: st.model, activation: st.activation, ..ModelConfig::cnn(8) };
                match Trainer::new(model_config, config, &data.subset(&s.train), &data.subset(&s.val), &dev) {
                    Ok(trainer) => *run.borrow_mut() = Some(Run { trainer, test: data.subset(&s.test), busy_ms: 0.0 }),
                    Err(e) => return set_error.set(Some(e.to_string())),
                }
                set_history.set(Vec::new());
                set_r2.set(None);
                set_seconds_per_epoch.set(None);
                set_run_epochs.set(Some(st.num_epochs));
            }
            set_running.set(true);
            let run = run.clone();
            spawn_local(async move {
                let Some(mut current) = run.borrow_mut().take() else { return };
                let mut failed = false;
                while running.get_untracked() && !current.trainer.is_finished() && !failed {
                    let slice_start = now_ms();
                    while now_ms() - slice_start < SLICE_MS && !current.trainer.is_finished() && !failed {
                        match current.trainer.step_batch().await {
                            Ok(StepOutcome::Batch { .. }) => {}
                            Ok(StepOutcome::Epoch(record)) => {
                                let busy = current.busy_ms + now_ms() - slice_start;
                                set_seconds_per_epoch.set(Some(busy / 1000.0 / (record.epoch + 1) as f64));
                                set_history.update(|h| h.push(record));
                            }
                            Err(e) => {
                                // A diverged run stops here; its loss is not plotted or evaluated.
                                set_error.set(Some(e.to_string()));
                                set_running.set(false);
                                failed = true;
                            }
                        }
                    }
                    current.busy_ms += now_ms() - slice_start;
                    // The progress text changes once per slice, not once per batch.
                    let (b, n) = (current.trainer.batch_in_epoch(), current.trainer.batches_per_epoch());
                    set_progress.set((if b == 0 && current.trainer.epoch() > 0 { n } else { b }, n));
                    yield_to_browser().await;
                }
                if current.trainer.is_finished() && !failed {
                    match current.trainer.evaluate(&current.test).await {
                        Ok(eval) => set_r2.set(Some(eval.r_squared)),
                        Err(e) => set_error.set(Some(e.to_string())),
                    }
                    set_running.set(false);
                }
                *run.borrow_mut() = Some(current);
            });
        }
    };

    let epoch_text = move || {
        let h = history.get();
        let (b, n) = progress.get();
        format!("epoch {} of {} · batch {b} of {n}", h.len(), run_epochs.get().unwrap_or_else(epochs))
    };

    view! {
        <section class="panel">
            <div class="controls">
                <ChoiceSelect label="Model" options=ModelKind::ALL value=Signal::derive(model)
                    on_pick=move |m| settings.update(|s| s.model = m) />
                <ChoiceSelect label="First-layer activation" options=Activation::ALL value=Signal::derive(move || settings.with(|s| s.activation))
                    on_pick=move |a| settings.update(|s| s.activation = a) />
                <ChoiceSelect label="Optimizer" options=OptimizerKind::ALL value=Signal::derive(move || settings.with(|s| s.optimizer))
                    on_pick=move |o| settings.update(|s| s.optimizer = o) />
                <NumberField label="Learning rate" value=Signal::derive(move || settings.with(|s| s.learning_rate.to_string()))
                    on_input={move |v: String| match v.trim().parse::<f64>() {
                        Ok(x) if x.is_finite() && x > 0.0 && x <= 10.0 => { settings.update(|s| s.learning_rate = x); None }
                        _ => Some(format!("'{v}' is not a learning rate: give a number above 0 and at most 10 (the seed uses 0.01)")),
                    }} />
                <NumberField label="Batch size" value=Signal::derive(move || settings.with(|s| s.batch_size.to_string()))
                    on_input={move |v: String| match v.trim().parse::<usize>() {
                        Ok(n) if (1..=dnaplay_state::MAX_BATCH).contains(&n) => { settings.update(|s| s.batch_size = n); None }
                        _ => Some(format!("'{v}' is not a batch size: give a whole number from 1 to {}", dnaplay_state::MAX_BATCH)),
                    }} />
                <NumberField label="Epochs" value=Signal::derive(move || epochs().to_string())
                    on_input={move |v: String| match v.trim().parse::<usize>() {
                        Ok(n) if (1..=dnaplay_state::MAX_EPOCHS).contains(&n) => { settings.update(|s| s.num_epochs = n); None }
                        _ => Some(format!("'{v}' is not a number of epochs: give a whole number from 1 to {}", dnaplay_state::MAX_EPOCHS)),
                    }} />
                <NumberField label="Seed" value=Signal::derive(move || settings.with(|s| s.seed.to_string()))
                    on_input={move |v: String| match v.trim().parse::<u64>() {
                        Ok(n) => { settings.update(|s| s.seed = n); None }
                        Err(_) => Some(format!("'{v}' is not a seed: give a whole number")),
                    }} />
            </div>
            <div class="controls">
                <button data-testid="train" on:click=start disabled=move || device.get().is_none() || running.get()>"Train"</button>
                <button data-testid="pause" on:click=move |_| set_running.set(false) disabled=move || !running.get()>"Pause"</button>
                <button data-testid="reset" on:click={
                    let run = run.clone();
                    move |_| {
                        set_running.set(false);
                        *run.borrow_mut() = None;
                        set_history.set(Vec::new());
                        set_progress.set((0, 0));
                        set_r2.set(None);
                        set_seconds_per_epoch.set(None);
                        set_run_epochs.set(None);
                        set_error.set(None);
                    }
                } disabled=move || running.get()>"Reset"</button>
                <span class="device">"Device: "<b data-testid="device">{move || device.get().map(|(k, _)| k.label()).unwrap_or("starting…")}</b></span>
            </div>
            <p class="status"><span data-testid="epoch">{epoch_text}</span>
                {move || seconds_per_epoch.get().map(|s| format!(" · {s:.2} s per epoch"))}
            </p>
            <canvas node_ref=canvas data-testid="loss-chart" aria-label="Loss curves: train dashed, validation solid"></canvas>
            <p class="metric" data-testid="r2">{move || r2.get().map(|v| format!("Test R² = {v:.3}")).unwrap_or_default()}</p>
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        </section>
    }
}

/// A labelled text field for a number. The text the student typed stays in the field; when it
/// is not valid, `on_input` returns a message that is shown under the field and the setting
/// keeps its last valid value.
#[component]
fn NumberField(
    /// The visible label, also the field's accessible name.
    label: &'static str,
    /// The current value, as text.
    value: Signal<String>,
    /// Called with the typed text; returns an error message when the text is not valid.
    on_input: impl Fn(String) -> Option<String> + 'static,
) -> impl IntoView {
    let (problem, set_problem) = signal(None::<String>);
    view! {
        <label class="number">
            {label}" "
            <input type="text" inputmode="decimal" prop:value=move || value.get_untracked()
                aria-invalid=move || problem.get().is_some().to_string()
                on:input=move |ev| set_problem.set(on_input(event_target_value(&ev))) />
            {move || problem.get().map(|p| view! { <span class="field-error" role="alert">{p}</span> })}
        </label>
    }
}

/// A labelled drop-down over one of the model crate's named choices (model, activation,
/// optimizer): options show their short names, as typed in links and on the command line.
#[component]
fn ChoiceSelect<T, F>(
    /// The visible label, also the select's accessible name.
    label: &'static str,
    /// Every option, in menu order.
    options: &'static [T],
    /// The current choice.
    value: Signal<T>,
    /// Called with the option picked.
    on_pick: F,
) -> impl IntoView
where
    T: Copy + std::fmt::Display + std::str::FromStr + Send + Sync + 'static,
    F: Fn(T) + 'static,
{
    view! {
        <label>
            {label}" "
            <select prop:value=move || value.get().to_string() on:change=move |ev| {
                if let Ok(v) = event_target_value(&ev).parse::<T>() {
                    on_pick(v);
                }
            }>
                {options.iter().map(|o| view! { <option value=o.to_string()>{o.to_string()}</option> }).collect_view()}
            </select>
        </label>
    }
}
