//! Training as a stepper: [`Trainer`] owns the model, optimizer, data and schedule and advances
//! one batch ([`Trainer::step_batch`]) or one epoch ([`Trainer::step_epoch`]) per call. It
//! prints nothing and keeps no clock; the CLI and the web app drive it and time it.
//!
//! Every read-back goes through burn's async API (`into_scalar_async`, `into_data_async`), so
//! the same code runs on WebGPU in a browser; native callers block on the futures.
//!
//! The loop follows seed 002, Part 4 (`train_model`): MSE loss, a reshuffle of the training
//! split every epoch, and per-epoch train and validation loss averaged over batches weighted by
//! batch size. Early stopping and reduce-LR-on-plateau follow seed 000's Keras callbacks.
//! Classification (seed 003, Methods, "Training"): binary cross-entropy on logits, the
//! validation AUROC computed every epoch, and the schedule monitoring it
//! ([`TrainConfig::seed003`]).

use std::fmt;

use burn::module::Module;
use burn::nn::loss::{BinaryCrossEntropyLossConfig, MseLoss, Reduction};
use burn::optim::decay::WeightDecayConfig;
use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer, SgdConfig};
use burn::tensor::{Device, Int, Tensor, TensorData};
use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};

use crate::choice::named_choice;
use crate::data::RegressionData;
use crate::error::{Error, Result};
use crate::interpret::{FilterMaps, FilterWeights};
use crate::metrics::{Classification, SpotCheck, aupr, auroc, bce_with_logits, mse, pearson_r, r_squared, sigmoid, spot_check_sequences, spot_checks};
use crate::models::{Model, ModelConfig};
use crate::scoring::ScoringRule;
use crate::sequence::{OneHot, one_hot};
use crate::settings;

/// Most sequences per forward pass when evaluating (no gradients), to bound memory.
pub const EVAL_BATCH: usize = 4096;

/// WebGPU's default `maxStorageBufferBindingSize`, 128 MiB (WebGPU spec, "Limits"): burn-wgpu
/// asks the browser for the default limits, so no buffer may be larger. Evaluation chunks are
/// sized to keep the widest activation under half of it.
pub const MAX_BUFFER_BYTES: usize = 128 << 20;

/// Sequences per evaluation chunk for `model` on sequences of `length`: at most [`EVAL_BATCH`],
/// and few enough that the widest activation (`[chunk, channels, length]` f32) stays under half
/// of [`MAX_BUFFER_BYTES`]. Seed 000's multi-scale CNN on 200-nt sequences gets 1,310.
pub fn eval_chunk(model: &Model, length: usize) -> usize {
    let per_sequence = model.widest_channels() * length.max(1) * 4;
    (MAX_BUFFER_BYTES / 2 / per_sequence).clamp(1, EVAL_BATCH)
}

/// Optimizers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum OptimizerKind {
    /// Plain stochastic gradient descent (seed 002: `torch.optim.SGD`, no momentum).
    #[default]
    Sgd,
    /// Adam with β1 = 0.9, β2 = 0.999, ε = 1e-7 (seed 000's Keras settings).
    Adam,
}

named_choice!(OptimizerKind, "optimizer", {
    Sgd => "sgd",
    Adam => "adam",
});

impl OptimizerKind {
    /// The optimizer, with an L2 penalty of `weight_decay` (added to the gradients, as Keras's
    /// kernel regulariser and PyTorch's `weight_decay` do) when it is above 0.
    fn init(self, weight_decay: f64) -> ModuleOptimizer {
        let decay = (weight_decay > 0.0).then(|| WeightDecayConfig::new(weight_decay as f32));
        match self {
            OptimizerKind::Sgd => SgdConfig::new().with_weight_decay(decay).init(),
            OptimizerKind::Adam => AdamConfig::new().with_beta_1(0.9).with_beta_2(0.999).with_epsilon(1e-7).with_weight_decay(decay).init(),
        }
    }
}

/// What the model is trained to minimise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum LossKind {
    /// Mean squared error of scores (seed 002's regression).
    #[default]
    Mse,
    /// Binary cross-entropy of a logit against a 0/1 label (seeds 000 and 003). Predictions are
    /// `sigmoid(logit)`, the probability of the positive class.
    BinaryCrossEntropy,
}

/// What early stopping and the learning-rate schedule watch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Monitor {
    /// The validation loss; lower is better (seeds 000 and 002).
    #[default]
    ValLoss,
    /// The validation AUROC; higher is better (seed 003, Task 3). Needs the BCE loss.
    ValAuroc,
}

/// Stop when the validation loss has not improved for `patience` epochs (seed 000: Keras
/// `EarlyStopping(monitor='val_loss', patience=10, restore_best_weights=True)`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct EarlyStopping {
    /// Epochs without improvement before stopping.
    pub patience: usize,
    /// Put back the weights of the best epoch when stopping or finishing.
    pub restore_best: bool,
}

impl Default for EarlyStopping {
    /// Seed 000's settings: patience 10, restore the best weights.
    fn default() -> Self {
        EarlyStopping { patience: 10, restore_best: true }
    }
}

/// Multiply the learning rate by `factor` when the monitored value has not improved by more
/// than 1e-4 for `patience` epochs, down to `min_lr` (seed 000: Keras
/// `ReduceLROnPlateau(monitor='val_loss', factor=0.5, patience=5, min_lr=1e-6)`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ReduceLrOnPlateau {
    /// Multiplier applied to the learning rate, in (0, 1).
    pub factor: f64,
    /// Epochs without improvement before reducing.
    pub patience: usize,
    /// The learning rate never goes below this.
    pub min_lr: f64,
}

impl Default for ReduceLrOnPlateau {
    /// Seed 000's settings: factor 0.5, patience 5, minimum 1e-6.
    fn default() -> Self {
        ReduceLrOnPlateau { factor: 0.5, patience: 5, min_lr: 1e-6 }
    }
}

/// Keras's `min_delta` for `ReduceLROnPlateau`.
const PLATEAU_MIN_DELTA: f32 = 1e-4;

/// Training settings. Defaults are seed 002's: SGD, learning rate 0.01, batch 128, 50 epochs,
/// seed 17.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainConfig {
    /// The optimizer.
    pub optimizer: OptimizerKind,
    /// Initial learning rate.
    pub learning_rate: f64,
    /// Sequences per training batch; the last batch of an epoch may be smaller.
    pub batch_size: usize,
    /// Number of epochs.
    pub num_epochs: usize,
    /// Seed for weight initialisation and the per-epoch shuffles.
    pub seed: u64,
    /// Optional early stopping.
    pub early_stopping: Option<EarlyStopping>,
    /// Optional learning-rate reduction on plateau.
    pub reduce_lr: Option<ReduceLrOnPlateau>,
    /// The loss.
    #[serde(default)]
    pub loss: LossKind,
    /// What early stopping and the schedule watch.
    #[serde(default)]
    pub monitor: Monitor,
    /// L2 penalty on every parameter (0 for none).
    #[serde(default)]
    pub weight_decay: f64,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            optimizer: OptimizerKind::Sgd,
            learning_rate: 0.01,
            batch_size: 128,
            num_epochs: 50,
            seed: 17,
            early_stopping: None,
            reduce_lr: None,
            loss: LossKind::Mse,
            monitor: Monitor::ValLoss,
            weight_decay: 0.0,
        }
    }
}

impl TrainConfig {
    /// Seed 000's training (`train` and `main`): binary cross-entropy, Adam at 1e-3 (β1 0.9,
    /// β2 0.999, ε 1e-7), batches of 64, 30 epochs, early stopping after 10 epochs without a
    /// lower validation loss (best weights restored), learning rate × 0.5 after 5 (min 1e-6).
    pub fn seed000() -> Self {
        TrainConfig {
            optimizer: OptimizerKind::Adam,
            learning_rate: 1e-3,
            batch_size: 64,
            num_epochs: 30,
            seed: 42,
            early_stopping: Some(EarlyStopping::default()),
            reduce_lr: Some(ReduceLrOnPlateau::default()),
            loss: LossKind::BinaryCrossEntropy,
            monitor: Monitor::ValLoss,
            weight_decay: 0.0,
        }
    }

    /// Seed 003's training (Methods, "Training"): binary cross-entropy, Adam at 1e-3, batches
    /// of 100, up to 100 epochs, L2 1e-6 on all parameters, the learning rate × 0.3 after 5
    /// epochs without a better validation AUROC, and the weights of the best validation AUROC
    /// kept. The paper ran all 100 epochs; early stopping after 10 epochs without improvement
    /// (seed 000's patience) saves time without changing which weights are kept.
    pub fn seed003() -> Self {
        TrainConfig {
            optimizer: OptimizerKind::Adam,
            learning_rate: 1e-3,
            batch_size: 100,
            num_epochs: 100,
            seed: 17,
            early_stopping: Some(EarlyStopping { patience: 10, restore_best: true }),
            reduce_lr: Some(ReduceLrOnPlateau { factor: 0.3, patience: 5, min_lr: 1e-6 }),
            loss: LossKind::BinaryCrossEntropy,
            monitor: Monitor::ValAuroc,
            weight_decay: 1e-6,
        }
    }
}

impl TrainConfig {
    /// Check the settings against a training split of `num_train` sequences.
    ///
    /// # Errors
    /// [`Error::Refused`] for a learning rate, batch size or epoch count outside its range
    /// ([`settings::LEARNING_RATE`], [`settings::BATCH_SIZE`], [`settings::EPOCHS`]);
    /// [`Error::BatchSize`] for a batch larger than the training split; [`Error::Setting`] for
    /// a schedule, penalty or monitor that does not fit.
    pub fn validate(&self, num_train: usize) -> Result<()> {
        settings::LEARNING_RATE.check_f64(self.learning_rate)?;
        settings::EPOCHS.check_usize(self.num_epochs)?;
        if self.batch_size == 0 || self.batch_size > num_train {
            return Err(Error::BatchSize { batch_size: self.batch_size, max: num_train });
        }
        if let Some(r) = self.reduce_lr {
            if !(r.factor > 0.0 && r.factor < 1.0) {
                return Err(Error::Setting(format!("reduce-LR factor must be between 0 and 1, got {}", r.factor)));
            }
        }
        if !(self.weight_decay.is_finite() && self.weight_decay >= 0.0) {
            return Err(Error::Setting(format!("the L2 weight decay must be 0 or more, got {}", self.weight_decay)));
        }
        if self.monitor == Monitor::ValAuroc && self.loss != LossKind::BinaryCrossEntropy {
            return Err(Error::Setting("the validation AUROC can only be monitored with the binary cross-entropy loss".into()));
        }
        Ok(())
    }
}

/// What one epoch gave.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpochRecord {
    /// 0-based epoch number (the seed prints `E0` for the first).
    pub epoch: usize,
    /// Mean training loss (MSE or BCE) over the epoch's batches, weighted by batch size.
    pub train_loss: f32,
    /// Validation loss with the weights at the end of the epoch.
    pub val_loss: f32,
    /// Validation AUROC (classification only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub val_auroc: Option<f32>,
    /// Learning rate used during this epoch.
    pub learning_rate: f64,
}

impl fmt::Display for EpochRecord {
    /// The seed's line: `E0 | train loss: 21.318 | val loss: 13.230`, with
    /// `| val AUROC: 0.912` for classification.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "E{} | train loss: {:.3} | val loss: {:.3}", self.epoch, self.train_loss, self.val_loss)?;
        if let Some(a) = self.val_auroc {
            write!(f, " | val AUROC: {a:.3}")?;
        }
        Ok(())
    }
}

/// What a call to [`Trainer::step_batch`] did.
#[derive(Debug, Clone, PartialEq)]
pub enum StepOutcome {
    /// A batch was trained; the epoch goes on.
    Batch {
        /// 1-based index of the batch just trained.
        batch: usize,
        /// Batches in an epoch.
        batches_per_epoch: usize,
    },
    /// The batch ended an epoch; its record.
    Epoch(EpochRecord),
}

/// Test-split predictions and their metrics.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    /// Sequences of the test split.
    pub seqs: Vec<String>,
    /// True scores.
    pub truth: Vec<f32>,
    /// Predicted scores.
    pub predictions: Vec<f32>,
    /// Mean squared error.
    pub mse: f64,
    /// R² (scikit-learn's `r2_score`).
    pub r_squared: f64,
    /// Pearson correlation.
    pub pearson_r: f64,
}

impl Evaluation {
    /// Compute the metrics for predictions of `data`.
    pub fn new(data: &RegressionData, predictions: Vec<f32>) -> Self {
        Evaluation {
            mse: mse(&data.targets, &predictions),
            r_squared: r_squared(&data.targets, &predictions),
            pearson_r: pearson_r(&data.targets, &predictions),
            seqs: data.seqs.clone(),
            truth: data.targets.clone(),
            predictions,
        }
    }
}

/// Test-split probabilities and seed 000's and 003's classification metrics.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassEvaluation {
    /// True labels (positive class = true).
    pub labels: Vec<bool>,
    /// Predicted probability of the positive class, `sigmoid(logit)`.
    pub probabilities: Vec<f32>,
    /// Area under the ROC curve; `None` when the split has one class only.
    pub auroc: Option<f64>,
    /// Area under the precision-recall curve (average precision); `None` without positives.
    pub aupr: Option<f64>,
    /// Confusion matrix and report at probability 0.5 (seed 000).
    pub report: Classification,
    /// Mean binary cross-entropy.
    pub bce: f64,
}

impl ClassEvaluation {
    /// Metrics for `logits` of sequences labelled by `targets` (1 = positive).
    pub fn new(targets: &[f32], logits: &[f32]) -> Self {
        let labels: Vec<bool> = targets.iter().map(|&t| t >= 0.5).collect();
        let probabilities: Vec<f32> = logits.iter().map(|&z| sigmoid(z)).collect();
        ClassEvaluation {
            auroc: auroc(&labels, &probabilities),
            aupr: aupr(&labels, &probabilities),
            report: Classification::new(&labels, &probabilities, 0.5),
            bce: bce_with_logits(targets, logits),
            labels,
            probabilities,
        }
    }
}

struct Plateau {
    best: f32,
    since_best: usize,
    since_lr_best: usize,
    lr_best: f32,
    best_model: Option<Model>,
}

/// Owns a model in training and advances it a batch or an epoch at a time.
pub struct Trainer {
    config: TrainConfig,
    model_config: ModelConfig,
    device: Device,
    model: Option<Model>,
    optim: ModuleOptimizer,
    train_x: OneHot,
    train_y: Vec<f32>,
    val_x: OneHot,
    val_y: Vec<f32>,
    rng: ChaCha8Rng,
    order: Vec<usize>,
    cursor: usize,
    /// Sum of batch losses × batch sizes in the current epoch.
    loss_sum: f64,
    diverged: bool,
    learning_rate: f64,
    history: Vec<EpochRecord>,
    plateau: Plateau,
    stopped_early: bool,
}

fn device_error(e: impl fmt::Display) -> Error {
    Error::Device(e.to_string())
}

fn batch_tensors(x: OneHot, y: Vec<f32>, device: &Device) -> (Tensor<3>, Tensor<2>) {
    let shape = x.shape();
    let xs = Tensor::<3>::from_data(TensorData::new(x.values, shape), device);
    let n = y.len();
    let ys = Tensor::<2>::from_data(TensorData::new(y, [n, 1]), device);
    (xs, ys)
}

impl Trainer {
    /// Set up training of a new model on `train`, validated on `val`.
    ///
    /// `device` is a plain device (the trainer turns autodiff on). Weights are initialised from
    /// `config.seed`.
    ///
    /// # Errors
    /// Invalid settings ([`TrainConfig::validate`], [`ModelConfig::validate`]), sequences that
    /// do not encode ([`one_hot`]), or [`Error::ModelLength`] for a sequence length other than
    /// `model_config.seq_len`.
    pub fn new(model_config: ModelConfig, config: TrainConfig, train: &RegressionData, val: &RegressionData, device: &Device) -> Result<Self> {
        config.validate(train.len())?;
        model_config.validate()?;
        let train_x = train.one_hot()?;
        let val_x = val.one_hot()?;
        for x in [&train_x, &val_x] {
            if x.length != model_config.seq_len {
                return Err(Error::ModelLength { expected: model_config.seq_len, found: x.length });
            }
        }
        if config.loss == LossKind::BinaryCrossEntropy {
            if let Some((i, t)) = train.targets.iter().chain(&val.targets).enumerate().find(|(_, t)| **t != 0.0 && **t != 1.0) {
                return Err(Error::Setting(format!("binary cross-entropy needs 0/1 labels; label {i} is {t}")));
            }
        }
        let device = device.clone().autodiff();
        // Dropout draws from the device's generator: seed it so a run repeats.
        device.seed(config.seed);
        let model = model_config.init(&device, config.seed)?;
        Ok(Trainer {
            optim: config.optimizer.init(config.weight_decay),
            rng: ChaCha8Rng::seed_from_u64(config.seed ^ 0x5eed_5eed),
            learning_rate: config.learning_rate,
            model: Some(model),
            order: Vec::new(),
            cursor: 0,
            loss_sum: 0.0,
            diverged: false,
            history: Vec::new(),
            plateau: Plateau { best: f32::INFINITY, since_best: 0, since_lr_best: 0, lr_best: f32::INFINITY, best_model: None },
            stopped_early: false,
            train_y: train.targets.clone(),
            val_y: val.targets.clone(),
            train_x,
            val_x,
            device,
            config,
            model_config,
        })
    }

    /// The settings.
    pub fn config(&self) -> &TrainConfig {
        &self.config
    }

    /// The model's hyperparameters.
    pub fn model_config(&self) -> &ModelConfig {
        &self.model_config
    }

    /// The model as it stands (with autodiff).
    pub fn model(&self) -> &Model {
        self.model.as_ref().expect("the model should be present between steps")
    }

    /// Per-epoch records so far.
    pub fn history(&self) -> &[EpochRecord] {
        &self.history
    }

    /// Epochs completed.
    pub fn epoch(&self) -> usize {
        self.history.len()
    }

    /// Learning rate now in force.
    pub fn learning_rate(&self) -> f64 {
        self.learning_rate
    }

    /// Batches in one epoch: `ceil(train / batch_size)`.
    pub fn batches_per_epoch(&self) -> usize {
        self.train_y.len().div_ceil(self.config.batch_size)
    }

    /// Batches trained so far in the current epoch.
    pub fn batch_in_epoch(&self) -> usize {
        self.cursor.div_ceil(self.config.batch_size)
    }

    /// True when all epochs ran or early stopping fired.
    pub fn is_finished(&self) -> bool {
        self.stopped_early || self.history.len() >= self.config.num_epochs
    }

    /// True when early stopping ended training before the last epoch (or a loss diverged).
    pub fn stopped_early(&self) -> bool {
        self.stopped_early
    }

    /// True when a loss became NaN or infinite: the model must not be evaluated.
    pub fn diverged(&self) -> bool {
        self.diverged
    }

    /// The plain (non-autodiff) device.
    pub fn device(&self) -> Device {
        self.device.clone().without_autodiff()
    }

    /// Train one batch. When it is the last batch of an epoch, also compute the validation
    /// loss, apply the schedule and return the epoch's record.
    ///
    /// # Errors
    /// [`Error::Finished`] after the last epoch; [`Error::Diverged`] when a loss is NaN or
    /// infinite (training stops); [`Error::Device`] when a read-back fails.
    pub async fn step_batch(&mut self) -> Result<StepOutcome> {
        if self.is_finished() {
            return Err(Error::Finished);
        }
        let n = self.train_y.len();
        if self.cursor == 0 {
            self.order = (0..n).collect();
            self.order.shuffle(&mut self.rng);
        }
        let end = (self.cursor + self.config.batch_size).min(n);
        let idx = &self.order[self.cursor..end];
        let x = self.train_x.gather(idx);
        let y: Vec<f32> = idx.iter().map(|&i| self.train_y[i]).collect();
        let (xs, ys) = batch_tensors(x, y, &self.device);

        let model = self.model.take().expect("the model should be present between steps");
        let out = model.forward(xs);
        let loss = match self.config.loss {
            LossKind::Mse => MseLoss::new().forward(out, ys, Reduction::Mean),
            LossKind::BinaryCrossEntropy => {
                let targets: Tensor<2, Int> = ys.int();
                BinaryCrossEntropyLossConfig::new().with_logits(true).init(&self.device).forward(out, targets)
            }
        };
        // Read the batch's loss back now: a NaN or infinite loss stops training at the batch
        // where it appears, before the optimizer applies its gradients (and on WebGPU this
        // bounds the queue of submitted batches to one, so a pause lands at once).
        let batch_loss = loss.clone().detach().into_scalar_async::<f32>().await.map_err(device_error)?;
        let epoch = self.history.len();
        let batch = self.cursor / self.config.batch_size.max(1);
        if !batch_loss.is_finite() {
            return Err(self.stop_diverged("train", batch_loss, epoch, Some(batch)));
        }
        self.loss_sum += f64::from(batch_loss) * idx.len() as f64;
        let grads = GradientsParams::from_grads(loss.backward(), &model);
        self.model = Some(self.optim.step(self.learning_rate, model, grads));
        self.cursor = end;

        if self.cursor < n {
            return Ok(StepOutcome::Batch { batch: self.batch_in_epoch(), batches_per_epoch: self.batches_per_epoch() });
        }
        self.cursor = 0;
        let train_loss = (std::mem::take(&mut self.loss_sum) / n as f64) as f32;
        if !train_loss.is_finite() {
            return Err(self.stop_diverged("train", train_loss, epoch, None));
        }
        let (val_loss, val_auroc) = self.validation().await?;
        if !val_loss.is_finite() {
            return Err(self.stop_diverged("validation", val_loss, epoch, None));
        }
        let record = EpochRecord { epoch, train_loss, val_loss, val_auroc, learning_rate: self.learning_rate };
        self.history.push(record.clone());
        // The schedule minimises: the loss, or minus the AUROC (0.5, chance, when undefined).
        self.schedule(match self.config.monitor {
            Monitor::ValLoss => val_loss,
            Monitor::ValAuroc => -val_auroc.unwrap_or(0.5),
        });
        Ok(StepOutcome::Epoch(record))
    }

    /// Train batches until the current epoch ends; return its record.
    ///
    /// # Errors
    /// As [`Trainer::step_batch`].
    pub async fn step_epoch(&mut self) -> Result<EpochRecord> {
        loop {
            if let StepOutcome::Epoch(record) = self.step_batch().await? {
                return Ok(record);
            }
        }
    }

    /// Stop training: a loss became NaN or infinite.
    fn stop_diverged(&mut self, which: &'static str, value: f32, epoch: usize, batch: Option<usize>) -> Error {
        self.stopped_early = true;
        self.diverged = true;
        Error::Diverged { which, value, epoch, batch, learning_rate: self.learning_rate }
    }

    /// Early stopping and the learning-rate schedule, given the monitored value (lower is
    /// better: the validation loss, or minus the AUROC).
    fn schedule(&mut self, monitored: f32) {
        let p = &mut self.plateau;
        if let Some(r) = self.config.reduce_lr {
            if monitored < p.lr_best - PLATEAU_MIN_DELTA {
                p.lr_best = monitored;
                p.since_lr_best = 0;
            } else {
                p.since_lr_best += 1;
                if p.since_lr_best >= r.patience && self.learning_rate > r.min_lr {
                    self.learning_rate = (self.learning_rate * r.factor).max(r.min_lr);
                    p.since_lr_best = 0;
                }
            }
        }
        if monitored < p.best {
            p.best = monitored;
            p.since_best = 0;
            if self.config.early_stopping.is_some_and(|e| e.restore_best) {
                p.best_model = self.model.clone();
            }
        } else {
            p.since_best += 1;
        }
        if let Some(es) = self.config.early_stopping {
            if p.since_best >= es.patience {
                self.stopped_early = true;
            }
            let finished = self.stopped_early || self.history.len() >= self.config.num_epochs;
            if finished && es.restore_best {
                if let Some(best) = p.best_model.take() {
                    self.model = Some(best);
                }
            }
        }
    }

    /// The model for inference: no autodiff, on the plain device.
    pub fn inference_model(&self) -> Model {
        self.model().valid()
    }

    /// Validation loss, and the AUROC for classification.
    async fn validation(&self) -> Result<(f32, Option<f32>)> {
        let out = predict(&self.inference_model(), &self.val_x, &self.device()).await?;
        Ok(match self.config.loss {
            LossKind::Mse => (mse(&self.val_y, &out) as f32, None),
            LossKind::BinaryCrossEntropy => {
                let labels: Vec<bool> = self.val_y.iter().map(|&t| t >= 0.5).collect();
                (bce_with_logits(&self.val_y, &out) as f32, auroc(&labels, &out).map(|a| a as f32))
            }
        })
    }

    /// Classify `data` (targets 0/1): probabilities, AUROC, AUPR and the report.
    ///
    /// # Errors
    /// Sequences that do not encode, a length other than the model's, or [`Error::Device`].
    pub async fn evaluate_classification(&self, data: &RegressionData) -> Result<ClassEvaluation> {
        let x = data.one_hot()?;
        self.check_length(&x)?;
        let logits = predict(&self.inference_model(), &x, &self.device()).await?;
        Ok(ClassEvaluation::new(&data.targets, &logits))
    }

    /// Predict scores for `data` and compute MSE, R² and Pearson r.
    ///
    /// # Errors
    /// Sequences that do not encode, a length other than the model's, or [`Error::Device`].
    pub async fn evaluate(&self, data: &RegressionData) -> Result<Evaluation> {
        let x = data.one_hot()?;
        self.check_length(&x)?;
        let preds = predict(&self.inference_model(), &x, &self.device()).await?;
        Ok(Evaluation::new(data, preds))
    }

    /// Predict scores for sequences given as text.
    ///
    /// # Errors
    /// As [`one_hot`], a length other than the model's, or [`Error::Device`].
    pub async fn predict_seqs<S: AsRef<str>>(&self, seqs: &[S]) -> Result<Vec<f32>> {
        let x = one_hot(seqs)?;
        self.check_length(&x)?;
        predict(&self.inference_model(), &x, &self.device()).await
    }

    /// Seed 002's spot-check table (Part 5) for the current model; only for 8-mers.
    ///
    /// # Errors
    /// [`Error::ModelLength`] when the model does not take 8-mers; [`Error::Device`].
    pub async fn spot_checks(&self, rule: &ScoringRule) -> Result<Vec<SpotCheck>> {
        let seqs = spot_check_sequences();
        let predictions = self.predict_seqs(&seqs).await?;
        let actual = rule.score_all(&seqs)?;
        Ok(spot_checks(&predictions, &actual))
    }

    fn check_length(&self, x: &OneHot) -> Result<()> {
        if x.length != self.model_config.seq_len {
            return Err(Error::ModelLength { expected: self.model_config.seq_len, found: x.length });
        }
        Ok(())
    }
}

/// Predict with a model (use an inference model, e.g. [`Trainer::inference_model`]).
///
/// Input `[batch, 4, length]`; output one score (regression) or logit (classification) per
/// sequence. Runs in chunks of [`eval_chunk`] sequences, so no buffer exceeds WebGPU's limit,
/// and reads back asynchronously.
///
/// # Errors
/// [`Error::Device`] when a read-back fails.
pub async fn predict(model: &Model, x: &OneHot, device: &Device) -> Result<Vec<f32>> {
    let mut out = Vec::with_capacity(x.batch);
    let chunk = eval_chunk(model, x.length);
    for start in (0..x.batch).step_by(chunk) {
        let idx: Vec<usize> = (start..(start + chunk).min(x.batch)).collect();
        let chunk = x.gather(&idx);
        let xs = Tensor::<3>::from_data(TensorData::new(chunk.values, [idx.len(), 4, x.length]), device);
        let data = model.forward(xs).into_data_async().await.map_err(device_error)?;
        out.extend(data.try_to_vec::<f32>().map_err(|e| Error::Device(format!("{e:?}")))?);
    }
    Ok(out)
}

/// First-layer responses of a CNN for `x` (`[batch, 4, length]`), read back to the host.
/// Returns `None` for models without one first layer to interpret (linear, multi-scale).
///
/// # Errors
/// [`Error::Device`] when a read-back fails.
pub async fn filter_maps(model: &Model, x: &OneHot, device: &Device) -> Result<Option<FilterMaps>> {
    if model.first_layer_weight().is_none() {
        return Ok(None);
    }
    let (mut pre, mut post) = (Vec::new(), Vec::new());
    let (mut num_filters, mut positions) = (0, 0);
    let step = eval_chunk(model, x.length);
    for start in (0..x.batch).step_by(step) {
        let idx: Vec<usize> = (start..(start + step).min(x.batch)).collect();
        let chunk = x.gather(&idx);
        let xs = Tensor::<3>::from_data(TensorData::new(chunk.values, [idx.len(), 4, x.length]), device);
        let (a, b) = model.first_layer(xs).expect("checked above");
        [_, num_filters, positions] = a.dims();
        for (t, dst) in [(a, &mut pre), (b, &mut post)] {
            let data = t.into_data_async().await.map_err(device_error)?;
            dst.extend(data.try_to_vec::<f32>().map_err(|e| Error::Device(format!("{e:?}")))?);
        }
    }
    Ok(Some(FilterMaps { pre, post, batch: x.batch, num_filters, positions }))
}

/// Attention weights of the multi-scale model for `x` (`[batch, 4, length]`), read back as
/// `[branches, batch, length]` flat (branches in [`crate::deep::MULTISCALE_WIDTHS`] order; each
/// row sums to 1). `None` for the other models.
///
/// # Errors
/// [`Error::Device`] when a read-back fails.
pub async fn attention_maps(model: &Model, x: &OneHot, device: &Device) -> Result<Option<Vec<f32>>> {
    let xs = Tensor::<3>::from_data(TensorData::new(x.values.clone(), x.shape()), device);
    let Some(a) = model.attention(xs) else { return Ok(None) };
    let data = a.into_data_async().await.map_err(device_error)?;
    Ok(Some(data.try_to_vec::<f32>().map_err(|e| Error::Device(format!("{e:?}")))?))
}

/// First-layer weights of a CNN, `[num_filters, 4, width]`; `None` as for [`filter_maps`].
///
/// # Errors
/// [`Error::Device`] when a read-back fails.
pub async fn filter_weights(model: &Model) -> Result<Option<FilterWeights>> {
    let Some(w) = model.first_layer_weight() else { return Ok(None) };
    let [num_filters, _, width] = w.dims();
    let data = w.into_data_async().await.map_err(device_error)?;
    let values = data.try_to_vec::<f32>().map_err(|e| Error::Device(format!("{e:?}")))?;
    Ok(Some(FilterWeights { values, num_filters, width }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::test_device;
    use crate::data::{SplitFractions, split};

    fn block<F: std::future::Future>(f: F) -> F::Output {
        pollster::block_on(f)
    }

    fn task(k: usize) -> (RegressionData, RegressionData, RegressionData) {
        let data = RegressionData::kmer_task(k, &ScoringRule::default()).unwrap();
        let s = split(data.len(), SplitFractions::default(), 17).unwrap();
        (data.subset(&s.train), data.subset(&s.val), data.subset(&s.test))
    }

    #[test]
    fn cnn_loss_falls_over_a_few_epochs() {
        let (train, val, test) = task(7);
        let config = TrainConfig { batch_size: 32, num_epochs: 4, ..TrainConfig::default() };
        let mut trainer = Trainer::new(ModelConfig::cnn(7), config, &train, &val, &test_device()).unwrap();
        let mut records = Vec::new();
        while !trainer.is_finished() {
            records.push(block(trainer.step_epoch()).unwrap());
        }
        assert_eq!(records.len(), 4);
        assert!(records[3].val_loss < 0.6 * records[0].val_loss, "{records:?}");
        assert!(records[3].train_loss < records[0].train_loss, "{records:?}");
        let eval = block(trainer.evaluate(&test)).unwrap();
        assert_eq!(eval.predictions.len(), test.len());
        assert!(eval.r_squared > 0.5, "R² {}", eval.r_squared);
        assert!(matches!(block(trainer.step_batch()), Err(Error::Finished)));
    }

    #[test]
    fn step_batch_reports_progress_then_the_epoch() {
        let (train, val, _) = task(4);
        let config = TrainConfig { batch_size: 64, num_epochs: 1, ..TrainConfig::default() };
        let mut trainer = Trainer::new(ModelConfig::linear(4), config, &train, &val, &test_device()).unwrap();
        let per_epoch = trainer.batches_per_epoch();
        assert_eq!(per_epoch, train.len().div_ceil(64));
        assert_eq!(block(trainer.step_batch()).unwrap(), StepOutcome::Batch { batch: 1, batches_per_epoch: per_epoch });
        for _ in 1..per_epoch - 1 {
            block(trainer.step_batch()).unwrap();
        }
        match block(trainer.step_batch()).unwrap() {
            StepOutcome::Epoch(r) => {
                assert_eq!(r.epoch, 0);
                assert!(r.train_loss.is_finite() && r.val_loss.is_finite());
            }
            other => panic!("expected the end of the epoch, got {other:?}"),
        }
        assert!(trainer.is_finished());
    }

    #[test]
    fn evaluation_chunks_fit_webgpu_buffers() {
        let device = test_device();
        let multiscale = ModelConfig::multiscale(200, crate::models::Activation::Relu).init(&device, 1).unwrap();
        // [1310, 64, 200] f32 = 67 MB, under half of 128 MiB; lesson 10's 4,000 test sequences
        // at n = 20,000 would be 205 MB in one pass.
        assert_eq!(eval_chunk(&multiscale, 200), 1310);
        assert!(eval_chunk(&multiscale, 200) * 64 * 200 * 4 <= MAX_BUFFER_BYTES / 2);
        let cnn = ModelConfig::cnn(8).init(&device, 1).unwrap();
        assert_eq!(eval_chunk(&cnn, 8), EVAL_BATCH);
    }

    #[test]
    fn same_seed_same_run() {
        let (train, val, _) = task(4);
        let config = TrainConfig { batch_size: 16, num_epochs: 2, ..TrainConfig::default() };
        let run = || {
            let mut t = Trainer::new(ModelConfig::cnn(4), config.clone(), &train, &val, &test_device()).unwrap();
            block(t.step_epoch()).unwrap();
            block(t.step_epoch()).unwrap()
        };
        assert_eq!(run(), run());
    }

    #[test]
    fn divergence_is_caught_and_explained() {
        let (train, val, _) = task(5);
        let config = TrainConfig { learning_rate: 10.0, batch_size: 8, num_epochs: 3, ..TrainConfig::default() };
        let mut trainer = Trainer::new(ModelConfig::cnn(5), config, &train, &val, &test_device()).unwrap();
        let mut batches = 0;
        let err = loop {
            match block(trainer.step_batch()) {
                Ok(_) => batches += 1,
                Err(e) => break e,
            }
        };
        // Caught at the batch where it happened, within the first epoch, not at its end.
        assert!(matches!(err, Error::Diverged { epoch: 0, batch: Some(b), .. } if b == batches), "{err:?} after {batches} batches");
        assert!(batches < trainer.batches_per_epoch(), "{batches}");
        assert!(err.to_string().contains(&format!("at batch {} of epoch 0", batches + 1)), "{err}");
        assert!(err.to_string().contains("try a lower learning rate"), "{err}");
        assert!(trainer.is_finished() && trainer.diverged(), "training stops after divergence");
        assert!(matches!(block(trainer.step_batch()), Err(Error::Finished)));
    }

    #[test]
    fn bad_settings_are_refused() {
        let (train, val, _) = task(4);
        let device = test_device();
        let try_config = |c: TrainConfig| Trainer::new(ModelConfig::cnn(4), c, &train, &val, &device).err().unwrap();
        let base = TrainConfig::default();
        assert_eq!(try_config(TrainConfig { batch_size: 0, ..base.clone() }), Error::BatchSize { batch_size: 0, max: train.len() });
        assert_eq!(try_config(TrainConfig { batch_size: train.len() + 1, ..base.clone() }), Error::BatchSize { batch_size: train.len() + 1, max: train.len() });
        // The same words as the link and the CLI (settings.rs).
        for lr in [0.0, -1.0, f64::NAN, f64::INFINITY, 11.0] {
            let e = try_config(TrainConfig { learning_rate: lr, ..base.clone() });
            assert!(matches!(&e, Error::Refused(r) if r.label == "learning rate"), "{e:?}");
            assert!(e.to_string().starts_with(&format!("learning rate {lr} is invalid; it must be a number above 0 and at most 10")), "{e}");
        }
        assert_eq!(try_config(TrainConfig { num_epochs: 0, ..base.clone() }).to_string(), "epochs 0 is invalid; it must be a whole number from 1 to 1,000 (the seed uses 50)");
        assert!(matches!(try_config(TrainConfig { num_epochs: usize::MAX, ..base.clone() }), Error::Refused(_)));
        let wrong_len = Trainer::new(ModelConfig::cnn(5), base, &train, &val, &device).err().unwrap();
        assert_eq!(wrong_len, Error::ModelLength { expected: 5, found: 4 });
        assert_eq!(wrong_len.to_string(), "the sequences have length 4, but the model takes sequences of length 5");
    }

    #[test]
    fn classification_settings_are_checked() {
        let (train, val, _) = task(4);
        let device = test_device();
        let bce = TrainConfig { loss: LossKind::BinaryCrossEntropy, ..TrainConfig::default() };
        let err = Trainer::new(ModelConfig::linear(4), bce.clone(), &train, &val, &device).err().unwrap();
        assert!(err.to_string().starts_with("invalid training setting: binary cross-entropy needs 0/1 labels; label 0 is "), "{err}");
        let auroc_on_mse = TrainConfig { monitor: Monitor::ValAuroc, ..TrainConfig::default() };
        assert_eq!(
            auroc_on_mse.validate(1000).unwrap_err().to_string(),
            "invalid training setting: the validation AUROC can only be monitored with the binary cross-entropy loss"
        );
        let negative_l2 = TrainConfig { weight_decay: -1e-6, ..TrainConfig::default() };
        assert_eq!(negative_l2.validate(1000).unwrap_err().to_string(), "invalid training setting: the L2 weight decay must be 0 or more, got -0.000001");
    }

    #[test]
    fn early_stopping_and_plateau_schedule() {
        let (train, val, _) = task(4);
        let config = TrainConfig {
            learning_rate: 1e-9,
            batch_size: 64,
            num_epochs: 30,
            early_stopping: Some(EarlyStopping { patience: 3, restore_best: true }),
            reduce_lr: Some(ReduceLrOnPlateau { factor: 0.5, patience: 2, min_lr: 1e-10 }),
            ..TrainConfig::default()
        };
        // With a learning rate of 1e-9 nothing improves by more than 1e-4: the rate halves
        // after 2 flat epochs and training stops after 3 epochs without a new best.
        let mut trainer = Trainer::new(ModelConfig::linear(4), config, &train, &val, &test_device()).unwrap();
        while !trainer.is_finished() {
            block(trainer.step_epoch()).unwrap();
        }
        assert!(trainer.stopped_early());
        assert!(trainer.epoch() < 30, "stopped after {} epochs", trainer.epoch());
        assert!(trainer.learning_rate() < 1e-9, "learning rate was reduced to {}", trainer.learning_rate());
    }

    #[test]
    fn filters_weights_and_maps_have_seed_shapes() {
        let (train, val, _) = task(8);
        let config = TrainConfig { num_epochs: 1, ..TrainConfig::default() };
        let trainer = Trainer::new(ModelConfig::cnn(8), config, &train.subset(&(0..256).collect::<Vec<_>>()), &val, &test_device()).unwrap();
        let model = trainer.inference_model();
        let w = block(filter_weights(&model)).unwrap().unwrap();
        assert_eq!((w.num_filters, w.width, w.values.len()), (32, 3, 32 * 4 * 3));
        let x = one_hot(&["ACGTACGT", "TTTTTTTT"]).unwrap();
        let maps = block(filter_maps(&model, &x, &trainer.device())).unwrap().unwrap();
        assert_eq!((maps.batch, maps.num_filters, maps.positions), (2, 32, 6));
        // relu: post = max(pre, 0).
        assert!(maps.pre.iter().zip(&maps.post).all(|(a, b)| (a.max(0.0) - b).abs() < 1e-6));
    }
}
