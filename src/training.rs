//! Training in the page: the model crate's stepper driven from the browser's event loop.
//!
//! Batches run in time slices of about 25 ms; between slices the loop yields to the browser
//! (`setTimeout(0)`), so the page stays responsive and a pause takes effect within one slice.

use std::cell::RefCell;
use std::rc::Rc;

use dnaplay_model::burn::tensor::Device;
use dnaplay_model::data::{RegressionData, SplitFractions, split};
use dnaplay_model::models::{ModelConfig, ModelKind};
use dnaplay_model::scoring::ScoringRule;
use dnaplay_model::trainer::{EpochRecord, StepOutcome, TrainConfig, Trainer};
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
    started_ms: f64,
}

/// The training panel: model choice, play / pause, progress, live loss curves, test R².
#[component]
pub fn TrainingPanel(
    /// The device to train on, once known.
    device: ReadSignal<Option<(DeviceKind, Device)>>,
) -> impl IntoView {
    let (model, set_model) = signal(ModelKind::Cnn);
    let (epochs, set_epochs) = signal(50usize);
    let (running, set_running) = signal(false);
    let (history, set_history) = signal(Vec::<EpochRecord>::new());
    let (progress, set_progress) = signal((0usize, 0usize));
    let (seconds_per_epoch, set_seconds_per_epoch) = signal(None::<f64>);
    let (r2, set_r2) = signal(None::<f64>);
    let (error, set_error) = signal(None::<String>);
    let run: Rc<RefCell<Option<Run>>> = Rc::new(RefCell::new(None));
    let canvas = NodeRef::<Canvas>::new();

    Effect::new(move |_| {
        let h = history.get();
        let label = model.get_untracked().name().to_uppercase();
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
                let s = split(data.len(), SplitFractions::default(), 17).expect("65,536 k-mers should split");
                let config = TrainConfig { num_epochs: epochs.get_untracked(), ..TrainConfig::default() };
                let model_config = match model.get_untracked() {
                    ModelKind::Linear => ModelConfig::linear(8),
                    ModelKind::Cnn => ModelConfig::cnn(8),
                };
                match Trainer::new(model_config, config, &data.subset(&s.train), &data.subset(&s.val), &dev) {
                    Ok(trainer) => *run.borrow_mut() = Some(Run { trainer, test: data.subset(&s.test), started_ms: now_ms() }),
                    Err(e) => return set_error.set(Some(e.to_string())),
                }
                set_history.set(Vec::new());
                set_r2.set(None);
                set_seconds_per_epoch.set(None);
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
                            Ok(StepOutcome::Batch { batch, batches_per_epoch }) => set_progress.set((batch, batches_per_epoch)),
                            Ok(StepOutcome::Epoch(record)) => {
                                let per_epoch = current.trainer.batches_per_epoch();
                                set_progress.set((per_epoch, per_epoch));
                                let done = record.epoch + 1;
                                set_seconds_per_epoch.set(Some((now_ms() - current.started_ms) / 1000.0 / done as f64));
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
        format!("epoch {} of {} · batch {b} of {n}", h.len(), epochs.get())
    };

    view! {
        <section class="panel">
            <div class="controls">
                <label>
                    "Model "
                    <select on:change=move |ev| set_model.set(if event_target_value(&ev) == "linear" { ModelKind::Linear } else { ModelKind::Cnn })>
                        <option value="cnn" selected>"CNN"</option>
                        <option value="linear">"Linear"</option>
                    </select>
                </label>
                <label>
                    "Epochs "
                    <input type="number" min="1" max="500" prop:value=move || epochs.get().to_string()
                        on:change=move |ev| {
                            if let Ok(n) = event_target_value(&ev).parse::<usize>() {
                                if n >= 1 {
                                    set_epochs.set(n);
                                }
                            }
                        } />
                </label>
                <button data-testid="train" on:click=start disabled=move || device.get().is_none() || running.get()>"Train"</button>
                <button data-testid="pause" on:click=move |_| set_running.set(false) disabled=move || !running.get()>"Pause"</button>
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
