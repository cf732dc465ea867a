//! The stepper: [`Trainer`] advances one batch or one epoch per call and returns what it did.


use burn::module::Module;
use burn::nn::loss::{BinaryCrossEntropyLossConfig, MseLoss, Reduction};
use burn::optim::{GradientsParams, ModuleOptimizer, OptimizerRecord};
use burn::tensor::{Device, Int, Tensor, TensorData};
use rand::{Rng, SeedableRng};
use rand::rngs::ChaCha8Rng;
use rand::seq::SliceRandom;

use super::record::EpochRecord;
use super::resume::{FORMAT, RngState, Snapshot, SnapshotState, data_fingerprint};
use super::config::{LossKind, Monitor, PLATEAU_MIN_DELTA, TrainConfig};
use super::evaluation::{ClassEvaluation, Evaluation};
use super::profile::{Clock, Phase, StepProfile};
use super::readback::{EVAL_BATCH, device_error, eval_chunk, gathered, predict, predict_with_codes};
use crate::data::RegressionData;
use crate::error::{Error, Result};
use crate::metrics::{SpotCheck, auroc, bce_with_logits, mse, spot_check_sequences, spot_checks};
use crate::models::{Batch, Model, ModelConfig};
use crate::scoring::ScoringRule;
use crate::sequence::{OneHot, one_hot};

/// Training sequences whose pass through the model re-estimates the batch norms that follow
/// dropout before each validation ([`Model::recalibrate_norms`]): enough for per-feature means
/// and variances of the dense layers' 256 and 128 units, and a third of a validation pass on
/// lesson 10's 6,000 sequences.
pub const RECALIBRATION_SEQUENCES: usize = 512;

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

struct Plateau {
    best: f32,
    since_best: usize,
    since_lr_best: usize,
    lr_best: f32,
    /// The weights and batch-norm statistics of the best epoch, for `restore_best`.
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
    /// `train_x`'s base codes, `[sequences, length]`, where the model trains on them
    /// ([`Model::uses_codes`]) and the sequences are one-hot: worked out once, gathered per batch.
    train_codes: Option<Vec<u8>>,
    /// Row-major `[sequences, outputs]` targets.
    train_y: Vec<f32>,
    val_x: OneHot,
    /// `val_x`'s base codes, as `train_codes`, for the validation pass.
    val_codes: Option<Vec<u8>>,
    val_y: Vec<f32>,
    /// Targets (and model outputs) per sequence: 1, or 12 for seed 003's Task 1.
    outputs: usize,
    rng: ChaCha8Rng,
    /// Seeds the dropout masks' generator before each batch (the device's on WebGPU, the model
    /// crate's on the CPU devices: [`crate::dropout`]), so the masks are this run's own stream:
    /// those generators are one per process or thread, and runs trained side by side in one
    /// worker would otherwise draw from them in whatever order their slices fall.
    dropout_rng: ChaCha8Rng,
    order: Vec<usize>,
    cursor: usize,
    /// Sum of batch losses × batch sizes in the current epoch.
    loss_sum: f64,
    diverged: bool,
    learning_rate: f64,
    history: Vec<EpochRecord>,
    plateau: Plateau,
    stopped_early: bool,
    /// [`data_fingerprint`] of the training and validation data, for snapshots.
    data: u64,
    /// The clock [`Trainer::profile_with`] lent, and the phases timed with it.
    clock: Option<Clock>,
    profile: StepProfile,
}

/// How often, in batches of an epoch (from its first), the hand-written step sweeps
/// burn-autodiff's graph of the parameters it replaced ([`Trainer::step_batch`]).
const SWEEP_EVERY: usize = 64;

/// The rows `idx` of `rows`, each `width` long, one after the other.
fn gather_rows(rows: &[u8], idx: &[usize], width: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(idx.len() * width);
    for &i in idx {
        out.extend_from_slice(&rows[i * width..(i + 1) * width]);
    }
    out
}

impl Trainer {
    /// Set up training of a new model on `train`, validated on `val`.
    ///
    /// `device` is a plain device (the trainer turns autodiff on). Weights are initialised from
    /// `config.seed`.
    ///
    /// Targets are one per sequence, or `k` per sequence (row-major) for a model with `k`
    /// outputs ([`crate::models::ModelKind::outputs`]: seed 003's Task 1 models).
    ///
    /// # Errors
    /// Invalid settings ([`TrainConfig::validate`], [`TrainConfig::check_model`],
    /// [`ModelConfig::validate`]), sequences that
    /// do not encode ([`one_hot`]), [`Error::ModelLength`] for a sequence length other than
    /// `model_config.seq_len`, or [`Error::Setting`] when the targets per sequence are not the
    /// model's outputs.
    pub fn new(model_config: ModelConfig, config: TrainConfig, train: &RegressionData, val: &RegressionData, device: &Device) -> Result<Self> {
        config.validate(train.len())?;
        config.check_model(model_config.kind)?;
        model_config.validate()?;
        let train_x = train.one_hot()?;
        let val_x = val.one_hot()?;
        for x in [&train_x, &val_x] {
            if x.length != model_config.seq_len {
                return Err(Error::ModelLength { expected: model_config.seq_len, found: x.length });
            }
        }
        let outputs = model_config.num_outputs();
        for (name, data) in [("training", train), ("validation", val)] {
            if data.targets.len() != data.len() * outputs {
                return Err(Error::Setting(format!(
                    "{} has {outputs} output(s) per sequence but the {name} data has {} targets for {} sequences",
                    model_config.kind,
                    data.targets.len(),
                    data.len()
                )));
            }
        }
        if config.loss == LossKind::BinaryCrossEntropy {
            if let Some((i, t)) = train.targets.iter().chain(&val.targets).enumerate().find(|(_, t)| **t != 0.0 && **t != 1.0) {
                return Err(Error::Setting(format!("binary cross-entropy needs 0/1 labels; label {i} is {t}")));
            }
        }
        let device = device.clone().autodiff();
        let model = model_config.init(&device, config.seed)?;
        let train_codes = model.uses_codes(config.batch_size, train_x.length).then(|| train_x.base_codes()).flatten();
        let val_codes = model.uses_codes(EVAL_BATCH, val_x.length).then(|| val_x.base_codes()).flatten();
        Ok(Trainer {
            optim: config.optimizer.init(config.weight_decay),
            rng: ChaCha8Rng::seed_from_u64(config.seed ^ 0x5eed_5eed),
            dropout_rng: ChaCha8Rng::seed_from_u64(config.seed ^ 0xd0d0_d0d0),
            learning_rate: config.learning_rate,
            model: Some(model),
            order: Vec::new(),
            cursor: 0,
            loss_sum: 0.0,
            diverged: false,
            history: Vec::new(),
            plateau: Plateau { best: f32::INFINITY, since_best: 0, since_lr_best: 0, lr_best: f32::INFINITY, best_model: None },
            stopped_early: false,
            clock: None,
            profile: StepProfile::default(),
            data: data_fingerprint(train, val),
            train_y: train.targets.clone(),
            val_y: val.targets.clone(),
            outputs,
            train_x,
            train_codes,
            val_x,
            val_codes,
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

    /// Start from trained weights instead of the initial ones: `bytes` from
    /// [`crate::checkpoint::save_weights`] of a model with this trainer's [`ModelConfig`].
    /// Allowed only before the first batch; the optimizer starts fresh.
    ///
    /// # Errors
    /// [`Error::Checkpoint`] when the bytes do not fit the model, or training has begun.
    pub fn load_weights(&mut self, bytes: &[u8]) -> Result<()> {
        if !self.history.is_empty() || self.cursor > 0 {
            return Err(Error::Checkpoint("weights can be loaded only before training starts".into()));
        }
        self.model = Some(crate::checkpoint::load_weights(&self.model_config, bytes, &self.device)?);
        Ok(())
    }

    /// The whole state between two epochs, to go on later with [`Trainer::resume`]: the same
    /// run, epoch for epoch, as one that never stopped (tested).
    ///
    /// # Errors
    /// [`Error::Snapshot`] in the middle of an epoch, after a loss diverged, or when burn
    /// cannot write the optimizer's state; [`Error::Checkpoint`] when it cannot write the
    /// weights.
    pub fn snapshot(&self) -> Result<Snapshot> {
        if self.cursor > 0 {
            return Err(Error::Snapshot(format!("a snapshot is taken between epochs, not {} batches into epoch {}", self.batch_in_epoch(), self.epoch())));
        }
        if self.diverged {
            return Err(Error::Snapshot("a run whose loss diverged cannot be resumed".into()));
        }
        let rng_state = |r: &ChaCha8Rng| -> Result<RngState> {
            let word_pos = u64::try_from(r.get_word_pos()).map_err(|_| Error::Snapshot("the shuffling generator ran past 2⁶⁴ words".into()))?;
            Ok(RngState { seed: r.get_seed(), word_pos })
        };
        let p = &self.plateau;
        let finite = |v: f32| v.is_finite().then_some(v);
        let state = SnapshotState {
            format: FORMAT,
            model_config: self.model_config.clone(),
            config: self.config.clone(),
            data: self.data,
            history: self.history.clone(),
            learning_rate: self.learning_rate,
            stopped_early: self.stopped_early,
            best: finite(p.best),
            since_best: p.since_best,
            lr_best: finite(p.lr_best),
            since_lr_best: p.since_lr_best,
            rng: rng_state(&self.rng)?,
            dropout_rng: rng_state(&self.dropout_rng)?,
        };
        let optimizer = self.optim.to_record().into_bytes().map_err(|e| Error::Snapshot(format!("could not write the optimizer's state: {e}")))?;
        Ok(Snapshot {
            state,
            weights: crate::checkpoint::save_weights(&self.model().valid())?,
            best_weights: p.best_model.as_ref().map(|m| crate::checkpoint::save_weights(&m.valid())).transpose()?,
            optimizer: optimizer.to_vec(),
        })
    }

    /// Go on from `snapshot` (of [`Trainer::snapshot`]): it must have been made with this
    /// trainer's settings and data ([`Snapshot::fits`]), and this trainer must not have trained
    /// yet.
    ///
    /// # Errors
    /// [`Error::Snapshot`] naming the mismatch (other model or training settings, training
    /// begun), or when the optimizer's state does not load; [`Error::Checkpoint`] when the
    /// weights do not.
    pub fn resume(&mut self, snapshot: Snapshot) -> Result<()> {
        if !self.history.is_empty() || self.cursor > 0 {
            return Err(Error::Snapshot("a run can be resumed only before it trains".into()));
        }
        snapshot.fits(&self.model_config, &self.config, self.data)?;
        let Snapshot { state, weights, best_weights, optimizer } = snapshot;
        // burn's weights record keeps each parameter's id (burn-core `store`), which the
        // optimizer's record is keyed by, so Adam's moments find their parameters again.
        let model = crate::checkpoint::load_weights(&self.model_config, &weights, &self.device)?;
        let best_model = best_weights.map(|b| crate::checkpoint::load_weights(&self.model_config, &b, &self.device)).transpose()?;
        let record = OptimizerRecord::from_bytes(burn::tensor::Bytes::from_bytes_vec(optimizer)).map_err(|e| Error::Snapshot(format!("the optimizer's state does not load: {e}")))?;
        let rng = |r: &RngState| {
            let mut g = ChaCha8Rng::from_seed(r.seed);
            g.set_word_pos(u128::from(r.word_pos));
            g
        };
        self.optim = self.config.optimizer.init(self.config.weight_decay).load_record(record);
        self.model = Some(model);
        self.rng = rng(&state.rng);
        self.dropout_rng = rng(&state.dropout_rng);
        self.learning_rate = state.learning_rate;
        self.history = state.history;
        self.stopped_early = state.stopped_early;
        self.plateau = Plateau {
            best: state.best.unwrap_or(f32::INFINITY),
            since_best: state.since_best,
            lr_best: state.lr_best.unwrap_or(f32::INFINITY),
            since_lr_best: state.since_lr_best,
            best_model,
        };
        Ok(())
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
        self.num_train().div_ceil(self.config.batch_size)
    }

    /// Training sequences.
    fn num_train(&self) -> usize {
        self.train_y.len() / self.outputs
    }

    /// Batches trained so far in the current epoch.
    pub fn batch_in_epoch(&self) -> usize {
        self.cursor.div_ceil(self.config.batch_size)
    }

    /// Whether [`Trainer::step_batch`] trains by the hand-written step of [`crate::cnn_step`]:
    /// the CNN on base codes ([`Model::uses_codes`]: CPU devices, a width whose 5^width
    /// spellings are fewer than a batch's windows), with the MSE loss and one output.
    /// Otherwise burn's autodiff takes the gradients.
    pub fn uses_hand_step(&self) -> bool {
        self.train_codes.is_some() && matches!(self.model, Some(Model::Cnn(_))) && self.config.loss == LossKind::Mse && self.outputs == 1
    }

    /// True when all epochs ran or early stopping fired.
    pub fn is_finished(&self) -> bool {
        self.stopped_early || self.history.len() >= self.config.num_epochs
    }

    /// True when early stopping ended training before the last epoch (or a loss diverged).
    pub fn stopped_early(&self) -> bool {
        self.stopped_early
    }

    /// Time each phase of [`Trainer::step_batch`] with `clock` from now on
    /// ([`Trainer::take_profile`] reads them). Without a clock nothing is timed.
    pub fn profile_with(&mut self, clock: Clock) {
        self.clock = Some(clock);
    }

    /// The phases' times since the last call (or since [`Trainer::profile_with`]), and start
    /// afresh.
    pub fn take_profile(&mut self) -> StepProfile {
        std::mem::take(&mut self.profile)
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
        let clock = self.clock;
        let tick = move || clock.map(|c| c());
        let mut mark = tick();
        // Milliseconds since the last mark, added to `phase`; the mark moves on.
        let mut lap = |profile: &mut StepProfile, phase: Phase| {
            if let (Some(start), Some(now)) = (mark, tick()) {
                profile.add(phase, now - start);
                mark = Some(now);
            }
        };
        let n = self.num_train();
        if self.cursor == 0 {
            self.order = (0..n).collect();
            self.order.shuffle(&mut self.rng);
        }
        let end = (self.cursor + self.config.batch_size).min(n);
        let idx = &self.order[self.cursor..end];
        // The CNN's one-hot batches go in as base codes (Model::forward_train).
        let length = self.train_x.length;
        let codes = self.train_codes.as_ref().map(|c| gather_rows(c, idx, length));
        let input = match &codes {
            Some(codes) => Batch::Codes { codes, length, device: &self.device },
            None => Batch::OneHot(gathered(&self.train_x, idx, &self.device)),
        };
        let k = self.outputs;
        let y: Vec<f32> = idx.iter().flat_map(|&i| self.train_y[i * k..(i + 1) * k].iter().copied()).collect();
        lap(&mut self.profile, Phase::Data);
        let epoch = self.history.len();
        let batch = self.cursor / self.config.batch_size.max(1);
        let l2 = self.config.first_layer_l2;

        // The 8-mer CNN on base codes with the MSE loss trains by the hand-written step of
        // crate::cnn_step: its parameters are read back, its loss and gradients computed on the
        // host, and burn's optimizer applies them.
        if self.uses_hand_step()
            && let (Some(codes), Some(Model::Cnn(cnn))) = (&codes, self.model.as_ref())
        {
            let params = cnn.host_params().await?;
            lap(&mut self.profile, Phase::Readback);
            let forward = params.forward_train(codes, length);
            let batch_loss = params.mse(&forward, &y, l2 as f32);
            lap(&mut self.profile, Phase::Forward);
            if !batch_loss.is_finite() {
                return Err(self.stop_diverged("train", batch_loss, epoch, Some(batch)));
            }
            self.loss_sum += f64::from(batch_loss) * idx.len() as f64;
            let model = self.model.take().expect("the model should be present between steps");
            let Model::Cnn(cnn) = &model else { unreachable!("matched as a CNN above") };
            let grads = cnn.gradients_params(params.mse_gradients(&forward, &y, l2 as f32), &self.device());
            lap(&mut self.profile, Phase::Backward);
            self.model = Some(self.optim.step(self.learning_rate, model, grads));
            // The step registered the new parameters as autodiff roots (`require_grad`), and
            // burn-autodiff 0.22 frees the entries of dropped roots only inside a backward pass
            // (`GraphMutexClient::backward` runs `cleanup_orphaned_entries`), which this path
            // never runs: without a sweep the old parameters' entries pile up, about 1.7 MB an
            // epoch. A one-element backward pass on each epoch's first batch and every
            // SWEEP_EVERY-th after it frees them.
            if batch % SWEEP_EVERY == 0 {
                drop(Tensor::<1>::zeros([1], &self.device).require_grad().sum().backward());
            }
            lap(&mut self.profile, Phase::Optimizer);
            return self.end_batch(end, n).await;
        }

        let ys = Tensor::<2>::from_data(TensorData::new(y, [idx.len(), k]), &self.device);
        lap(&mut self.profile, Phase::Data);
        let model = self.model.take().expect("the model should be present between steps");
        // Nothing awaits between this seed and the forward pass that draws the dropout masks.
        // The device's generator draws them on WebGPU, the model crate's on the CPU devices.
        let seed = self.dropout_rng.next_u64();
        self.device.seed(seed);
        crate::dropout::seed(seed);
        let out = model.forward_train(input);
        let loss = match self.config.loss {
            LossKind::Mse => MseLoss::new().forward(out, ys, Reduction::Mean),
            LossKind::BinaryCrossEntropy => {
                let targets: Tensor<2, Int> = ys.int();
                BinaryCrossEntropyLossConfig::new().with_logits(true).init(&self.device).forward(out, targets)
            }
        };
        // Seed 003's first-layer penalty, as Keras's kernel regulariser adds it to the loss.
        // (Only with a penalty: first_layer_weight clones the kernel into the graph.)
        let loss = match (l2 > 0.0).then(|| model.first_layer_weight()).flatten() {
            Some(w) => loss + w.powi_scalar(2).sum().mul_scalar(l2 / 2.0),
            None => loss,
        };
        lap(&mut self.profile, Phase::Forward);
        // Read the batch's loss back now: a NaN or infinite loss stops training at the batch
        // where it appears, before the optimizer applies its gradients (and on WebGPU this
        // bounds the queue of submitted batches to one, so a pause lands at once).
        let batch_loss = loss.clone().detach().into_scalar_async::<f32>().await.map_err(device_error)?;
        lap(&mut self.profile, Phase::Readback);
        if !batch_loss.is_finite() {
            return Err(self.stop_diverged("train", batch_loss, epoch, Some(batch)));
        }
        self.loss_sum += f64::from(batch_loss) * idx.len() as f64;
        let grads = GradientsParams::from_grads(loss.backward(), &model);
        lap(&mut self.profile, Phase::Backward);
        self.model = Some(self.optim.step(self.learning_rate, model, grads));
        lap(&mut self.profile, Phase::Optimizer);
        drop(loss);
        lap(&mut self.profile, Phase::Release);
        self.end_batch(end, n).await
    }

    /// After a batch's update: move the cursor to `end` of `n` training sequences, and at the
    /// end of an epoch run the validation and the schedule and return the epoch's record.
    async fn end_batch(&mut self, end: usize, n: usize) -> Result<StepOutcome> {
        self.profile.batches += 1;
        self.cursor = end;
        if self.cursor < n {
            return Ok(StepOutcome::Batch { batch: self.batch_in_epoch(), batches_per_epoch: self.batches_per_epoch() });
        }
        let epoch = self.history.len();
        let clock = self.clock;
        let start = clock.map(|c| c());
        self.cursor = 0;
        let train_loss = (std::mem::take(&mut self.loss_sum) / n as f64) as f32;
        if !train_loss.is_finite() {
            return Err(self.stop_diverged("train", train_loss, epoch, None));
        }
        self.recalibrate_norms();
        let (val_loss, val_auroc, val_aupr) = self.validation().await?;
        if !val_loss.is_finite() {
            return Err(self.stop_diverged("validation", val_loss, epoch, None));
        }
        let record = EpochRecord { epoch, train_loss, val_loss, val_auroc, val_aupr, learning_rate: self.learning_rate };
        self.history.push(record.clone());
        // The schedule minimises: the loss, or minus the AUROC or AUPR. Where those are
        // undefined (a validation split of one class, as a small upload can have, every epoch)
        // it watches the loss instead: a constant would keep the first epoch as the best.
        self.schedule(match (self.config.monitor, val_auroc, val_aupr) {
            (Monitor::ValAuroc, Some(auroc), _) => -auroc,
            (Monitor::ValAupr, _, Some(aupr)) => -aupr,
            _ => val_loss,
        });
        if let (Some(start), Some(now)) = (start, clock.map(|c| c())) {
            self.profile.add(Phase::Validation, now - start);
        }
        self.profile.epochs += 1;
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
                // A snapshot, not a clone: a clone shares batch norm's running statistics
                // (burn's `RunningState` is shared), which later epochs would go on updating, so
                // the restored weights would be read with the last epoch's statistics. Keras's
                // `restore_best_weights` restores the moving statistics with the weights.
                // `valid().train()` is burn's documented way back to a trainable module.
                p.best_model = self.model.as_ref().map(|m| m.valid().train());
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

    /// Re-estimates the statistics of batch norms that follow dropout ([`Model::recalibrate_norms`])
    /// from the first [`RECALIBRATION_SEQUENCES`] training sequences, so that validation, early
    /// stopping and the kept weights see the model as it predicts: for seed 000's model always,
    /// for the others when [`TrainConfig::recalibrate_norms`] asks.
    fn recalibrate_norms(&self) {
        let model = self.model();
        let asked = self.config.recalibrate_norms && matches!(model, Model::Deep(_));
        if !(model.recalibrates_norms() || asked) {
            return;
        }
        let n = self.train_x.batch.min(RECALIBRATION_SEQUENCES).min(eval_chunk(model, self.train_x.length));
        model.recalibrate_norms(gathered(&self.train_x, &(0..n).collect::<Vec<_>>(), &self.device()));
    }

    /// Validation loss, and the AUROC for classification; with several outputs, the AUROC and
    /// AUPR are means over the tasks.
    async fn validation(&self) -> Result<(f32, Option<f32>, Option<f32>)> {
        let out = predict_with_codes(&self.inference_model(), &self.val_x, self.val_codes.as_deref(), &self.device()).await?;
        Ok(match self.config.loss {
            LossKind::Mse => (mse(&self.val_y, &out) as f32, None, None),
            LossKind::BinaryCrossEntropy if self.outputs > 1 => {
                let e = ClassEvaluation::multitask(&self.val_y, &out, self.outputs);
                (e.bce as f32, e.auroc.map(|a| a as f32), e.aupr.map(|a| a as f32))
            }
            LossKind::BinaryCrossEntropy => {
                let labels: Vec<bool> = self.val_y.iter().map(|&t| t >= 0.5).collect();
                (bce_with_logits(&self.val_y, &out) as f32, auroc(&labels, &out).map(|a| a as f32), None)
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
        Ok(ClassEvaluation::multitask(&data.targets, &logits, self.outputs))
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

    /// Predict scores (or logits) for sequences given as text: `seqs.len() × outputs` values,
    /// row-major `[sequences, outputs]`, as [`predict`].
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

