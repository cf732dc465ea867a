//! Lesson 9's experiment (seed 003, Fig. 1): CNN-dist trained twice on Task 3, once with a relu
//! and once with an exponential first-layer activation, side by side on the same data, seed and
//! device.
//!
//! The two runs take turns: one slice of about [`SLICE_MS`] each, then a yield to the browser,
//! so both curves grow together and a pause takes effect within a slice. After every epoch the
//! filters of that run are aligned on the validation split (windows at ≥ 50% of each filter's
//! maximum) and matched against the five core motifs, so the logos and the match fraction
//! update live.

use std::sync::Arc;

use dnaplay_model::Error;
use dnaplay_model::interpret::Pfm;
use dnaplay_model::matching::{FilterMatch, MatchConfig};
use dnaplay_model::models::{Activation, ModelConfig};
use dnaplay_model::sequence::OneHot;
use dnaplay_model::tasks::{ClassTask, ClassTaskKind, filter_report};
use dnaplay_model::trainer::{EpochRecord, StepOutcome, TrainConfig, Trainer};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::lab::{Lab, RunStatus, SLICE_MS, now_ms, yield_to_browser};

/// The two first-layer activations compared, in display order.
pub const ACTIVATIONS: [Activation; 2] = [Activation::Relu, Activation::Exp];

/// Seed 003's alignment rule: windows at ≥ 50% of the filter's maximum activation.
pub const LOGO_FRACTION: f32 = 0.5;

/// The filters of a run after an epoch: logos and their matches.
#[derive(Debug, Clone, PartialEq)]
pub struct FilterSnapshot {
    /// Epochs trained when it was taken.
    pub epoch: usize,
    /// One count matrix per filter.
    pub pfms: Vec<Pfm>,
    /// Each filter's best match among the core motifs.
    pub matches: Vec<Option<FilterMatch>>,
    /// Share of filters with a significant match.
    pub match_fraction: f64,
}

/// One of the two runs, as the page shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ContrastRun {
    /// Its first-layer activation.
    pub activation: Activation,
    /// Epochs to train.
    pub num_epochs: usize,
    /// One record per epoch (losses, validation AUROC).
    pub history: Vec<EpochRecord>,
    /// Match fraction after each epoch.
    pub match_fractions: Vec<f64>,
    /// Batches done in the current epoch, and per epoch.
    pub batch: (usize, usize),
    /// Seconds of training per epoch (pauses and filter matching excluded).
    pub seconds_per_epoch: Option<f64>,
    /// Where it stands.
    pub status: RunStatus,
    /// The latest filters.
    pub filters: Option<Arc<FilterSnapshot>>,
}

struct Active {
    trainers: Vec<Trainer>,
    busy_ms: Vec<f64>,
    val_x: Arc<OneHot>,
    task: Arc<ClassTask>,
}

/// The experiment's state. Cheap to copy: all fields are reactive handles.
#[derive(Clone, Copy)]
pub struct Contrast {
    /// The two runs (empty before the first Train).
    pub runs: RwSignal<Vec<ContrastRun>>,
    /// True while the loop runs.
    pub running: RwSignal<bool>,
    /// Size of the data of the current runs: (train, validation).
    pub data_sizes: RwSignal<Option<(usize, usize)>>,
    /// Why the runs could not start.
    pub error: RwSignal<Option<String>>,
    active: StoredValue<Option<Active>, LocalStorage>,
}

impl Default for Contrast {
    fn default() -> Self {
        Self::new()
    }
}

impl Contrast {
    /// No runs yet.
    pub fn new() -> Self {
        Contrast { runs: RwSignal::new(Vec::new()), running: RwSignal::new(false), data_sizes: RwSignal::new(None), error: RwSignal::new(None), active: StoredValue::new_local(None) }
    }

    /// Start both runs with the lab's settings and device, or go on with the paused pair.
    pub fn play(self, lab: Lab) {
        if self.running.get_untracked() {
            return;
        }
        let Some((_, device)) = lab.device.get_untracked() else { return };
        let resumable = self.active.with_value(|a| a.as_ref().is_some_and(|a| a.trainers.iter().any(|t| !t.is_finished())));
        if !resumable {
            let st = lab.settings.get_untracked();
            match start(st.class_seqs, st.class_epochs, st.seed, &device) {
                Ok(active) => {
                    self.error.set(None);
                    self.data_sizes.set(Some((active.task.split.train.len(), active.task.split.val.len())));
                    self.runs.set(
                        active
                            .trainers
                            .iter()
                            .map(|t| ContrastRun {
                                activation: t.model_config().activation,
                                num_epochs: t.config().num_epochs,
                                history: Vec::new(),
                                match_fractions: Vec::new(),
                                batch: (0, t.batches_per_epoch()),
                                seconds_per_epoch: None,
                                status: RunStatus::Training,
                                filters: None,
                            })
                            .collect(),
                    );
                    self.active.set_value(Some(active));
                }
                Err(e) => {
                    self.error.set(Some(e.to_string()));
                    return;
                }
            }
        }
        self.running.set(true);
        spawn_local(async move { self.train_loop().await });
    }

    /// Stop after the slice in progress.
    pub fn pause(&self) {
        self.running.set(false);
    }

    /// Forget both runs.
    pub fn reset(&self) {
        self.running.set(false);
        self.active.set_value(None);
        self.runs.set(Vec::new());
        self.data_sizes.set(None);
    }

    async fn train_loop(self) {
        let Some(mut active) = self.active.try_update_value(Option::take).flatten() else {
            self.running.set(false);
            return;
        };
        for r in 0..active.trainers.len() {
            self.runs.update(|runs| {
                if !active.trainers[r].is_finished() {
                    runs[r].status = RunStatus::Training;
                }
            });
        }
        while self.running.get_untracked() && active.trainers.iter().any(|t| !t.is_finished()) {
            for r in 0..active.trainers.len() {
                if !self.running.get_untracked() {
                    break;
                }
                if active.trainers[r].is_finished() {
                    continue;
                }
                let slice_start = now_ms();
                let mut epoch_done = None;
                let mut failure = None;
                while now_ms() - slice_start < SLICE_MS && !active.trainers[r].is_finished() {
                    match active.trainers[r].step_batch().await {
                        Ok(StepOutcome::Batch { .. }) => {}
                        Ok(StepOutcome::Epoch(record)) => {
                            epoch_done = Some(record);
                            break;
                        }
                        Err(e) => {
                            failure = Some(e);
                            break;
                        }
                    }
                }
                active.busy_ms[r] += now_ms() - slice_start;
                let (b, n) = (active.trainers[r].batch_in_epoch(), active.trainers[r].batches_per_epoch());
                let seconds = active.busy_ms[r] / 1000.0;
                if let Some(e) = failure {
                    // Divergence (NaN or Inf loss) or a device fault: stop this run, explained.
                    self.runs.update(|runs| runs[r].status = RunStatus::Failed(e.to_string()));
                    continue;
                }
                let filters = match &epoch_done {
                    Some(_) => snapshot(&active.trainers[r], &active.val_x, &active.task).await,
                    None => Ok(None),
                };
                let finished = active.trainers[r].is_finished();
                self.runs.update(|runs| {
                    let run = &mut runs[r];
                    run.batch = (b, n);
                    if let Some(record) = epoch_done {
                        run.history.push(record);
                        run.seconds_per_epoch = Some(seconds / run.history.len() as f64);
                    }
                    match filters {
                        Ok(Some(f)) => {
                            run.match_fractions.push(f.match_fraction);
                            run.filters = Some(Arc::new(f));
                        }
                        Ok(None) => {}
                        Err(e) => run.status = RunStatus::Failed(format!("could not read the filters: {e}")),
                    }
                    if finished && run.status == RunStatus::Training {
                        run.status = RunStatus::Finished;
                    }
                });
            }
            yield_to_browser().await;
        }
        self.runs.update(|runs| {
            for run in runs.iter_mut().filter(|r| r.status == RunStatus::Training) {
                run.status = RunStatus::Paused;
            }
        });
        if active.trainers.iter().any(|t| !t.is_finished()) {
            self.active.set_value(Some(active));
        }
        self.running.set(false);
    }
}

/// Generate Task 3 and set up the two trainers (seed 003's training, `epochs` epochs).
fn start(num_seqs: usize, epochs: usize, seed: u64, device: &dnaplay_model::burn::tensor::Device) -> Result<Active, Error> {
    let task = Arc::new(ClassTask::generate(ClassTaskKind::Task3, num_seqs, seed)?);
    let (train, val, _) = task.data();
    let config = TrainConfig { num_epochs: epochs, seed, ..TrainConfig::seed003() };
    let trainers = ACTIVATIONS
        .iter()
        .map(|&a| Trainer::new(ModelConfig::cnn_dist(200, a), config.clone(), &train, &val, device))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Active { busy_ms: vec![0.0; trainers.len()], trainers, val_x: Arc::new(val.one_hot()?), task })
}

async fn snapshot(trainer: &Trainer, val_x: &OneHot, task: &ClassTask) -> Result<Option<FilterSnapshot>, Error> {
    let model = trainer.inference_model();
    let report = filter_report(&model, val_x, LOGO_FRACTION, &task.targets, &MatchConfig::default(), &trainer.device()).await?;
    Ok(report.map(|r| FilterSnapshot { epoch: trainer.epoch(), pfms: r.pfms, matches: r.matches, match_fraction: r.match_fraction }))
}
