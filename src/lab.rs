//! The lab: the data, the runs and the training loop, shared by every lesson page.
//!
//! Training lives here rather than in the Training lesson, so a run goes on while the student
//! reads the parity plot or the logos. Batches run in slices of about [`SLICE_MS`]; between
//! slices the loop yields to the browser through a `MessageChannel` (a `setTimeout(0)` chain is
//! clamped to 4 ms per yield after five nested calls, HTML spec "timers", which cost 13% of the
//! time in a profile), so the page stays responsive and a pause takes effect within one slice.

use std::sync::Arc;

use dnaplay_model::burn::tensor::Device;
use dnaplay_model::data::{RegressionData, Split, SplitFractions, split};
use dnaplay_model::interpret::{FilterMaps, FilterWeights};
use dnaplay_model::metrics::{SpotCheck, r_squared, spot_check_sequences, spot_checks};
use dnaplay_model::models::{ModelConfig, ModelKind};
use dnaplay_model::scoring::ScoringRule;
use dnaplay_model::sequence::OneHot;
use dnaplay_model::trainer::{EpochRecord, StepOutcome, TrainConfig, Trainer, filter_maps, filter_weights, predict};
use dnaplay_model::Error;
use dnaplay_state::Settings;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use crate::device::DeviceKind;

/// Milliseconds of training between two yields to the browser.
pub const SLICE_MS: f64 = 25.0;

/// Milliseconds since the page opened (`performance.now()`).
pub fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map(|p| p.now()).unwrap_or(0.0)
}

/// Resolve once the browser has run its pending tasks (input, rendering), without the 4 ms
/// clamp of nested `setTimeout(0)`.
pub async fn yield_to_browser() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let Ok(channel) = web_sys::MessageChannel::new() else {
            let _ = web_sys::window().map(|w| w.set_timeout_with_callback(resolve.unchecked_ref()));
            return;
        };
        let on_message = Closure::once_into_js(move || {
            let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
        });
        channel.port1().set_onmessage(Some(on_message.unchecked_ref()));
        let _ = channel.port2().post_message(&wasm_bindgen::JsValue::NULL);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Histogram bins for scores: 0.25 score units wide when the range allows (seed 002's scores
/// are multiples of 1/8, so bins of other widths alternate between one and two score values and
/// draw a comb), between 10 and 120 bins.
pub fn score_bins(scores: &[f32]) -> usize {
    let (lo, hi) = scores.iter().filter(|v| v.is_finite()).fold((f32::INFINITY, f32::NEG_INFINITY), |(a, b), &v| (a.min(v), b.max(v)));
    if !(hi > lo) {
        return 10;
    }
    (((hi - lo) / 0.25).round() as usize).clamp(10, 120)
}

/// The 8-mer data under one scoring rule, split by one seed.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    /// The rule that scored the data.
    pub rule: ScoringRule,
    /// All 65,536 8-mers in lexicographic order (A < C < G < T), with their scores.
    pub data: RegressionData,
    /// The seed of the split.
    pub seed: u64,
    /// Train, validation and test indices into `data` (seed 002, Part 2: 0.2 test, then 0.2 of
    /// the rest for validation).
    pub split: Split,
}

impl Dataset {
    /// Score every 8-mer by `rule` and split with `seed`.
    ///
    /// # Errors
    /// The rule's errors ([`ScoringRule::validate`]).
    pub fn new(rule: ScoringRule, seed: u64) -> Result<Dataset, Error> {
        let data = RegressionData::kmer_task(8, &rule)?;
        let split = split(data.len(), SplitFractions::default(), seed)?;
        Ok(Dataset { rule, data, seed, split })
    }

    /// Index of an 8-mer in `data` (the k-mers are sorted), or `None`.
    pub fn index_of(&self, seq: &str) -> Option<usize> {
        self.data.seqs.binary_search_by(|s| s.as_str().cmp(seq)).ok()
    }
}

/// How a run ended, or that it has not.
#[derive(Debug, Clone, PartialEq)]
pub enum RunStatus {
    /// Training, or waiting for the next slice.
    Training,
    /// Paused by the student; can go on.
    Paused,
    /// Closed by Reset before its last epoch; its metrics stay.
    Stopped,
    /// All epochs done (or early-stopped).
    Finished,
    /// Stopped by an error: the message says what happened and what to try.
    Failed(String),
}

/// What a run's model predicts and what its filters respond to, read back to the host.
#[derive(Debug, Clone, PartialEq)]
pub struct RunResults {
    /// Epochs trained when these were computed.
    pub epochs: usize,
    /// The data the run trained on (the rule may have changed since).
    pub dataset: Arc<Dataset>,
    /// A prediction for every 8-mer of the dataset, in its order.
    pub all_predictions: Vec<f32>,
    /// Test R² (scikit-learn's `r2_score`).
    pub r_squared: f64,
    /// Seed 002's spot-check table (Part 5).
    pub spot_checks: Vec<SpotCheck>,
    /// CNN only: first-layer weights, `[filters, 4, width]`.
    pub weights: Option<FilterWeights>,
    /// CNN only: first-layer responses over the test split, `[test, filters, positions]`.
    pub maps: Option<Arc<(FilterMaps, OneHot)>>,
}

/// One training run, as the page shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct RunView {
    /// 1-based run number, shown in legends.
    pub id: usize,
    /// The model trained.
    pub model: ModelConfig,
    /// The training settings.
    pub config: TrainConfig,
    /// The device it trains on.
    pub device: DeviceKind,
    /// One record per finished epoch.
    pub history: Vec<EpochRecord>,
    /// Batches done in the current epoch, and batches per epoch.
    pub batch: (usize, usize),
    /// Seconds of training per epoch (pauses excluded).
    pub seconds_per_epoch: Option<f64>,
    /// Where the run stands.
    pub status: RunStatus,
    /// Predictions and filters, once a run pauses or finishes.
    pub results: Option<Arc<RunResults>>,
}

impl RunView {
    /// Legend label, e.g. "#2 CNN (exp), adam lr 0.001".
    pub fn label(&self) -> String {
        let model = match self.model.kind {
            ModelKind::Linear => "Linear".to_string(),
            ModelKind::Cnn => format!("CNN ({})", self.model.activation),
            other => format!("{other} ({})", self.model.activation),
        };
        format!("#{} {model}, {} lr {}", self.id, self.config.optimizer, self.config.learning_rate)
    }
}

/// The run the results lessons show, with its results read back. Two values are equal when they
/// name the same run and the same read-back (`Arc::ptr_eq`), so a memo of it changes when the
/// results change, not on every training slice (the run list updates after each one).
#[derive(Debug, Clone)]
pub struct ShownRun {
    /// The run's id.
    pub id: usize,
    /// Its legend label.
    pub label: String,
    /// Its model.
    pub model: ModelConfig,
    /// Its results.
    pub results: Arc<RunResults>,
}

impl PartialEq for ShownRun {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id && Arc::ptr_eq(&self.results, &other.results)
    }
}

/// The trainer of the run in progress, with the time it has trained.
struct Active {
    id: usize,
    trainer: Trainer,
    busy_ms: f64,
}

/// What [`Lab::play`] trains until.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Until {
    /// The last epoch.
    End,
    /// The end of the current epoch.
    NextEpoch,
}

/// Every lesson's shared state. Cheap to copy: all fields are reactive handles.
#[derive(Clone, Copy)]
pub struct Lab {
    /// The link's settings.
    pub settings: RwSignal<Settings>,
    /// The device to train on, once known.
    pub device: RwSignal<Option<(DeviceKind, Device)>>,
    /// The data (rule and split).
    pub dataset: RwSignal<Arc<Dataset>>,
    /// Every run since the last "Clear runs", oldest first.
    pub runs: RwSignal<Vec<RunView>>,
    /// The run the student picked for the results lessons (its id).
    pub selected: RwSignal<Option<usize>>,
    /// The run the results lessons show: the picked one, else the latest with results.
    pub shown: Memo<Option<ShownRun>>,
    /// True while the training loop runs.
    pub running: RwSignal<bool>,
    /// A message about the device (e.g. why WebGPU is not used).
    pub device_note: RwSignal<Option<String>>,
    active: StoredValue<Option<Active>, LocalStorage>,
}

impl Lab {
    /// A lab with seed 002's rule and the settings' seed.
    pub fn new(settings: RwSignal<Settings>) -> Lab {
        let (rule, seed) = settings.with_untracked(|s| (s.rule.clone(), s.seed));
        // The link's rule was checked when it was read; fall back to seed 002's if it fails.
        let dataset = Dataset::new(rule, seed).unwrap_or_else(|_| Dataset::new(ScoringRule::default(), seed).expect("seed 002's rule is valid"));
        let runs = RwSignal::new(Vec::<RunView>::new());
        let selected = RwSignal::new(None::<usize>);
        let shown = Memo::new(move |_| {
            let selected = selected.get();
            runs.with(|runs| {
                let with_results = |r: &&RunView| r.results.is_some();
                let run = selected
                    .and_then(|id| runs.iter().filter(with_results).find(|r| r.id == id))
                    .or_else(|| runs.iter().rev().find(with_results))?;
                Some(ShownRun { id: run.id, label: run.label(), model: run.model.clone(), results: run.results.clone()? })
            })
        });
        Lab {
            settings,
            device: RwSignal::new(None),
            dataset: RwSignal::new(Arc::new(dataset)),
            runs,
            selected,
            shown,
            running: RwSignal::new(false),
            device_note: RwSignal::new(None),
            active: StoredValue::new_local(None),
        }
    }

    /// The run in progress or paused, if any.
    pub fn current(&self) -> Option<RunView> {
        let id = self.active.with_value(|a| a.as_ref().map(|a| a.id))?;
        self.runs.with(|r| r.iter().find(|v| v.id == id).cloned())
    }

    fn update_run(&self, id: usize, f: impl FnOnce(&mut RunView)) {
        self.runs.update(|runs| {
            if let Some(r) = runs.iter_mut().find(|r| r.id == id) {
                f(r)
            }
        });
    }

    /// Start a new run with the current settings, or go on with the paused one.
    pub fn play(self, until: Until) {
        if self.running.get_untracked() {
            return;
        }
        let Some((kind, device)) = self.device.get_untracked() else { return };
        let resumable = self.active.with_value(|a| a.as_ref().is_some_and(|a| !a.trainer.is_finished()));
        if !resumable && let Err(message) = self.start_run(kind, &device) {
            let id = self.runs.with_untracked(|r| r.len()) + 1;
            let st = self.settings.get_untracked();
            self.runs.update(|r| {
                r.push(RunView {
                    id,
                    model: ModelConfig { kind: st.model, activation: st.activation, ..ModelConfig::cnn(8) },
                    config: train_config(&st),
                    device: kind,
                    history: Vec::new(),
                    batch: (0, 0),
                    seconds_per_epoch: None,
                    status: RunStatus::Failed(message),
                    results: None,
                })
            });
            return;
        }
        self.running.set(true);
        spawn_local(async move { self.train_loop(until).await });
    }

    fn start_run(&self, kind: DeviceKind, device: &Device) -> Result<(), String> {
        let st = self.settings.get_untracked();
        let dataset = self.dataset.get_untracked();
        let model = ModelConfig { kind: st.model, activation: st.activation, ..ModelConfig::cnn(8) };
        let config = train_config(&st);
        let (train, val) = (dataset.data.subset(&dataset.split.train), dataset.data.subset(&dataset.split.val));
        let trainer = Trainer::new(model.clone(), config.clone(), &train, &val, device).map_err(|e| e.to_string())?;
        let id = self.runs.with_untracked(|r| r.iter().map(|r| r.id).max().unwrap_or(0)) + 1;
        let batches = trainer.batches_per_epoch();
        self.runs.update(|r| {
            r.push(RunView {
                id,
                model,
                config,
                device: kind,
                history: Vec::new(),
                batch: (0, batches),
                seconds_per_epoch: None,
                status: RunStatus::Training,
                results: None,
            })
        });
        self.active.set_value(Some(Active { id, trainer, busy_ms: 0.0 }));
        Ok(())
    }

    async fn train_loop(self, until: Until) {
        let Some(mut active) = self.active.try_update_value(Option::take).flatten() else {
            self.running.set(false);
            return;
        };
        let id = active.id;
        self.update_run(id, |r| r.status = RunStatus::Training);
        let stop_epoch = match until {
            Until::End => usize::MAX,
            Until::NextEpoch => active.trainer.epoch() + 1,
        };
        let mut failure: Option<Error> = None;
        'outer: while self.running.get_untracked() && !active.trainer.is_finished() {
            let slice_start = now_ms();
            while now_ms() - slice_start < SLICE_MS && !active.trainer.is_finished() {
                match active.trainer.step_batch().await {
                    Ok(StepOutcome::Batch { .. }) => {}
                    Ok(StepOutcome::Epoch(record)) => {
                        let busy = active.busy_ms + now_ms() - slice_start;
                        let epochs = record.epoch + 1;
                        self.update_run(id, |r| {
                            r.seconds_per_epoch = Some(busy / 1000.0 / epochs as f64);
                            r.history.push(record);
                        });
                        if epochs >= stop_epoch {
                            active.busy_ms += now_ms() - slice_start;
                            break 'outer;
                        }
                    }
                    Err(e) => {
                        // A diverged run stops here: its NaN loss is neither plotted nor evaluated.
                        failure = Some(e);
                        break 'outer;
                    }
                }
            }
            active.busy_ms += now_ms() - slice_start;
            let (b, n) = (active.trainer.batch_in_epoch(), active.trainer.batches_per_epoch());
            self.update_run(id, |r| r.batch = (b, n));
            yield_to_browser().await;
        }
        let (b, n) = (active.trainer.batch_in_epoch(), active.trainer.batches_per_epoch());
        self.update_run(id, |r| r.batch = (b, n));
        if let Some(error) = failure {
            let on_gpu = self.runs.with_untracked(|r| r.iter().any(|r| r.id == id && r.device == DeviceKind::WebGpu));
            self.update_run(id, |r| r.status = RunStatus::Failed(error.to_string()));
            self.running.set(false);
            if on_gpu && matches!(error, Error::Device(_)) {
                // A lost GPU: go on with the CPU. The run's recorded epochs stay in the table
                // and the loss chart.
                self.device_note.set(Some(format!(
                    "The WebGPU device failed during run #{id} ({error}); the page switched to the CPU. \
                     The epochs recorded so far are kept; press Train to start a new run."
                )));
                self.set_device(DeviceKind::Cpu, crate::device::cpu());
            }
            return;
        }
        let finished = active.trainer.is_finished();
        // Results (predictions, spot checks, filters) whenever the run stops, paused or done.
        let dataset = self.dataset.get_untracked();
        match compute_results(&active.trainer, dataset).await {
            Ok(results) => self.update_run(id, |r| r.results = Some(Arc::new(results))),
            Err(e) => self.update_run(id, |r| r.status = RunStatus::Failed(format!("could not evaluate the model: {e}"))),
        }
        self.update_run(id, |r| {
            if r.status == RunStatus::Training {
                r.status = if finished { RunStatus::Finished } else { RunStatus::Paused };
            }
        });
        if !finished {
            self.active.set_value(Some(active));
        }
        self.running.set(false);
    }

    /// Stop the loop after the batch in progress.
    pub fn pause(&self) {
        self.running.set(false);
    }

    /// Forget the paused run; the next Train starts a new one.
    pub fn reset(&self) {
        self.running.set(false);
        if let Some(a) = self.active.try_update_value(Option::take).flatten() {
            self.update_run(a.id, |r| {
                if matches!(r.status, RunStatus::Paused | RunStatus::Training) {
                    r.status = RunStatus::Stopped;
                }
            });
        }
    }

    /// Remove every run (the one in progress is stopped first).
    pub fn clear_runs(&self) {
        self.running.set(false);
        self.active.set_value(None);
        self.runs.set(Vec::new());
        self.selected.set(None);
    }

    /// Change the device; the paused run (its weights live on the old device) is closed, and
    /// every run's metrics are kept.
    pub fn set_device(&self, kind: DeviceKind, device: Device) {
        if self.device.with_untracked(|d| d.as_ref().map(|(k, _)| *k)) != Some(kind) {
            self.reset();
        }
        self.device.set(Some((kind, device)));
    }
}

fn train_config(st: &Settings) -> TrainConfig {
    TrainConfig {
        optimizer: st.optimizer,
        learning_rate: st.learning_rate,
        batch_size: st.batch_size,
        num_epochs: st.num_epochs,
        seed: st.seed,
        ..TrainConfig::default()
    }
}

async fn compute_results(trainer: &Trainer, dataset: Arc<Dataset>) -> Result<RunResults, Error> {
    let model = trainer.inference_model();
    let device = trainer.device();
    let x = dataset.data.one_hot()?;
    let all_predictions = predict(&model, &x, &device).await?;
    let test = &dataset.split.test;
    let truth: Vec<f32> = test.iter().map(|&i| dataset.data.targets[i]).collect();
    let pred: Vec<f32> = test.iter().map(|&i| all_predictions[i]).collect();
    let spot_seqs = spot_check_sequences();
    let spot_pred: Vec<f32> = spot_seqs.iter().map(|s| dataset.index_of(s).map_or(f32::NAN, |i| all_predictions[i])).collect();
    let spot_actual = dataset.rule.score_all(&spot_seqs)?;
    let weights = filter_weights(&model).await?;
    let test_x = x.gather(test);
    let maps = filter_maps(&model, &test_x, &device).await?.map(|m| Arc::new((m, test_x)));
    Ok(RunResults {
        epochs: trainer.epoch(),
        r_squared: r_squared(&truth, &pred),
        all_predictions,
        spot_checks: spot_checks(&spot_pred, &spot_actual),
        weights,
        maps,
        dataset,
    })
}
