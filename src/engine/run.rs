//! One run as the page shows it ([`RunView`]), the data it trains on ([`RunData`]) and the
//! results the worker computed on it ([`RunResults`]).

use std::sync::Arc;

use dnaplay_model::BackendChoice;
use dnaplay_model::Error;
use dnaplay_model::data::Split;
use dnaplay_model::interpret::{FilterMaps, FilterWeights};
use dnaplay_model::metrics::SpotCheck;
use dnaplay_model::models::ModelConfig;
use dnaplay_model::sequence::OneHot;
use dnaplay_model::settings::Setting;
use dnaplay_model::trainer::{ClassEvaluation, EpochRecord, TrainConfig};
use dnaplay_model::upload::{UserData, UserTask};
use dnaplay_protocol::{Bench, ClassData, DataSpec, Dataset, EpochProfile, FilterSnapshot, KmerResults, RunState, UserDataKey};

/// One run to start: its data, model and settings.
pub type RunSpec = (RunData, ModelConfig, TrainConfig);

#[derive(Debug, Clone)]
pub enum RunData {
    /// All 8-mers under one rule and split.
    Kmers(Arc<Dataset>),
    /// A 200-nt classification task.
    Class(Arc<ClassData>),
    /// A student's own sequences and their split.
    User(Arc<UserSet>),
}

/// A student's data set with the split its runs train on.
#[derive(Debug)]
pub struct UserSet {
    /// The sequences and labels.
    pub data: UserData,
    /// The seed of the split.
    pub seed: u64,
    /// Train, validation and test indices (seed 002's fractions, [`UserData::split`]).
    pub split: Split,
    /// Its key, by which runs name it to the worker ([`UserDataKey::of`]).
    pub key: UserDataKey,
}

impl UserSet {
    /// Split `data` by `seed`.
    ///
    /// # Errors
    /// Too few sequences to split.
    pub fn new(data: UserData, seed: u64) -> Result<UserSet, Error> {
        let split = data.split(seed)?;
        Ok(UserSet { key: UserDataKey::of(&data), data, seed, split })
    }
}

impl PartialEq for RunData {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (RunData::Kmers(a), RunData::Kmers(b)) => Arc::ptr_eq(a, b),
            (RunData::Class(a), RunData::Class(b)) => Arc::ptr_eq(a, b),
            (RunData::User(a), RunData::User(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

impl RunData {
    /// How the training worker generates the same data ([`DataSpec`]).
    pub fn spec(&self) -> DataSpec {
        match self {
            RunData::Kmers(d) => DataSpec::Kmers { rule: d.rule.clone(), seed: d.seed },
            RunData::Class(c) => DataSpec::Class { kind: c.task.kind, num_seqs: c.task.seqs.len(), seed: c.task.seed },
            RunData::User(u) => DataSpec::User { key: u.key, seed: u.seed },
        }
    }

    /// Check `model` and `config` against this data without building a trainer (no one-hot
    /// encoding): the refusals a student can cause ([`ModelConfig::validate`],
    /// [`TrainConfig::validate_rate`], the learning rate against `rate`, the setting of the
    /// lesson it came from).
    ///
    /// # Errors
    /// As those two.
    pub fn check(&self, model: &ModelConfig, config: &TrainConfig, rate: &Setting) -> Result<(), Error> {
        model.validate()?;
        config.validate_rate(self.sizes().0, rate)
    }

    /// The task of a student's data set; `None` for generated data.
    pub fn user_task(&self) -> Option<UserTask> {
        match self {
            RunData::User(u) => Some(u.data.task),
            RunData::Kmers(_) | RunData::Class(_) => None,
        }
    }

    /// Sizes of the training and validation splits.
    pub fn sizes(&self) -> (usize, usize) {
        match self {
            RunData::Kmers(d) => (d.split.train.len(), d.split.val.len()),
            RunData::Class(c) => (c.task.split.train.len(), c.task.split.val.len()),
            RunData::User(u) => (u.split.train.len(), u.split.val.len()),
        }
    }

    /// The 200-nt task, for classification runs.
    pub fn class(&self) -> Option<&Arc<ClassData>> {
        match self {
            RunData::Class(c) => Some(c),
            RunData::Kmers(_) | RunData::User(_) => None,
        }
    }
}


/// One run, as the page shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct RunView {
    /// 1-based run number, unique in the page, shown in legends.
    pub id: usize,
    /// Its lesson.
    pub bench: Bench,
    /// The model trained.
    pub model: ModelConfig,
    /// The training settings.
    pub config: TrainConfig,
    /// The device it trains on.
    pub device: BackendChoice,
    /// The data it trains on.
    pub data: RunData,
    /// One record per finished epoch.
    pub history: Vec<EpochRecord>,
    /// Match fraction of the first-layer filters after each epoch (200-nt runs).
    pub match_fractions: Vec<f64>,
    /// Batches done in the current epoch, and batches per epoch.
    pub batch: (usize, usize),
    /// Seconds of training per epoch (pauses and filter matching excluded).
    pub seconds_per_epoch: Option<f64>,
    /// Where it stands.
    pub state: RunState,
    /// Where the run's time went over its epochs so far (the worker's profile, issue 26).
    pub profile: EpochProfile,
    /// Pause when this many epochs are done ("Step one epoch").
    pub pause_at: Option<usize>,
    /// 8-mer runs: predictions, R², spot checks and filters, once paused or ended.
    pub results: Option<Arc<RunResults>>,
    /// 200-nt runs: the latest filters.
    pub filters: Option<Arc<FilterSnapshot>>,
    /// 200-nt runs of lesson 10: the test-split evaluation, once paused or ended.
    pub test: Option<Arc<ClassEvaluation>>,
    /// A shipped checkpoint's name when the weights were loaded rather than trained here.
    pub shipped: Option<&'static str>,
    /// Lesson 13's runs: predictions on the test split, in split order, once paused or ended.
    pub predictions: Option<Arc<Vec<f32>>>,
    /// Lesson 13's runs: the weights (burnpack), once asked for ([`Engine::request_weights`]).
    pub weights: Option<Arc<Vec<u8>>>,
}

impl RunView {
    /// A run of loaded weights (a shipped checkpoint, a lesson 13 file or saved run) whose
    /// results the worker has sent none of yet: 8-mer results, filters, a test report or test
    /// predictions. [`Engine::load`](super::Engine::load) adds it finished, and the worker
    /// evaluates it.
    pub fn awaits_evaluation(&self) -> bool {
        self.shipped.is_some() && self.state == RunState::Finished && self.results.is_none() && self.filters.is_none() && self.test.is_none() && self.predictions.is_none()
    }

    /// A queued run `id` of `model` with `config` on `data` and `device`, with no epochs yet.
    pub fn queued(id: usize, bench: Bench, model: ModelConfig, config: TrainConfig, device: BackendChoice, data: RunData) -> RunView {
        // The trainer's batches per epoch (`Trainer::batches_per_epoch`), until the worker reports.
        let batches = data.sizes().0.div_ceil(config.batch_size.max(1));
        RunView {
            id,
            bench,
            model,
            config,
            device,
            data,
            history: Vec::new(),
            match_fractions: Vec::new(),
            batch: (0, batches),
            seconds_per_epoch: None,
            state: RunState::Queued,
            pause_at: None,
            profile: EpochProfile::default(),
            results: None,
            filters: None,
            test: None,
            shipped: None,
            predictions: None,
            weights: None,
        }
    }

    /// Train and validation loss per epoch, the two curves of a loss chart.
    pub fn losses(&self) -> (Vec<f32>, Vec<f32>) {
        (self.history.iter().map(|h| h.train_loss).collect(), self.history.iter().map(|h| h.val_loss).collect())
    }

    /// Legend label, e.g. "#2 CNN (exp), adam lr 0.001".
    pub fn label(&self) -> String {
        use dnaplay_model::models::ModelKind;
        let model = match self.model.kind {
            ModelKind::Linear => "Linear".to_string(),
            ModelKind::Cnn => format!("CNN ({})", self.model.activation),
            other => format!("{other} ({})", self.model.activation),
        };
        format!("#{} {model}, {} lr {}", self.id, self.config.optimizer, self.config.learning_rate)
    }

    /// One status line of a 200-nt run, e.g. "relu: epoch 3 of 10 · batch 12 of 28 · val
    /// AUROC 0.912 · 4.1 s per epoch", naming the run `name`.
    pub fn status_line(&self, name: &str) -> String {
        let done = self.history.len();
        let total = self.config.num_epochs;
        let spe = self.seconds_per_epoch.map(|x| format!(" · {x:.1} s per epoch")).unwrap_or_default();
        let best = || self.history.iter().filter_map(|h| h.val_auroc).reduce(f32::max).map(|a| format!(" · best val AUROC {a:.3}")).unwrap_or_default();
        let epochs = if done == 1 { "1 epoch".to_string() } else { format!("{done} epochs") };
        match &self.state {
            RunState::Finished if self.shipped.is_some_and(|n| n.starts_with(crate::keep::KEPT_PREFIX)) => format!("{name}: kept from your last visit ({epochs}){}", best()),
            RunState::Finished if self.shipped.is_some() => format!("{name}: trained weights loaded ({epochs}, by scripts/checkpoints.sh){}", best()),
            RunState::Finished => format!("{name}: finished after {epochs}{}{spe}", best()),
            RunState::Failed(e) => format!("{name}: failed: {e}"),
            RunState::Stopped(why) => format!("{name}: stopped ({why}) after {epochs}"),
            state => {
                let mut s = format!("{name}: epoch {} of {total} · batch {} of {}", (done + 1).min(total), self.batch.0, self.batch.1);
                if let Some(a) = self.history.last().and_then(|h| h.val_auroc) {
                    s.push_str(&format!(" · val AUROC {a:.3}"));
                }
                s.push_str(&spe);
                match state {
                    RunState::Paused => s.push_str(" · paused"),
                    RunState::Queued => s.push_str(" · queued"),
                    _ => {}
                }
                s
            }
        }
    }
}

/// What [`Engine::start`] and [`Engine::resume`] train until.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Until {
    /// The last epoch.
    End,
    /// The end of the current epoch.
    NextEpoch,
}

/// What a run's model predicts and what its filters respond to, computed by the training
/// worker ([`KmerResults`]) and joined here with the run's data.
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

impl RunResults {
    /// Join the worker's `results` after `epochs` epochs with the data they were computed on.
    ///
    /// # Errors
    /// The one-hot encoder's errors for the test split (the maps' sequences).
    pub fn new(epochs: usize, dataset: Arc<Dataset>, results: KmerResults) -> Result<RunResults, Error> {
        let maps = match results.maps {
            Some(m) => Some(Arc::new((m, dataset.data.subset(&dataset.split.test).one_hot()?))),
            None => None,
        };
        Ok(RunResults {
            epochs,
            all_predictions: results.all_predictions,
            r_squared: results.r_squared,
            spot_checks: results.spot_checks,
            weights: results.weights,
            maps,
            dataset,
        })
    }
}
