//! The 200-nt classifiers: seed 003's CNN-local and CNN-dist (Koo and Ploenzke 2021, Methods,
//! "Task 3") and seed 000's multi-scale CNN with attention pooling.
//!
//! Inputs are one-hot DNA, `[batch, 4, length]`; outputs are logits, `[batch, outputs]`: one per
//! sequence, or 12 for seed 003's Task 1 models (one per transcription factor,
//! [`TASK1_OUTPUTS`]) (the sigmoid is in the loss, [`crate::trainer::LossKind::BinaryCrossEntropy`],
//! and in the predicted probabilities).
//!
//! Choices the seeds leave open, documented here:
//! - Each layer's padding is in its [`ConvSpec`]. CNN-local's and CNN-dist's first convolution
//!   has none ("valid"), so every first-layer activation is one whole window of the input and
//!   the filter logos of [`crate::interpret`] apply as for 8-mers; their deeper convolutions pad
//!   to keep their length ("same"; even kernels pad one more on the right, as Keras does). The
//!   Task 1 models and [`CNN_DIST_CODE`] follow seed 003's code instead. Max-pooling drops an
//!   incomplete last window (Keras's default).
//! - Weights are uniform in ±1/√fan_in (PyTorch's default), drawn on the host from a seeded
//!   ChaCha8 so runs repeat on every device; batch-norm scales start at 1 and shifts at 0.
//! - Flattening before the dense layer is channel-major (`[channels, positions]`), PyTorch's
//!   order; Keras flattens position-major. The models are the same up to a permutation of the
//!   dense layer's inputs.

#[cfg(feature = "burn")]
use burn::module::Module;
#[cfg(feature = "burn")]
use burn::nn::conv::{Conv1d, Conv1dConfig};
#[cfg(feature = "burn")]
use burn::nn::pool::{MaxPool1d, MaxPool1dConfig};
#[cfg(feature = "burn")]
use burn::nn::{BatchNorm, BatchNormConfig, Dropout, DropoutConfig, Initializer, Linear, PaddingConfig1d};
#[cfg(feature = "burn")]
use burn::tensor::{Device, Tensor, activation};
#[cfg(feature = "burn")]
use rand::rngs::ChaCha8Rng;

#[cfg(feature = "burn")]
use crate::attribution::deeplift::{rescale, rescale_max_pool};
#[cfg(feature = "burn")]
use crate::dropout::dropout;
#[cfg(feature = "burn")]
use crate::layers::{Activation, Init, dense_with, glorot_param, keras_dense, uniform_param};

/// A convolution `[channels_in → channels_out]` of width `width` of seed 003's CNNs, weights
/// and bias uniform in ±1/√(channels_in · width) (PyTorch's default).
///
/// Seed 003 drew its initial weights as Glorot and Bengio (its ref. 27, Keras's default). With
/// those, lesson 9's exp run learned its motifs more slowly at the lesson's short budget (seed
/// 1, 6,000 sequences, learning rate 0.01, 10 epochs: match fraction 0.17 against 0.42; seed
/// 17: 0.42 against 0.42), so CNN-local and CNN-dist keep this initialisation.
///
/// With [`Init::Glorot`] the weights are Glorot uniform (fan in `channels_in · width`, fan out
/// `channels_out · width`, as Keras's `Conv1D`) and the bias 0, as seed 003's Keras models.
#[cfg(feature = "burn")]
fn conv(channels_in: usize, channels_out: usize, width: usize, padding: PaddingConfig1d, init: Init, rng: &mut ChaCha8Rng, device: &Device) -> Conv1d {
    let mut conv = Conv1dConfig::new(channels_in, channels_out, width).with_padding(padding).with_initializer(Initializer::Zeros).init(device);
    let fan_in = channels_in * width;
    match init {
        Init::Pytorch => {
            conv.weight = uniform_param([channels_out, channels_in, width], fan_in, rng, device);
            conv.bias = Some(uniform_param([channels_out], fan_in, rng, device));
        }
        Init::Glorot => conv.weight = glorot_param([channels_out, channels_in, width], fan_in, channels_out * width, rng, device),
    }
    conv
}

/// Keras's `BatchNormalization` epsilon (its default), which seed 000's model uses.
pub const KERAS_BN_EPSILON: f64 = 1e-3;

/// A batch norm over `features` channels for seed 000's model: Keras's epsilon
/// ([`KERAS_BN_EPSILON`]; burn's default is 1e-5) and burn's momentum 0.1 (Keras's 0.99 would
/// be burn's 0.01).
///
/// With burn's epsilon, seed 000's model drifted out of calibration in inference on some seeds
/// (6,000 sequences, 10 epochs: seed 1 at learning rate 0.003 and seed 42 at 0.001 ended with
/// the validation loss above its first epoch's, so early stopping kept that epoch, test AUROC
/// 0.52 and 0.51; with 1e-3, 0.75 and 0.71). Keras's momentum as well learned more slowly
/// (seed 17, 0.003: test AUROC 0.67 against 0.74).
#[cfg(feature = "burn")]
fn keras_batch_norm(features: usize, device: &Device) -> BatchNorm {
    BatchNormConfig::new(features).with_epsilon(KERAS_BN_EPSILON).init(device)
}

/// A convolution of seed 000's model, initialised as Keras's `Conv1D`: Glorot uniform weights
/// (fan in `channels_in · width`, fan out `channels_out · width`), zero bias.
///
/// With PyTorch's initialisation instead (as [`conv`] and [`dense`]), this model lost its
/// calibration in inference: its mean predicted probability on its own training split fell from
/// 0.43 to 0.05 over 4 epochs while the training loss fell, so the validation loss rose from the
/// first epoch on and early stopping kept the first epoch (`tests/keras_parity.rs`).
#[cfg(feature = "burn")]
fn keras_conv(channels_in: usize, channels_out: usize, width: usize, rng: &mut ChaCha8Rng, device: &Device) -> Conv1d {
    let mut conv = Conv1dConfig::new(channels_in, channels_out, width).with_padding(PaddingConfig1d::Same).with_initializer(Initializer::Zeros).init(device);
    conv.weight = glorot_param([channels_out, channels_in, width], channels_in * width, channels_out * width, rng, device);
    conv
}

/// One hidden convolutional layer of seed 003's CNNs: convolution → batch norm → activation →
/// max-pool (optional) → dropout.
#[cfg(feature = "burn")]
#[derive(Module, Debug)]
pub struct ConvBlock {
    conv: Conv1d,
    norm: BatchNorm,
    #[module(skip)]
    activation: Activation,
    pool: Option<MaxPool1d>,
    dropout: Dropout,
}

/// Settings of one [`ConvBlock`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ConvSpec {
    /// Output channels (filters).
    pub filters: usize,
    /// Kernel width in positions.
    pub width: usize,
    /// Max-pool size and stride; 1 for none.
    pub pool: usize,
    /// Dropout probability.
    pub dropout: f64,
    /// No padding ("valid"): `length − width + 1` positions out. Otherwise "same" (even kernels
    /// pad one more on the right, as Keras does).
    pub valid: bool,
}

#[cfg(feature = "burn")]
impl ConvBlock {
    fn new(channels_in: usize, spec: ConvSpec, padding: PaddingConfig1d, activation: Activation, init: Init, rng: &mut ChaCha8Rng, device: &Device) -> Self {
        ConvBlock {
            conv: conv(channels_in, spec.filters, spec.width, padding, init, rng, device),
            norm: BatchNormConfig::new(spec.filters).init(device),
            activation,
            pool: (spec.pool > 1).then(|| MaxPool1dConfig::new(spec.pool).with_stride(spec.pool).init()),
            dropout: DropoutConfig::new(spec.dropout).init(),
        }
    }

    /// Batch-normalised convolution (before the activation) and the activation of it.
    ///
    /// # Shapes
    /// - input: `[batch, channels_in, length]`
    /// - output: `[batch, filters, positions]` each (`positions = length − width + 1` without
    ///   padding)
    pub fn pre_post(&self, x: Tensor<3>) -> (Tensor<3>, Tensor<3>) {
        let pre = self.norm.forward(self.conv.forward(x));
        let post = self.activation.apply(pre.clone());
        (pre, post)
    }

    /// # Shapes
    /// - input: `[batch, channels_in, length]`
    /// - output: `[batch, filters, positions / pool]`
    pub fn forward(&self, x: Tensor<3>) -> Tensor<3> {
        let (_, mut y) = self.pre_post(x);
        if let Some(pool) = &self.pool {
            y = pool.forward(y);
        }
        dropout(&self.dropout, y)
    }

    /// [`ConvBlock::forward`] of an input `x` (tracked) beside a reference `r`, under DeepLIFT's
    /// rescale rule ([`crate::attribution::deeplift`]): returns the input's output, whose
    /// gradient gives the multipliers, and the reference's. Inference mode only (batch norm's
    /// running statistics, no dropout).
    pub(crate) fn forward_rescale(&self, x: Tensor<3>, r: Tensor<3>) -> (Tensor<3>, Tensor<3>) {
        let (x, r) = (self.norm.forward(self.conv.forward(x)), self.norm.forward(self.conv.forward(r)));
        let activation = self.activation;
        let (x, r) = rescale(|t| activation.apply(t), x, r);
        match &self.pool {
            Some(pool) => rescale_max_pool(pool.kernel_size, x, r),
            None => (x, r),
        }
    }

    /// The convolution's weights, `[filters, channels_in, width]`.
    pub fn weight(&self) -> Tensor<3> {
        self.conv.weight.val()
    }
}

/// A dense hidden layer: linear → batch norm → relu → dropout (seed 003's "fully-connected
/// layer (96 units, relu)" with batch norm before the activation).
#[cfg(feature = "burn")]
#[derive(Module, Debug)]
pub struct DenseBlock {
    linear: Linear,
    norm: BatchNorm,
    dropout: Dropout,
}

#[cfg(feature = "burn")]
impl DenseBlock {
    fn new(d_input: usize, units: usize, dropout: f64, init: Init, rng: &mut ChaCha8Rng, device: &Device) -> Self {
        DenseBlock { linear: dense_with(init, d_input, units, rng, device), norm: BatchNormConfig::new(units).init(device), dropout: DropoutConfig::new(dropout).init() }
    }

    /// # Shapes
    /// - input: `[batch, d_input]`
    /// - output: `[batch, units]`
    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        dropout(&self.dropout, activation::relu(self.norm.forward(self.linear.forward(x))))
    }

    /// [`DenseBlock::forward`] under DeepLIFT's rescale rule, as [`ConvBlock::forward_rescale`].
    pub(crate) fn forward_rescale(&self, x: Tensor<2>, r: Tensor<2>) -> (Tensor<2>, Tensor<2>) {
        let (x, r) = (self.norm.forward(self.linear.forward(x)), self.norm.forward(self.linear.forward(r)));
        rescale(activation::relu, x, r)
    }
}

/// Seed 003's CNN-local: conv (24 filters, width 19, activation), max-pool 50, dense 96 (relu),
/// dense 1. Dropout 0.1 and 0.5.
pub const CNN_LOCAL: [ConvSpec; 1] = [ConvSpec { filters: 24, width: 19, pool: 50, dropout: 0.1, valid: true }];
/// Seed 003's CNN-dist: conv (24, width 7, activation); conv (32, 9, relu), max-pool 3;
/// conv (48, 6, relu), max-pool 4; conv (64, 4, relu), max-pool 3; dense 96 (relu); dense 1.
/// Dropout 0.1, 0.2, 0.3, 0.4 and 0.5.
pub const CNN_DIST: [ConvSpec; 4] = [
    ConvSpec { filters: 24, width: 7, pool: 1, dropout: 0.1, valid: true },
    ConvSpec { filters: 32, width: 9, pool: 3, dropout: 0.2, valid: false },
    ConvSpec { filters: 48, width: 6, pool: 4, dropout: 0.3, valid: false },
    ConvSpec { filters: 64, width: 4, pool: 3, dropout: 0.4, valid: false },
];
/// Seed 003's CNN-dist as its published code builds it (`code/model_zoo/cnn_dist.py` of
/// p-koo/exponential_activations), which differs from its Methods text ([`CNN_DIST`]): conv
/// (24, width 19, "same", activation); conv (32, 7, "same", relu), max-pool 4; conv (48, 7,
/// valid, relu), max-pool 4; conv (64, 3, valid, relu), max-pool 3; dense 96 (relu); dense 1.
/// 200 → 200 → 50 → 11 → 3 positions. Dropout 0.1–0.5 as CNN-dist. Two details stay ours: the
/// code applies dropout before its max-pools (here after, as [`ConvBlock`] does) and has no
/// convolution bias (here a bias, 0 at the start under [`Init::Glorot`]).
pub const CNN_DIST_CODE: [ConvSpec; 4] = [
    ConvSpec { filters: 24, width: 19, pool: 1, dropout: 0.1, valid: false },
    ConvSpec { filters: 32, width: 7, pool: 4, dropout: 0.2, valid: false },
    ConvSpec { filters: 48, width: 7, pool: 4, dropout: 0.3, valid: true },
    ConvSpec { filters: 64, width: 3, pool: 3, dropout: 0.4, valid: true },
];
/// Units of the dense hidden layer of CNN-local and CNN-dist.
pub const DENSE_UNITS: usize = 96;
/// Dropout of that layer.
pub const DENSE_DROPOUT: f64 = 0.5;

/// Seed 003's CNN-2 for Task 1 (Methods, "Task 1"): conv (32 filters, width 19, activation),
/// max-pool 2; conv (124, 5, relu), max-pool 50; dense 512 (relu); dense 12. Dropout 0.1, 0.1
/// and 0.5. Small first pooling: built for distributed (partial-motif) first-layer filters.
pub const CNN_2: [ConvSpec; 2] = [
    ConvSpec { filters: 32, width: 19, pool: 2, dropout: 0.1, valid: false },
    ConvSpec { filters: 124, width: 5, pool: 50, dropout: 0.1, valid: false },
];
/// Seed 003's CNN-50 for Task 1: as [`CNN_2`] with the pools swapped (50, then 2), which
/// forces whole motifs into the first layer (Koo and Eddy 2019, seed 003's ref. 18).
pub const CNN_50: [ConvSpec; 2] = [
    ConvSpec { filters: 32, width: 19, pool: 50, dropout: 0.1, valid: false },
    ConvSpec { filters: 124, width: 5, pool: 2, dropout: 0.1, valid: false },
];
/// Seed 003's CNN-deep for Task 1: conv (32, 19, activation); conv (48, 9, relu), max-pool 4;
/// conv (96, 6, relu), max-pool 4; conv (128, 4, relu), max-pool 3; dense 512 (relu); dense 12.
/// Dropout 0.1, 0.2, 0.3, 0.4 and 0.5.
pub const CNN_DEEP: [ConvSpec; 4] = [
    ConvSpec { filters: 32, width: 19, pool: 1, dropout: 0.1, valid: false },
    ConvSpec { filters: 48, width: 9, pool: 4, dropout: 0.2, valid: false },
    ConvSpec { filters: 96, width: 6, pool: 4, dropout: 0.3, valid: false },
    ConvSpec { filters: 128, width: 4, pool: 3, dropout: 0.4, valid: false },
];
/// Seed 003's CNN-deep as its published code builds it (`code/model_zoo/cnn_deep.py` in
/// p-koo/exponential_activations), where the Methods text differs: conv (32, 19, activation,
/// "same"); conv (48, 7, relu, "same"), max-pool 4; conv (96, 7, relu, "valid"), max-pool 4;
/// conv (128, 3, relu, "valid"), max-pool 3; dense 512 (relu); dense 12. Lengths
/// 200 → 50 → 44 → 11 → 9 → 3, so the dense layer takes 128 · 3 = 384 inputs (512 in
/// [`CNN_DEEP`]). Dropout as there.
pub const CNN_DEEP_CODE: [ConvSpec; 4] = [
    ConvSpec { filters: 32, width: 19, pool: 1, dropout: 0.1, valid: false },
    ConvSpec { filters: 48, width: 7, pool: 4, dropout: 0.2, valid: false },
    ConvSpec { filters: 96, width: 7, pool: 4, dropout: 0.3, valid: true },
    ConvSpec { filters: 128, width: 3, pool: 3, dropout: 0.4, valid: true },
];
/// Units of the dense hidden layer of the Task 1 models (seed 003, Methods).
pub const TASK1_DENSE_UNITS: usize = 512;
/// Outputs of the Task 1 models: one sigmoid per transcription factor (seed 003, Methods).
pub const TASK1_OUTPUTS: usize = 12;

/// A whole seed-003 CNN: its convolutional layers and its dense head.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DeepSpec {
    /// The convolutional layers; the first takes the chosen activation, the rest relu.
    pub convs: &'static [ConvSpec],
    /// Units of the dense hidden layer (relu, batch norm).
    pub dense_units: usize,
    /// Dropout after the dense hidden layer.
    pub dense_dropout: f64,
    /// Logits out: 1 (a binary task) or 12 (Task 1's multi-task labels).
    pub outputs: usize,
}

impl DeepSpec {
    /// Whether the first convolution pads to keep the input's length ("same"), as the Task 1
    /// models and [`CNN_DIST_CODE`] do.
    /// With no padding CNN-2's max-pool of 50 over 91 positions would drop the last 41 (the
    /// sequence's last 80 nt) and CNN-50's pools would drop the last 100 nt; padded, the pools
    /// of 200 → 100 → 2 (CNN-2) and 200 → 4 → 2 (CNN-50) cover every position. The first-layer
    /// maps the filters are read from keep only the windows wholly inside the sequence (seed
    /// 003, Methods: windows "shorter than the filter size ... were also discarded").
    pub fn same_first(&self) -> bool {
        self.convs.first().is_some_and(|c| !c.valid)
    }

    /// The widest activation (channels or units) of any layer.
    pub fn widest(&self) -> usize {
        self.convs.iter().map(|s| s.filters).max().unwrap_or(4).max(self.dense_units)
    }
}

/// Length after one [`ConvSpec`] layer: convolution (valid or same, as `spec` says), then
/// max-pooling that drops an incomplete last window.
pub fn layer_output_length(length: usize, spec: &ConvSpec) -> usize {
    let conv = if spec.valid { (length + 1).saturating_sub(spec.width) } else { length };
    conv / spec.pool
}

/// Length after every layer of `spec` for an input of `length` positions.
pub fn deep_output_length(spec: &DeepSpec, length: usize) -> usize {
    spec.convs.iter().fold(length, layer_output_length)
}

/// Seed 003's CNN-local or CNN-dist: [`ConvBlock`]s, flatten, a [`DenseBlock`], one logit.
#[cfg(feature = "burn")]
#[derive(Module, Debug)]
pub struct DeepCnn {
    blocks: Vec<ConvBlock>,
    hidden: DenseBlock,
    output: Linear,
    /// Padding on the left of the first convolution (0 unless [`DeepSpec::same_first`] is true).
    #[module(skip)]
    first_offset: usize,
}

#[cfg(feature = "burn")]
impl DeepCnn {
    /// Build from a spec; the first layer gets `activation`, the rest relu; weights drawn as
    /// `init` says.
    pub(crate) fn new(spec: &DeepSpec, seq_len: usize, activation: Activation, init: Init, rng: &mut ChaCha8Rng, device: &Device) -> Self {
        let (mut channels, mut length) = (4, seq_len);
        let mut blocks = Vec::with_capacity(spec.convs.len());
        let same_first = spec.same_first();
        for (i, spec) in spec.convs.iter().enumerate() {
            let padding = if spec.valid { PaddingConfig1d::Valid } else { PaddingConfig1d::Same };
            let act = if i == 0 { activation } else { Activation::Relu };
            blocks.push(ConvBlock::new(channels, *spec, padding, act, init, rng, device));
            length = layer_output_length(length, spec);
            channels = spec.filters;
        }
        let first_offset = if same_first { (spec.convs[0].width - 1) / 2 } else { 0 };
        let hidden = DenseBlock::new(channels * length, spec.dense_units, spec.dense_dropout, init, rng, device);
        let output = dense_with(init, spec.dense_units, spec.outputs, rng, device);
        DeepCnn { blocks, hidden, output, first_offset }
    }

    /// # Shapes
    /// - input: `[batch, 4, length]`
    /// - output: `[batch, outputs]` (logits; 1 output, or 12 for the Task 1 models)
    pub fn forward(&self, x: Tensor<3>) -> Tensor<2> {
        let mut x = x;
        for block in &self.blocks {
            x = block.forward(x);
        }
        self.output.forward(self.hidden.forward(x.flatten::<2>(1, 2)))
    }

    /// Re-estimates every batch norm's running statistics from `x` passed through the model as
    /// it predicts (no dropout), layer by layer, as [`MultiScaleCnn::recalibrate_dense_norms`]
    /// does for seed 000's model: each block's norm after the first follows dropout (0.1 to 0.5
    /// in CNN-dist), whose variance shift the training statistics carry. Changes no weight.
    ///
    /// # Shapes
    /// - input: `[batch, 4, length]`, on the plain (inference) device
    pub fn recalibrate_norms(&self, x: Tensor<3>) {
        let inference = self.clone().valid();
        let mut h = x;
        for (block, own) in inference.blocks.iter().zip(&self.blocks) {
            let pre = block.conv.forward(h.clone()); // [batch, filters, positions]
            let [_, filters, _] = pre.dims();
            // Per channel over the batch and the positions, as batch norm normalises.
            let (var, mean) = pre.swap_dims(0, 1).reshape([filters as i32, -1]).var_mean_bias(1); // [filters, 1]
            let (mean, var) = (mean.reshape([1, filters]), var.reshape([1, filters]));
            set_running_statistics(&block.norm, mean.clone(), var.clone());
            set_running_statistics(&own.norm, mean, var);
            h = block.forward(h);
        }
        let a = inference.hidden.linear.forward(h.flatten::<2>(1, 2)); // [batch, units]
        let (var, mean) = a.var_mean_bias(0);
        set_running_statistics(&self.hidden.norm, mean, var);
    }

    /// [`DeepCnn::forward`] of `x` (tracked) beside a reference `r` under DeepLIFT's rescale
    /// rule: the logits of `x`, whose gradient gives the multipliers, and of `r`.
    ///
    /// # Shapes
    /// - input: `[batch, 4, length]` each
    /// - output: `[batch, outputs]` each
    pub(crate) fn forward_rescale(&self, x: Tensor<3>, r: Tensor<3>) -> (Tensor<2>, Tensor<2>) {
        let (mut x, mut r) = (x, r);
        for block in &self.blocks {
            (x, r) = block.forward_rescale(x, r);
        }
        let (x, r) = self.hidden.forward_rescale(x.flatten::<2>(1, 2), r.flatten::<2>(1, 2));
        (self.output.forward(x), self.output.forward(r))
    }

    /// The first layer (the filters to interpret).
    pub fn first(&self) -> &ConvBlock {
        &self.blocks[0]
    }

    /// First-layer responses before (after batch norm) and after the activation, at the
    /// windows wholly inside the sequence.
    ///
    /// # Shapes
    /// - input: `[batch, 4, length]`
    /// - output: `[batch, filters, length − width + 1]` each
    pub fn first_pre_post(&self, x: Tensor<3>) -> (Tensor<3>, Tensor<3>) {
        let length = x.dims()[2];
        let (pre, post) = self.first().pre_post(x);
        if self.first_offset == 0 {
            return (pre, post);
        }
        let [b, f, _] = pre.dims();
        let width = self.first().conv.weight.dims()[2];
        let keep = self.first_offset..self.first_offset + (length + 1).saturating_sub(width);
        (pre.slice([0..b, 0..f, keep.clone()]), post.slice([0..b, 0..f, keep]))
    }

    /// The widest activation of any layer, in channels or units (sizes evaluation chunks).
    pub fn widest(&self) -> usize {
        let convs = self.blocks.iter().map(|b| b.conv.weight.dims()[0]);
        convs.chain([self.hidden.linear.weight.dims()[1]]).max().unwrap_or(4)
    }
}

/// Seed 000's kernel widths, one branch each.
pub const MULTISCALE_WIDTHS: [usize; 4] = [3, 7, 15, 25];
/// Filters per branch (seed 000: 64).
pub const MULTISCALE_FILTERS: usize = 64;

/// One branch of seed 000's multi-scale CNN: convolution (same padding, activation) → batch
/// norm → dropout 0.2 → attention pooling (seed 000's `attention_layer`: a tanh score per
/// position, softmax over positions, features scaled by it, global max-pool).
#[cfg(feature = "burn")]
#[derive(Module, Debug)]
pub struct AttentionBranch {
    conv: Conv1d,
    #[module(skip)]
    activation: Activation,
    norm: BatchNorm,
    dropout: Dropout,
    score: Linear,
}

#[cfg(feature = "burn")]
impl AttentionBranch {
    /// Features after dropout and the attention weights over positions.
    ///
    /// The score layer is a dense layer over each position's features (seed 000's
    /// `Dense(1, activation='tanh')` on `[batch, length, filters]`); it is applied here as the
    /// weighted sum over the filter axis of `[batch, filters, length]`, the same numbers without
    /// transposing the features (the transposes were a fifth of a training batch natively,
    /// `perf`, 2026-12-04).
    ///
    /// # Shapes
    /// - input: `[batch, 4, length]`
    /// - output: features `[batch, filters, length]`, weights `[batch, 1, length]` (each row
    ///   sums to 1)
    pub fn features_and_attention(&self, x: Tensor<3>) -> (Tensor<3>, Tensor<3>) {
        let h = dropout(&self.dropout, self.norm.forward(self.activation.apply(self.conv.forward(x)))); // [batch, filters, length]
        let [filters, _] = self.score.weight.dims();
        let w = self.score.weight.val().reshape([1, filters, 1]);
        let mut scores = (h.clone() * w).sum_dim(1); // [batch, 1, length]
        if let Some(bias) = &self.score.bias {
            scores = scores + bias.val().reshape([1, 1, 1]);
        }
        (h, activation::softmax(activation::tanh(scores), 2))
    }

    /// # Shapes
    /// - input: `[batch, 4, length]`
    /// - output: `[batch, filters]`
    pub fn forward(&self, x: Tensor<3>) -> Tensor<2> {
        let (h, weights) = self.features_and_attention(x);
        (h * weights).max_dim(2).squeeze_dim::<2>(2) // [batch, filters]
    }
}

/// Seed 000's multi-scale CNN: four [`AttentionBranch`]es (widths 3, 7, 15, 25; 64 filters
/// each), concatenated (256), dense 256 (relu) → batch norm → dropout 0.5, dense 128 (relu) →
/// batch norm → dropout 0.3, one logit.
///
/// Initialised and normalised as Keras builds it: Glorot uniform kernels, zero biases, batch
/// norm epsilon 1e-3 ([`keras_conv`], [`keras_dense`], [`keras_batch_norm`]).
#[cfg(feature = "burn")]
#[derive(Module, Debug)]
pub struct MultiScaleCnn {
    branches: Vec<AttentionBranch>,
    dense1: Linear,
    norm1: BatchNorm,
    dropout1: Dropout,
    dense2: Linear,
    norm2: BatchNorm,
    dropout2: Dropout,
    output: Linear,
}

#[cfg(feature = "burn")]
impl MultiScaleCnn {
    pub(crate) fn new(activation: Activation, rng: &mut ChaCha8Rng, device: &Device) -> Self {
        let branches = MULTISCALE_WIDTHS
            .iter()
            .map(|&w| AttentionBranch {
                conv: keras_conv(4, MULTISCALE_FILTERS, w, rng, device),
                activation,
                norm: keras_batch_norm(MULTISCALE_FILTERS, device),
                dropout: DropoutConfig::new(0.2).init(),
                score: keras_dense(MULTISCALE_FILTERS, 1, rng, device),
            })
            .collect();
        let merged = MULTISCALE_WIDTHS.len() * MULTISCALE_FILTERS;
        MultiScaleCnn {
            branches,
            dense1: keras_dense(merged, 256, rng, device),
            norm1: keras_batch_norm(256, device),
            dropout1: DropoutConfig::new(0.5).init(),
            dense2: keras_dense(256, 128, rng, device),
            norm2: keras_batch_norm(128, device),
            dropout2: DropoutConfig::new(0.3).init(),
            output: keras_dense(128, 1, rng, device),
        }
    }

    /// # Shapes
    /// - input: `[batch, 4, length]`
    /// - output: `[batch, 1]` (logits)
    pub fn forward(&self, x: Tensor<3>) -> Tensor<2> {
        let merged = Tensor::cat(self.branches.iter().map(|b| b.forward(x.clone())).collect(), 1); // [batch, 256]
        let h = dropout(&self.dropout1, self.norm1.forward(activation::relu(self.dense1.forward(merged))));
        let h = dropout(&self.dropout2, self.norm2.forward(activation::relu(self.dense2.forward(h))));
        self.output.forward(h)
    }

    /// Re-estimates the two dense batch norms' running statistics from `x` as the model
    /// predicts, without dropout: each becomes the mean and (biased) variance of its input over
    /// `x`, the second computed after the first is replaced. The convolution branches' norms,
    /// with no dropout before them, keep theirs.
    ///
    /// Why: in training, dropout scales what it keeps by `1 / (1 − p)`, so the inputs of
    /// `norm1` (after the branches' dropout 0.2 and the attention's max) and `norm2` (after
    /// dropout 0.5) have a larger variance than in inference, and the running statistics learned
    /// in training no longer fit what the model sees when it predicts: the "variance shift" of
    /// Li et al. 2019 (*Understanding the disharmony between dropout and batch normalization by
    /// variance shift*, CVPR). On lesson 10's plain settings natively (6,000 sequences, learning
    /// rate 0.003, seed 17), the validation loss rose from 0.71 after epoch 1 to 2.69 after
    /// epoch 10 while the validation AUROC climbed from 0.58 to 0.75, and every test sequence
    /// fell below probability 0.5 (accuracy 0.50). Re-estimating the statistics is the "precise
    /// batch norm" remedy; it changes no trained weight.
    ///
    /// `self` may be the training model or its inference copy: the statistics are computed with
    /// `self` in inference ([`Module::valid`]) and written to `self`'s running states.
    ///
    /// # Shapes
    /// - input: `[batch, 4, length]`, on the plain (inference) device
    pub fn recalibrate_dense_norms(&self, x: Tensor<3>) {
        let inference = self.clone().valid();
        let merged = Tensor::cat(inference.branches.iter().map(|b| b.forward(x.clone())).collect(), 1); // [batch, 256]
        let a1 = activation::relu(inference.dense1.forward(merged)); // [batch, 256]
        let (var1, mean1) = a1.clone().var_mean_bias(0);
        set_running_statistics(&inference.norm1, mean1.clone(), var1.clone());
        let a2 = activation::relu(inference.dense2.forward(inference.norm1.forward(a1))); // [batch, 128]
        let (var2, mean2) = a2.var_mean_bias(0);
        set_running_statistics(&self.norm1, mean1, var1);
        set_running_statistics(&self.norm2, mean2, var2);
    }

    /// Attention weights over positions of every branch, in [`MULTISCALE_WIDTHS`] order.
    ///
    /// # Shapes
    /// - input: `[batch, 4, length]`
    /// - output: `[branches, batch, length]`; each row sums to 1
    pub fn attention(&self, x: Tensor<3>) -> Tensor<3> {
        Tensor::stack(self.branches.iter().map(|b| b.features_and_attention(x.clone()).1.squeeze_dim::<2>(1)).collect(), 0)
    }
}

/// Replaces `norm`'s running mean and variance (`[1, features]` each, on any device).
#[cfg(feature = "burn")]
fn set_running_statistics(norm: &BatchNorm, mean: Tensor<2>, var: Tensor<2>) {
    // `update` queues the value for this thread; `value_sync` makes it the state's value.
    norm.running_mean.update(mean.squeeze_dim::<1>(0).detach());
    norm.running_var.update(var.squeeze_dim::<1>(0).detach());
    let _ = (norm.running_mean.value_sync(), norm.running_var.value_sync());
}

#[cfg(feature = "burn")]
#[cfg(test)]
mod tests {
    use burn::module::Module;
    use burn::tensor::{Distribution, Tensor};

    use super::{CNN_2, CNN_50, CNN_DEEP, CNN_DEEP_CODE, TASK1_DENSE_UNITS, TASK1_OUTPUTS, deep_output_length};
    use crate::backend::test_device;
    use crate::models::{Activation, Init, Model, ModelConfig, ModelKind};

    #[test]
    fn shapes_and_parameter_counts() {
        let device = test_device();
        for kind in [ModelKind::CnnLocal, ModelKind::CnnDist, ModelKind::MultiScale] {
            let config = ModelConfig::of_kind(kind, 200, Activation::Exp);
            let model = config.init(&device, 1).unwrap();
            // burn counts batch norm's running mean and variance too; ours counts trainable ones.
            let norm_features = match kind {
                ModelKind::CnnLocal => 24 + 96,
                ModelKind::CnnDist => 24 + 32 + 48 + 64 + 96,
                _ => 4 * 64 + 256 + 128,
            };
            assert_eq!(model.num_params(), config.num_params() + 2 * norm_features, "{kind}");
            let x = Tensor::<3>::random([3, 4, 200], Distribution::Bernoulli(0.25), &device);
            assert_eq!(model.forward(x.clone()).dims(), [3, 1], "{kind}");
            if kind == ModelKind::MultiScale {
                assert!(model.first_layer(x.clone()).is_none());
                let a = model.attention(x).unwrap();
                assert_eq!(a.dims(), [4, 3, 200]);
                let sums = a.sum_dim(2).into_data().try_to_vec::<f32>().unwrap();
                assert!(sums.iter().all(|s| (s - 1.0).abs() < 1e-4), "attention rows sum to 1: {sums:?}");
            } else {
                let (pre, post) = model.first_layer(x).unwrap();
                let width = config.filter_width;
                assert_eq!(pre.dims(), [3, 24, 200 - width + 1]);
                let (pre, post) = (pre.into_data().try_to_vec::<f32>().unwrap(), post.into_data().try_to_vec::<f32>().unwrap());
                assert!(pre.iter().zip(&post).all(|(a, b)| (a.exp() - b).abs() <= 1e-4 * b.abs().max(1.0)), "exp activation");
                assert_eq!(model.first_layer_weight().unwrap().dims(), [24, 4, width]);
            }
        }
        // By hand, CNN-local: conv 24·4·19 + 24, batch norm 48; 182 positions pool to 3:
        // dense 72·96 + 96, batch norm 192, output 97.
        assert_eq!(ModelConfig::cnn_local(200, Activation::Relu).num_params(), 1848 + 48 + 6912 + 96 + 192 + 97);
    }

    #[test]
    fn cnn_dist_code_follows_seed_003s_code() {
        // code/model_zoo/cnn_dist.py: 200 → conv 19 same → 200 → conv 7 same, pool 4 → 50 →
        // conv 7 valid, pool 4 → 11 → conv 3 valid, pool 3 → 3 positions of 64 channels.
        let spec = ModelKind::CnnDistCode.deep_spec().unwrap();
        let lengths: Vec<usize> = (1..=4).map(|k| deep_output_length(&super::DeepSpec { convs: &spec.convs[..k], ..spec }, 200)).collect();
        assert_eq!(lengths, [200, 50, 11, 3]);
        let config = ModelConfig::of_kind(ModelKind::CnnDistCode, 200, Activation::Exp);
        assert_eq!((config.num_filters, config.filter_width), (24, 19));
        // By hand: convs 1,848 + 5,408 + 10,800 + 9,280 with batch norms 48 + 64 + 96 + 128;
        // dense 192 · 96 + 96, batch norm 192; output 97.
        assert_eq!(config.num_params(), 1848 + 48 + 5408 + 64 + 10800 + 96 + 9280 + 128 + 18528 + 192 + 97);
        let device = test_device();
        let model = config.init(&device, 1).unwrap();
        assert_eq!(model.num_params(), config.num_params() + 2 * (24 + 32 + 48 + 64 + 96));
        let x = Tensor::<3>::random([3, 4, 200], Distribution::Bernoulli(0.25), &device);
        assert_eq!(model.forward(x.clone()).dims(), [3, 1]);
        // The first layer's maps keep the windows wholly inside the sequence.
        assert_eq!(model.first_layer(x).unwrap().0.dims(), [3, 24, 182]);
    }

    #[test]
    fn cnn_deep_code_follows_seed_003s_code() {
        // code/model_zoo/cnn_deep.py: 200 → conv 19 same → 200 → conv 7 same, pool 4 → 50 →
        // conv 7 valid, pool 4 → 11 → conv 3 valid, pool 3 → 3 positions of 128 channels.
        let spec = ModelKind::CnnDeepCode.deep_spec().unwrap();
        let lengths: Vec<usize> = (1..=4).map(|k| deep_output_length(&super::DeepSpec { convs: &spec.convs[..k], ..spec }, 200)).collect();
        assert_eq!(lengths, [200, 50, 11, 3]);
        let methods: Vec<usize> = (1..=4).map(|k| deep_output_length(&super::DeepSpec { convs: &CNN_DEEP[..k], ..spec }, 200)).collect();
        assert_eq!(methods, [200, 50, 12, 4], "the Methods' CNN-deep keeps 4 positions (512 inputs to the dense layer)");
        // By hand: convs 2,464 + 10,800 + 32,352 + 36,992 with batch norms 64 + 96 + 192 + 256;
        // dense 384 · 512 + 512, batch norm 1,024; output 512 · 12 + 12.
        let config = ModelConfig::of_kind(ModelKind::CnnDeepCode, 200, Activation::Relu);
        assert_eq!(config.num_params(), 2464 + 64 + 10800 + 96 + 32352 + 192 + 36992 + 256 + 197_120 + 1024 + 6156);
        assert!(ModelKind::CnnDeepCode.is_multitask() && ModelKind::CnnDeepCode.has_first_layer());
    }

    #[test]
    fn task1_models_have_12_outputs_and_windows_inside_the_sequence() {
        let device = test_device();
        for (kind, convs) in [(ModelKind::Cnn2, &CNN_2[..]), (ModelKind::Cnn50, &CNN_50[..]), (ModelKind::CnnDeep, &CNN_DEEP[..]), (ModelKind::CnnDeepCode, &CNN_DEEP_CODE[..])] {
            let config = ModelConfig::of_kind(kind, 200, Activation::Exp);
            assert_eq!((config.num_filters, config.filter_width), (32, 19), "{kind}");
            let model = config.init(&device, 1).unwrap();
            let norm_features: usize = convs.iter().map(|c| c.filters).sum::<usize>() + TASK1_DENSE_UNITS;
            assert_eq!(model.num_params(), config.num_params() + 2 * norm_features, "{kind}");
            let x = Tensor::<3>::random([2, 4, 200], Distribution::Bernoulli(0.25), &device);
            assert_eq!(model.forward(x.clone()).dims(), [2, TASK1_OUTPUTS], "{kind}");
            // The first layer is padded ("same"), but its maps keep only whole windows: 182.
            let (pre, _) = model.first_layer(x).unwrap();
            assert_eq!(pre.dims(), [2, 32, 182], "{kind}");
        }
        // By hand, CNN-2: 200 → pool 2 → 100 → conv (same) → pool 50 → 2 positions of 124
        // channels, so the dense layer takes 248 inputs: every position reaches it.
        let spec = ModelKind::Cnn2.deep_spec().unwrap();
        assert_eq!(deep_output_length(&spec, 200), 2);
        assert_eq!(deep_output_length(&ModelKind::Cnn50.deep_spec().unwrap(), 200), 2);
        assert_eq!(deep_output_length(&ModelKind::CnnDeep.deep_spec().unwrap(), 200), 4);
        let conv = 32 * 4 * 19 + 32 + 64 + 124 * 32 * 5 + 124 + 248;
        assert_eq!(ModelConfig::of_kind(ModelKind::Cnn2, 200, Activation::Relu).num_params(), conv + 248 * 512 + 512 + 1024 + 512 * 12 + 12);
    }

    #[test]
    fn too_short_for_the_pooling_is_refused() {
        let err = ModelConfig::cnn_dist(30, Activation::Relu).validate().unwrap_err();
        assert_eq!(err.to_string(), "sequence length = 30 is invalid: cnn-dist pools it to nothing; it needs sequences of at least 42 nt");
        assert!(ModelConfig::cnn_local(68, Activation::Relu).validate().is_ok());
        assert!(ModelConfig::cnn_local(67, Activation::Relu).validate().is_err());
    }

    #[test]
    fn inference_uses_running_statistics_and_no_dropout() {
        let device = test_device();
        let model = ModelConfig::cnn_dist(200, Activation::Relu).init(&device, 3).unwrap().valid();
        let x = Tensor::<3>::random([4, 4, 200], Distribution::Bernoulli(0.25), &device);
        let a = model.forward(x.clone()).into_data().try_to_vec::<f32>().unwrap();
        let b = model.forward(x.clone()).into_data().try_to_vec::<f32>().unwrap();
        assert_eq!(a, b, "no dropout at inference");
        // Batch-independent: one sequence alone gives the same output as in a batch.
        let one = model.forward(x.slice([0..1])).into_data().try_to_vec::<f32>().unwrap();
        assert!((one[0] - a[0]).abs() < 1e-5, "{} vs {}", one[0], a[0]);
        let Model::Deep(_) = model else { panic!("CNN-dist is a deep CNN") };
    }

    #[test]
    fn recalibration_fits_the_dense_norms_to_the_model_as_it_predicts() {
        let device = test_device().autodiff();
        let Model::MultiScale(model) = ModelConfig::multiscale(200, Activation::Relu).init(&device, 5).unwrap() else { panic!("the multi-scale CNN") };
        let x = Tensor::<3>::random([64, 4, 200], Distribution::Bernoulli(0.25), &test_device());
        // Statistics that do not fit: as if training had seen inputs around 1.
        super::set_running_statistics(&model.norm1, Tensor::ones([1, 256], &device), Tensor::ones([1, 256], &device));
        // norm1's input and output over `x` in inference, `[64, 256]` each.
        let dense1 = |m: &super::MultiScaleCnn| {
            let m = m.clone().valid();
            let merged = Tensor::cat(m.branches.iter().map(|b| b.forward(x.clone())).collect(), 1);
            let a = burn::tensor::activation::relu(m.dense1.forward(merged));
            (a.clone(), m.norm1.forward(a))
        };
        let column_means = |t: Tensor<2>| t.mean_dim(0).into_data().try_to_vec::<f32>().unwrap();
        let worst = |v: Vec<f32>| v.iter().fold(0f32, |m, a| m.max(a.abs()));
        let (_, before) = dense1(&model);
        model.recalibrate_dense_norms(x.clone());
        let (a, after) = dense1(&model);
        // The running mean is now the input's mean over `x`, read by the inference copy of the
        // training model, so the normalised output is centred on beta (0 at initialisation).
        let running = model.norm1.running_mean.value_sync().into_data().try_to_vec::<f32>().unwrap();
        let means = column_means(a);
        assert!(means.iter().zip(&running).all(|(m, r)| (m - r).abs() < 1e-4), "{:?} vs {:?}", &means[..4], &running[..4]);
        assert!(worst(column_means(after)) < 1e-3, "centred after recalibration");
        assert!(worst(column_means(before)) > 0.5, "not centred before: the statistics set above are off");
    }

    #[test]
    fn recalibration_fits_every_norm_of_cnn_dist_to_the_model_as_it_predicts() {
        let device = test_device().autodiff();
        let Model::Deep(model) = ModelConfig::cnn_dist(200, Activation::Relu).init(&device, 5).unwrap() else { panic!("CNN-dist is a deep CNN") };
        let x = Tensor::<3>::random([64, 4, 200], Distribution::Bernoulli(0.25), &test_device());
        // Every norm's output over `x` in inference, flattened to `[values, channels]`: the conv
        // blocks' per channel over the batch and positions, the dense block's per unit.
        let normalised = |m: &super::DeepCnn| {
            let m = m.clone().valid();
            let mut h = x.clone();
            let mut outs = Vec::new();
            for block in &m.blocks {
                let y = block.norm.forward(block.conv.forward(h.clone())); // [batch, filters, positions]
                let [_, filters, _] = y.dims();
                outs.push(y.swap_dims(1, 2).reshape([-1, filters as i32]));
                h = block.forward(h);
            }
            outs.push(m.hidden.norm.forward(m.hidden.linear.forward(h.flatten::<2>(1, 2))));
            outs
        };
        // The largest |mean| and |variance − 1| over the channels of one norm's output.
        let off = |t: Tensor<2>| {
            let (var, mean) = t.var_mean_bias(0);
            let worst = |t: Tensor<2>, by: f32| t.into_data().try_to_vec::<f32>().unwrap().iter().fold(0f32, |m, v| m.max((v - by).abs()));
            (worst(mean, 0.0), worst(var, 1.0))
        };
        let before: Vec<(f32, f32)> = normalised(&model).into_iter().map(off).collect();
        model.recalibrate_norms(x.clone());
        let after: Vec<(f32, f32)> = normalised(&model).into_iter().map(off).collect();
        assert_eq!(after.len(), 5, "four conv blocks and the dense block");
        for (i, &(mean, var)) in after.iter().enumerate() {
            // Batch norm's epsilon (1e-5) keeps a channel of small variance a little under 1.
            assert!(mean < 1e-3 && var < 0.05, "norm {i}: |mean| {mean}, |var − 1| {var} after recalibration");
        }
        // At initialisation (running mean 0, variance 1) the first norm's input is far from
        // those: recalibration is what centres it.
        assert!(before[0].0 > 0.05 || before[0].1 > 0.2, "norm 0 before: {:?}", before[0]);
    }

    #[test]
    fn glorot_draws_keras_kernels_and_zero_biases() {
        let device = test_device();
        let values = |t: Tensor<1>| t.into_data().try_to_vec::<f32>().unwrap();
        let config = ModelConfig { init: Init::Glorot, ..ModelConfig::of_kind(ModelKind::CnnDeep, 200, Activation::Exp) };
        let Model::Deep(glorot) = config.init(&device, 7).unwrap() else { panic!("CNN-deep is a deep CNN") };
        for (i, block) in glorot.blocks.iter().enumerate() {
            let [out, inp, width] = block.conv.weight.dims();
            let bound = (6.0 / ((inp + out) * width) as f32).sqrt();
            let w = values(block.conv.weight.val().flatten::<1>(0, 2));
            let max = w.iter().fold(0f32, |m, v| m.max(v.abs()));
            // Uniform in ±bound: the largest of thousands of draws comes close to it.
            assert!(max <= bound && max > 0.9 * bound, "layer {i}: largest |w| {max}, Glorot bound {bound}");
            assert!(values(block.conv.bias.as_ref().unwrap().val()).iter().all(|&b| b == 0.0), "layer {i}: bias 0");
        }
        assert!(values(glorot.hidden.linear.bias.as_ref().unwrap().val()).iter().all(|&b| b == 0.0));
        assert!(values(glorot.output.bias.as_ref().unwrap().val()).iter().all(|&b| b == 0.0));
        // PyTorch's draw keeps its biases, and a record without the setting reads as PyTorch's.
        let Model::Deep(pytorch) = ModelConfig { init: Init::Pytorch, ..config.clone() }.init(&device, 7).unwrap() else { panic!() };
        assert!(values(pytorch.blocks[0].conv.bias.as_ref().unwrap().val()).iter().any(|&b| b != 0.0));
        let old: ModelConfig = serde_json::from_str(r#"{"kind":"cnndist","seq_len":200,"num_filters":24,"filter_width":7,"activation":"exp"}"#).unwrap();
        assert_eq!(old.init, Init::Pytorch);
        assert_eq!("glorot".parse::<Init>().unwrap(), Init::Glorot);
    }
}
