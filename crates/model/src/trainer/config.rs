//! Training settings: the optimizer, the loss, the schedule (seed 000's Keras callbacks) and
//! their checks ([`TrainConfig::validate`], through [`crate::settings`]).

#[cfg(feature = "burn")]
use burn::optim::decay::WeightDecayConfig;
#[cfg(feature = "burn")]
use burn::optim::{AdamConfig, ModuleOptimizer, SgdConfig};
use serde::{Deserialize, Serialize};

use crate::choice::named_choice;
use crate::error::{Error, Result};
use crate::models::ModelKind;
use crate::settings;

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

#[cfg(feature = "burn")]
impl OptimizerKind {
    /// The optimizer, with an L2 penalty of `weight_decay` (added to the gradients, as Keras's
    /// kernel regulariser and PyTorch's `weight_decay` do) when it is above 0.
    pub(super) fn init(self, weight_decay: f64) -> ModuleOptimizer {
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
    /// The validation AUPR, the mean over tasks; higher is better (seed 003, Task 1). Needs
    /// the BCE loss.
    ValAupr,
}

named_choice!(Monitor, "monitor", {
    ValLoss => "val-loss",
    ValAuroc => "val-auroc",
    ValAupr => "val-aupr",
});

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
    /// Seed 000's settings: patience 10 ([`settings::PATIENCE`]), restore the best weights.
    fn default() -> Self {
        EarlyStopping { patience: settings::PATIENCE.default_usize(), restore_best: true }
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
    /// The learning rate never goes below this ([`settings::MIN_LR`]).
    pub min_lr: f64,
}

impl Default for ReduceLrOnPlateau {
    /// Seed 000's settings: factor 0.5, patience 5, minimum 1e-6.
    fn default() -> Self {
        ReduceLrOnPlateau { factor: 0.5, patience: 5, min_lr: settings::MIN_LR.default }
    }
}

/// Keras's `min_delta` for `ReduceLROnPlateau`.
#[cfg_attr(not(feature = "burn"), allow(dead_code))]
pub(crate) const PLATEAU_MIN_DELTA: f32 = 1e-4;

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
    /// L2 penalty on the first convolution's kernel alone, added to the loss as
    /// `first_layer_l2 / 2 · Σw²` (0 for none; [`settings::L2_FIRST`]). Models without one
    /// first layer of filters (the linear model, seed 000's multi-scale CNN) take none:
    /// [`TrainConfig::check_model`] refuses it for them.
    #[serde(default)]
    pub first_layer_l2: f64,
    /// Re-estimate every batch norm's statistics from the training sequences, as the model
    /// predicts, before each validation ([`Model::recalibrate_norms`](crate::models::Model::recalibrate_norms)):
    /// the running statistics of CNN-local, CNN-dist and the Task 1 CNNs carry dropout's
    /// variance shift and lag the weights, which on a small data set (lesson 13's uploads)
    /// swings the validation loss between epochs. Seed 000's multi-scale CNN is recalibrated
    /// either way. Off for the seeds' own recipes, which keep their running averages.
    #[serde(default)]
    pub recalibrate_norms: bool,
}

impl Default for TrainConfig {
    /// Seed 002's training, from the settings' one definition ([`settings::LEARNING_RATE`],
    /// [`settings::BATCH_SIZE`], [`settings::EPOCHS`], [`settings::SEED`]).
    fn default() -> Self {
        TrainConfig {
            optimizer: OptimizerKind::Sgd,
            learning_rate: settings::LEARNING_RATE.default,
            batch_size: settings::BATCH_SIZE.default_usize(),
            num_epochs: settings::EPOCHS.default_usize(),
            seed: settings::SEED.default as u64,
            early_stopping: None,
            reduce_lr: None,
            loss: LossKind::Mse,
            monitor: Monitor::ValLoss,
            weight_decay: 0.0,
            first_layer_l2: 0.0,
            recalibrate_norms: false,
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
            first_layer_l2: 0.0,
            recalibrate_norms: false,
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
            reduce_lr: Some(ReduceLrOnPlateau { factor: 0.3, patience: 5, min_lr: settings::MIN_LR.default }),
            loss: LossKind::BinaryCrossEntropy,
            monitor: Monitor::ValAuroc,
            weight_decay: 1e-6,
            first_layer_l2: 0.0,
            recalibrate_norms: false,
        }
    }
}

impl TrainConfig {
    /// Seed 003's training for Task 1 ([`TrainConfig::seed003`], Methods, "Training"): the
    /// same, with the validation AUPR (mean over the 12 tasks) monitored instead of the AUROC.
    pub fn seed003_task1() -> Self {
        TrainConfig { monitor: Monitor::ValAupr, ..Self::seed003() }
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
        self.validate_rate(num_train, &settings::LEARNING_RATE)
    }

    /// Check the settings against the model they train: the first layer's L2 penalty
    /// ([`settings::L2_FIRST`]) needs a model with one first layer of filters
    /// ([`ModelKind::has_first_layer`]). `Trainer::new` calls it; a shell may call it before
    /// it generates the data, to refuse early.
    ///
    /// # Errors
    /// [`Error::Setting`] naming the model and the models that take the penalty.
    pub fn check_model(&self, kind: ModelKind) -> Result<()> {
        if self.first_layer_l2 > 0.0 && !kind.has_first_layer() {
            let takers: Vec<&str> = ModelKind::ALL.iter().filter(|k| k.has_first_layer()).map(|k| k.name()).collect();
            return Err(Error::Setting(format!(
                "the {} ({}) applies only to models with one first layer of filters ({}), not to the {kind} model",
                settings::L2_FIRST.label,
                settings::L2_FIRST.key,
                takers.join(", ")
            )));
        }
        Ok(())
    }

    /// [`TrainConfig::validate`] with the learning rate checked against `rate`, the setting it
    /// came from (lesson 9's [`settings::EXP_LR`], lesson 10's [`settings::KERAS_LR`]), so a
    /// refusal names that setting and its range.
    ///
    /// # Errors
    /// As [`TrainConfig::validate`].
    pub fn validate_rate(&self, num_train: usize, rate: &settings::Setting) -> Result<()> {
        rate.check_f64(self.learning_rate)?;
        settings::EPOCHS.check_usize(self.num_epochs)?;
        if self.batch_size == 0 || self.batch_size > num_train {
            return Err(Error::BatchSize { batch_size: self.batch_size, max: num_train });
        }
        if let Some(r) = self.reduce_lr {
            if !(r.factor > 0.0 && r.factor < 1.0) {
                return Err(Error::Setting(format!("reduce-LR factor must be between 0 and 1, got {}", r.factor)));
            }
            settings::MIN_LR.check_f64(r.min_lr)?;
        }
        if !(self.weight_decay.is_finite() && self.weight_decay >= 0.0) {
            return Err(Error::Setting(format!("the L2 weight decay must be 0 or more, got {}", self.weight_decay)));
        }
        if !(self.first_layer_l2.is_finite() && self.first_layer_l2 >= 0.0) {
            return Err(Error::Setting(format!("the first layer's L2 penalty must be 0 or more, got {}", self.first_layer_l2)));
        }
        if matches!(self.monitor, Monitor::ValAuroc | Monitor::ValAupr) && self.loss != LossKind::BinaryCrossEntropy {
            return Err(Error::Setting("the validation AUROC or AUPR can only be monitored with the binary cross-entropy loss".into()));
        }
        Ok(())
    }
}

