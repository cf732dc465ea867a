//! Training for the 200-nt lessons: one or more classifiers trained side by side on one
//! generated task. Lesson 9 (seed 003, Fig. 1) trains CNN-dist twice on Task 3, with a relu and
//! with an exponential first-layer activation, on the same data, seed and device; lesson 10
//! (seed 000) trains the multi-scale CNN.
//!
//! The runs take turns: one slice of about [`SLICE_MS`] each, then a yield to the browser, so
//! the curves grow together and a pause takes effect within a slice. After every epoch a run's
//! first-layer filters (when it has one layer of them) are aligned on the validation split
//! (windows at ≥ 50% of each filter's maximum) and matched against the task's ground-truth
//! motifs, so the logos and the match fraction update live. When the runs pause or finish, each
//! is evaluated on the test split (probabilities, AUROC, AUPR, seed 000's report).

use std::sync::Arc;

use dnaplay_model::Error;
use dnaplay_model::matching::MatchConfig;
use dnaplay_model::models::ModelConfig;
use dnaplay_model::sequence::OneHot;
use dnaplay_model::tasks::{ClassTask, ClassTaskKind, FilterReport, SEED003_ALIGNMENT, filter_report};
use dnaplay_model::trainer::{ClassEvaluation, EpochRecord, StepOutcome, Trainer, attention_maps, predict};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::lab::{Lab, RunStatus, SLICE_MS, now_ms, yield_to_browser};

/// The filters of a run after an epoch: logos and their matches.
#[derive(Debug, Clone, PartialEq)]
pub struct FilterSnapshot {
    /// Epochs trained when it was taken.
    pub epoch: usize,
    /// Logos (count matrices), matches and the match fraction.
    pub report: FilterReport,
}

/// One run, as the page shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassRunView {
    /// Its model.
    pub model: ModelConfig,
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
    /// Test-split evaluation, once the run pauses or finishes.
    pub test: Option<Arc<ClassEvaluation>>,
}

struct Active {
    trainers: Vec<Trainer>,
    busy_ms: Vec<f64>,
    val_x: Arc<OneHot>,
    test_x: Arc<OneHot>,
    task: Arc<ClassTask>,
}

/// A lesson's runs. Cheap to copy: all fields are reactive handles.
#[derive(Clone, Copy)]
pub struct ClassLab {
    /// The task the runs train on.
    pub kind: ClassTaskKind,
    /// Evaluate on the test split when the runs pause or finish (lesson 10's report; lesson 9
    /// reads only the validation split).
    pub evaluate_test: bool,
    /// The generated data of the current runs.
    pub task: RwSignal<Option<Arc<ClassTask>>>,
    /// The runs (empty before the first Train).
    pub runs: RwSignal<Vec<ClassRunView>>,
    /// True while the loop runs.
    pub running: RwSignal<bool>,
    /// Why the runs could not start.
    pub error: RwSignal<Option<String>>,
    active: StoredValue<Option<Active>, LocalStorage>,
}

/// The two lessons' labs, provided as one context.
#[derive(Clone, Copy)]
pub struct ClassLabs {
    /// Lesson 9: relu vs exp on Task 3.
    pub contrast: ClassLab,
    /// Lesson 10: seed 000's multi-scale CNN.
    pub keras: ClassLab,
}

impl ClassLabs {
    /// Both labs, without runs.
    pub fn new() -> Self {
        ClassLabs { contrast: ClassLab::new(ClassTaskKind::Task3, false), keras: ClassLab::new(ClassTaskKind::Keras200, true) }
    }

    /// True while either trains.
    pub fn running(&self) -> bool {
        self.contrast.running.get() || self.keras.running.get()
    }

    /// Forget every run (their weights live on the device being replaced).
    pub fn reset(&self) {
        self.contrast.reset();
        self.keras.reset();
    }
}

impl Default for ClassLabs {
    fn default() -> Self {
        Self::new()
    }
}

impl ClassLab {
    /// No runs yet.
    pub fn new(kind: ClassTaskKind, evaluate_test: bool) -> Self {
        ClassLab {
            kind,
            evaluate_test,
            task: RwSignal::new(None),
            runs: RwSignal::new(Vec::new()),
            running: RwSignal::new(false),
            error: RwSignal::new(None),
            active: StoredValue::new_local(None),
        }
    }

    /// Start one run per model with the lab's settings (sequences, epochs, seed) and device, or
    /// go on with the paused runs.
    pub fn play(self, lab: Lab, models: Vec<ModelConfig>) {
        if self.running.get_untracked() {
            return;
        }
        let Some((_, device)) = lab.device.get_untracked() else { return };
        let resumable = self.active.with_value(|a| a.as_ref().is_some_and(|a| a.trainers.iter().any(|t| !t.is_finished())));
        if !resumable {
            let st = lab.settings.get_untracked();
            match start(self.kind, &models, st.class_seqs, st.class_epochs, st.seed, &device) {
                Ok(active) => {
                    self.error.set(None);
                    self.task.set(Some(active.task.clone()));
                    self.runs.set(
                        active
                            .trainers
                            .iter()
                            .map(|t| ClassRunView {
                                model: t.model_config().clone(),
                                num_epochs: t.config().num_epochs,
                                history: Vec::new(),
                                match_fractions: Vec::new(),
                                batch: (0, t.batches_per_epoch()),
                                seconds_per_epoch: None,
                                status: RunStatus::Training,
                                filters: None,
                                test: None,
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

    /// Forget the runs.
    pub fn reset(&self) {
        self.running.set(false);
        self.active.set_value(None);
        self.runs.set(Vec::new());
        self.task.set(None);
    }

    /// Sizes of the current runs' training and validation splits.
    pub fn data_sizes(&self) -> Option<(usize, usize)> {
        self.task.with(|t| t.as_ref().map(|t| (t.split.train.len(), t.split.val.len())))
    }

    /// Attention weights of run `run` (the multi-scale model) over test sequence `index`:
    /// `[branches, length]` flat, or `None` when the run is gone or has no attention.
    ///
    /// # Errors
    /// A device read-back failure, as text.
    pub async fn attention(&self, run: usize, index: usize) -> Result<Option<Vec<f32>>, String> {
        let Some((model, x, device)) = self.active.with_value(|a| {
            a.as_ref().and_then(|a| a.trainers.get(run).map(|t| (t.inference_model(), a.test_x.gather(&[index.min(a.test_x.batch.saturating_sub(1))]), t.device())))
        }) else {
            return Ok(None);
        };
        attention_maps(&model, &x, &device).await.map_err(|e| e.to_string())
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
                            run.match_fractions.push(f.report.match_fraction);
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
        // Evaluate every run on the test split (the test set is never seen in training).
        let test_labels: Vec<f32> = if self.evaluate_test { active.task.subset(&active.task.split.test).targets } else { Vec::new() };
        for r in (0..active.trainers.len()).filter(|_| self.evaluate_test) {
            let t = &active.trainers[r];
            match predict(&t.inference_model(), &active.test_x, &t.device()).await {
                Ok(logits) => self.runs.update(|runs| runs[r].test = Some(Arc::new(ClassEvaluation::new(&test_labels, &logits)))),
                Err(e) => self.runs.update(|runs| runs[r].status = RunStatus::Failed(format!("could not evaluate the model: {e}"))),
            }
        }
        self.runs.update(|runs| {
            for run in runs.iter_mut().filter(|r| r.status == RunStatus::Training) {
                run.status = RunStatus::Paused;
            }
        });
        // Kept when finished too: the lesson reads attention maps from the trained models.
        self.active.set_value(Some(active));
        self.running.set(false);
    }
}

/// Generate the task and set up one trainer per model (the task's seed training, `epochs`
/// epochs).
fn start(kind: ClassTaskKind, models: &[ModelConfig], num_seqs: usize, epochs: usize, seed: u64, device: &dnaplay_model::burn::tensor::Device) -> Result<Active, Error> {
    let task = Arc::new(ClassTask::generate(kind, num_seqs, seed)?);
    let (train, val, test) = task.data();
    let mut config = kind.default_training();
    config.num_epochs = epochs;
    config.seed = seed;
    let trainers = models.iter().map(|m| Trainer::new(m.clone(), config.clone(), &train, &val, device)).collect::<Result<Vec<_>, _>>()?;
    Ok(Active { busy_ms: vec![0.0; trainers.len()], trainers, val_x: Arc::new(val.one_hot()?), test_x: Arc::new(test.one_hot()?), task })
}

async fn snapshot(trainer: &Trainer, val_x: &OneHot, task: &ClassTask) -> Result<Option<FilterSnapshot>, Error> {
    let model = trainer.inference_model();
    let report = filter_report(&model, val_x, SEED003_ALIGNMENT, &task.targets, &MatchConfig::default(), &trainer.device()).await?;
    Ok(report.map(|report| FilterSnapshot { epoch: trainer.epoch(), report }))
}

impl ClassRunView {
    /// One status line, e.g. "relu: epoch 3 of 10 · batch 12 of 28 · val AUROC 0.912 · 4.1 s
    /// per epoch", naming the run `name`.
    pub fn status_line(&self, name: &str) -> String {
        let done = self.history.len();
        let mut s = format!("{name}: epoch {} of {}", (done + 1).min(self.num_epochs), self.num_epochs);
        if self.status == RunStatus::Training || self.status == RunStatus::Paused {
            s.push_str(&format!(" · batch {} of {}", self.batch.0, self.batch.1));
        }
        if let Some(a) = self.history.last().and_then(|h| h.val_auroc) {
            s.push_str(&format!(" · val AUROC {a:.3}"));
        }
        if let Some(sec) = self.seconds_per_epoch {
            s.push_str(&format!(" · {sec:.1} s per epoch"));
        }
        match &self.status {
            RunStatus::Paused => s.push_str(" · paused"),
            RunStatus::Finished => {
                s = format!(
                    "{name}: finished after {done} epochs{}{}",
                    self.history.iter().filter_map(|h| h.val_auroc).reduce(f32::max).map(|a| format!(" · best val AUROC {a:.3}")).unwrap_or_default(),
                    self.seconds_per_epoch.map(|x| format!(" · {x:.1} s per epoch")).unwrap_or_default()
                )
            }
            RunStatus::Failed(e) => s = format!("{name}: stopped: {e}"),
            _ => {}
        }
        s
    }
}
