//! The models of seed 002, Part 3: a linear model and a one-layer CNN, with the first-layer
//! activation as a choice (seed 003 compares relu, exp and others).
//!
//! Inputs are one-hot DNA, `[batch, 4, length]` (burn's `Conv1d` layout). The 8-mer models output
//! one score per sequence, `[batch, 1]`. [`Model`] also holds the 200-nt classifiers of
//! [`crate::deep`], which output logits, `[batch, outputs]` with [`ModelKind::outputs`] per
//! sequence: 12 for seed 003's Task 1 models (one per transcription factor), 1 for the others.

#[cfg(feature = "burn")]
use burn::module::Module;
#[cfg(feature = "burn")]
use burn::nn::Initializer;
#[cfg(feature = "burn")]
use rand::SeedableRng;
#[cfg(feature = "burn")]
use rand::rngs::ChaCha8Rng;
#[cfg(feature = "burn")]
use burn::nn::conv::{Conv1d, Conv1dConfig};
#[cfg(feature = "burn")]
use burn::nn::Linear;
#[cfg(feature = "burn")]
use burn::optim::GradientsParams;
#[cfg(feature = "burn")]
use burn::tensor::{Device, Int, Tensor, TensorData};
#[cfg(feature = "burn")]
use crate::cnn_step::{CnnGradients, CnnParams};
use serde::{Deserialize, Serialize};

use crate::choice::named_choice;
use crate::deep::{CNN_2, CNN_50, CNN_DEEP, CNN_DEEP_CODE, CNN_DIST, CNN_DIST_CODE, CNN_LOCAL, ConvSpec, DENSE_DROPOUT, DENSE_UNITS, DeepSpec, MULTISCALE_FILTERS, MULTISCALE_WIDTHS, TASK1_DENSE_UNITS, TASK1_OUTPUTS, deep_output_length};
#[cfg(feature = "burn")]
use crate::deep::{DeepCnn, MultiScaleCnn};
#[cfg(feature = "burn")]
use crate::layers::{dense_with, glorot_param, uniform_param};
use crate::error::{Error, Result};
pub use crate::layers::{Activation, Init};

/// Which architecture to build. The first two take 8-mers (seed 002); the rest classify 200-nt
/// sequences ([`crate::deep`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum ModelKind {
    /// Flatten `4 · L` → 1 (seed 002, `DNA_Linear`).
    Linear,
    /// Conv1d → activation → flatten → Linear (seed 002, `DNA_CNN`).
    #[default]
    Cnn,
    /// Seed 003's CNN-local: one convolution (24 × 19) with a large max-pool (50).
    CnnLocal,
    /// Seed 003's CNN-dist: four convolutions (24 × 7 first) with small max-pools.
    CnnDist,
    /// Seed 003's CNN-dist as its published code builds it (24 × 19 first, "same" padding;
    /// [`crate::deep::CNN_DIST_CODE`]).
    CnnDistCode,
    /// Seed 000's multi-scale CNN with attention pooling.
    MultiScale,
    /// Seed 003's CNN-2 for Task 1: 32 × 19 first, max-pool 2, 12 outputs.
    Cnn2,
    /// Seed 003's CNN-50 for Task 1: 32 × 19 first, max-pool 50, 12 outputs.
    Cnn50,
    /// Seed 003's CNN-deep for Task 1: four convolutions (32 × 19 first), 12 outputs.
    CnnDeep,
    /// Seed 003's CNN-deep as its published code builds it (48 × 7 "same", then 96 × 7 and
    /// 128 × 3 "valid"; [`crate::deep::CNN_DEEP_CODE`]).
    CnnDeepCode,
}

named_choice!(ModelKind, "model", {
    Linear => "linear",
    Cnn => "cnn",
    CnnLocal => "cnn-local",
    CnnDist => "cnn-dist",
    CnnDistCode => "cnn-dist-code",
    MultiScale => "multiscale",
    Cnn2 => "cnn-2",
    Cnn50 => "cnn-50",
    CnnDeep => "cnn-deep",
    CnnDeepCode => "cnn-deep-code",
});

impl ModelKind {
    /// True for the 200-nt classifiers, which output logits.
    pub fn is_classifier(self) -> bool {
        !matches!(self, ModelKind::Linear | ModelKind::Cnn)
    }

    /// True for seed 003's Task 1 models, which output 12 logits (one per transcription factor).
    pub fn is_multitask(self) -> bool {
        matches!(self, ModelKind::Cnn2 | ModelKind::Cnn50 | ModelKind::CnnDeep | ModelKind::CnnDeepCode)
    }

    /// Outputs per sequence: 12 for the Task 1 models, 1 otherwise.
    pub fn outputs(self) -> usize {
        if self.is_multitask() { TASK1_OUTPUTS } else { 1 }
    }

    /// The seed-003 architecture, for CNN-local, CNN-dist, CNN-2, CNN-50 and CNN-deep.
    pub fn deep_spec(self) -> Option<DeepSpec> {
        let task3 = |convs: &'static [ConvSpec]| DeepSpec { convs, dense_units: DENSE_UNITS, dense_dropout: DENSE_DROPOUT, outputs: 1 };
        let task1 = |convs: &'static [ConvSpec]| DeepSpec { convs, dense_units: TASK1_DENSE_UNITS, dense_dropout: DENSE_DROPOUT, outputs: TASK1_OUTPUTS };
        match self {
            ModelKind::CnnLocal => Some(task3(&CNN_LOCAL)),
            ModelKind::CnnDist => Some(task3(&CNN_DIST)),
            ModelKind::CnnDistCode => Some(task3(&CNN_DIST_CODE)),
            ModelKind::Cnn2 => Some(task1(&CNN_2)),
            ModelKind::Cnn50 => Some(task1(&CNN_50)),
            ModelKind::CnnDeep => Some(task1(&CNN_DEEP)),
            ModelKind::CnnDeepCode => Some(task1(&CNN_DEEP_CODE)),
            _ => None,
        }
    }

    /// True for the models with one first layer of filters, whose kernel
    /// [`Model::first_layer_weight`] returns and [`crate::settings::L2_FIRST`] penalises: every
    /// model but the linear one and seed 000's multi-scale CNN (three parallel first layers).
    pub fn has_first_layer(self) -> bool {
        !matches!(self, ModelKind::Linear | ModelKind::MultiScale)
    }

    /// The seed-003 layer specs (see [`ModelKind::deep_spec`]).
    pub fn conv_specs(self) -> Option<&'static [ConvSpec]> {
        self.deep_spec().map(|s| s.convs)
    }
}

/// Hyperparameters of a model. Defaults are seed 002's CNN: 32 filters of width 3, relu.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelConfig {
    /// Architecture.
    pub kind: ModelKind,
    /// Input length L in bases.
    pub seq_len: usize,
    /// Number of first-layer filters (CNN only).
    pub num_filters: usize,
    /// Filter width in bases (CNN only).
    pub filter_width: usize,
    /// First-layer activation (CNN only).
    pub activation: Activation,
    /// How the initial weights are drawn (records written before this setting read as
    /// [`Init::Pytorch`]). The multi-scale model ignores it: it is always drawn as Keras
    /// draws seed 000's model.
    #[serde(default)]
    pub init: Init,
    /// Logits per sequence when not the kind's own ([`ModelKind::outputs`]): `Some(1)` for a
    /// Task 1 architecture trained on one label, as lesson 13's uploads do (issue 27). Records
    /// written before this setting read as `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outputs: Option<usize>,
}

impl ModelConfig {
    /// Seed 002's CNN for sequences of length `seq_len`: 32 filters, width 3, relu.
    pub fn cnn(seq_len: usize) -> Self {
        ModelConfig { kind: ModelKind::Cnn, seq_len, num_filters: 32, filter_width: 3, activation: Activation::Relu, init: Init::Pytorch, outputs: None }
    }

    /// Seed 003's CNN-local (24 filters of width 19) for `seq_len` nt, first-layer `activation`.
    pub fn cnn_local(seq_len: usize, activation: Activation) -> Self {
        ModelConfig { kind: ModelKind::CnnLocal, seq_len, num_filters: CNN_LOCAL[0].filters, filter_width: CNN_LOCAL[0].width, activation, init: Init::Pytorch, outputs: None }
    }

    /// Seed 003's CNN-dist (24 first-layer filters of width 7) for `seq_len` nt.
    pub fn cnn_dist(seq_len: usize, activation: Activation) -> Self {
        ModelConfig { kind: ModelKind::CnnDist, seq_len, num_filters: CNN_DIST[0].filters, filter_width: CNN_DIST[0].width, activation, init: Init::Pytorch, outputs: None }
    }

    /// Seed 000's multi-scale CNN for `seq_len` nt (4 branches of 64 filters; the widest, 25,
    /// is recorded as `filter_width`). Seed 000 uses relu.
    pub fn multiscale(seq_len: usize, activation: Activation) -> Self {
        ModelConfig { kind: ModelKind::MultiScale, seq_len, num_filters: MULTISCALE_FILTERS, filter_width: 25, activation, init: Init::Pytorch, outputs: None }
    }

    /// The model of `kind` with its seed's defaults for `seq_len` nt and `activation`.
    pub fn of_kind(kind: ModelKind, seq_len: usize, activation: Activation) -> Self {
        match kind {
            ModelKind::Linear => ModelConfig { activation, ..Self::linear(seq_len) },
            ModelKind::Cnn => ModelConfig { activation, ..Self::cnn(seq_len) },
            ModelKind::CnnLocal => Self::cnn_local(seq_len, activation),
            ModelKind::CnnDist => Self::cnn_dist(seq_len, activation),
            ModelKind::MultiScale => Self::multiscale(seq_len, activation),
            ModelKind::CnnDistCode | ModelKind::Cnn2 | ModelKind::Cnn50 | ModelKind::CnnDeep | ModelKind::CnnDeepCode => {
                let first = kind.conv_specs().expect("deep kinds have specs")[0];
                ModelConfig { kind, seq_len, num_filters: first.filters, filter_width: first.width, activation, init: Init::Pytorch, outputs: None }
            }
        }
    }

    /// The same model with `outputs` logits per sequence (1 for one label, whatever the kind).
    pub fn with_outputs(self, outputs: usize) -> Self {
        let outputs = (outputs != self.kind.outputs()).then_some(outputs);
        ModelConfig { outputs, ..self }
    }

    /// Logits per sequence: [`ModelConfig::outputs`]'s override, else the kind's own.
    pub fn num_outputs(&self) -> usize {
        self.outputs.unwrap_or(self.kind.outputs())
    }

    /// The seed-003 architecture ([`ModelKind::deep_spec`]) with [`ModelConfig::num_outputs`].
    pub fn deep_spec(&self) -> Option<DeepSpec> {
        self.kind.deep_spec().map(|spec| DeepSpec { outputs: self.num_outputs(), ..spec })
    }

    /// Whether weights saved from a model of `other` load into one of `self`: every setting
    /// equal but the initialisation, which only decides the starting weights.
    pub fn same_layers(&self, other: &ModelConfig) -> bool {
        *self == ModelConfig { init: self.init, ..other.clone() }
    }

    /// Seed 002's linear model for sequences of length `seq_len`.
    pub fn linear(seq_len: usize) -> Self {
        ModelConfig { kind: ModelKind::Linear, ..Self::cnn(seq_len) }
    }

    /// Check the hyperparameters.
    ///
    /// # Errors
    /// [`Error::Hyperparameter`] for a zero length, zero filters, a filter wider than the input,
    /// or sequences too short for a deep model's pooling.
    pub fn validate(&self) -> Result<()> {
        if self.seq_len == 0 {
            return Err(Error::Hyperparameter { name: "sequence length", value: 0, reason: "it must be at least 1".into() });
        }
        if let Some(spec) = self.kind.deep_spec() {
            if deep_output_length(&spec, self.seq_len) == 0 {
                return Err(Error::Hyperparameter {
                    name: "sequence length",
                    value: self.seq_len,
                    reason: format!("{} pools it to nothing; it needs sequences of at least {} nt", self.kind, min_length(&spec)),
                });
            }
        }
        if self.kind == ModelKind::MultiScale && self.seq_len < 25 {
            return Err(Error::Hyperparameter { name: "sequence length", value: self.seq_len, reason: "multiscale needs at least 25 nt, its widest kernel".into() });
        }
        if self.kind == ModelKind::Cnn {
            if self.num_filters == 0 || self.num_filters > 1024 {
                return Err(Error::Hyperparameter { name: "num_filters", value: self.num_filters, reason: "it must be between 1 and 1024".into() });
            }
            if self.filter_width == 0 || self.filter_width > self.seq_len {
                return Err(Error::Hyperparameter {
                    name: "filter_width",
                    value: self.filter_width,
                    reason: format!("it must be between 1 and the sequence length ({})", self.seq_len),
                });
            }
        }
        Ok(())
    }

    /// Number of trainable parameters the model will have (batch norm's running statistics,
    /// which burn's `Module::num_params` also counts, are not trained).
    pub fn num_params(&self) -> usize {
        match self.kind {
            ModelKind::Linear => 4 * self.seq_len + 1,
            ModelKind::Cnn => {
                let conv = self.num_filters * 4 * self.filter_width + self.num_filters;
                let out_len = self.seq_len - self.filter_width + 1;
                conv + self.num_filters * out_len + 1
            }
            ModelKind::CnnLocal | ModelKind::CnnDist | ModelKind::CnnDistCode | ModelKind::Cnn2 | ModelKind::Cnn50 | ModelKind::CnnDeep | ModelKind::CnnDeepCode => {
                let deep = self.deep_spec().expect("deep kinds have specs");
                let mut channels = 4;
                let mut n = 0;
                for spec in deep.convs {
                    n += spec.filters * channels * spec.width + spec.filters + 2 * spec.filters; // conv + batch norm
                    channels = spec.filters;
                }
                let (units, outputs) = (deep.dense_units, deep.outputs);
                let flat = channels * deep_output_length(&deep, self.seq_len);
                n + flat * units + units + 2 * units + units * outputs + outputs
            }
            ModelKind::MultiScale => {
                let f = MULTISCALE_FILTERS;
                let branches: usize = MULTISCALE_WIDTHS.iter().map(|w| f * 4 * w + f + 2 * f + f + 1).sum();
                let merged = MULTISCALE_WIDTHS.len() * f;
                branches + merged * 256 + 256 + 2 * 256 + 256 * 128 + 128 + 2 * 128 + 128 + 1
            }
        }
    }

    /// Build the model with fresh weights drawn from `seed`.
    ///
    /// Every weight and bias is uniform in ±1/√fan_in, PyTorch's default for `Conv1d` and
    /// `Linear` (and burn's), drawn on the host from ChaCha8 seeded by `seed` and then put on
    /// `device`. So the same seed gives the same starting weights on every device and platform:
    /// CPU and GPU runs differ only by floating-point rounding.
    ///
    /// # Errors
    /// As [`ModelConfig::validate`].
    #[cfg(feature = "burn")]
    pub fn init(&self, device: &Device, seed: u64) -> Result<Model> {
        self.validate()?;
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        Ok(match self.kind {
            ModelKind::Linear => Model::Linear(LinearModel { linear: dense_with(self.init, 4 * self.seq_len, 1, &mut rng, device) }),
            ModelKind::Cnn => {
                let out_len = self.seq_len - self.filter_width + 1;
                let mut conv = Conv1dConfig::new(4, self.num_filters, self.filter_width).with_initializer(Initializer::Zeros).init(device);
                let (fan_in, shape) = (4 * self.filter_width, [self.num_filters, 4, self.filter_width]);
                match self.init {
                    Init::Pytorch => {
                        conv.weight = uniform_param(shape, fan_in, &mut rng, device);
                        conv.bias = Some(uniform_param([self.num_filters], fan_in, &mut rng, device));
                    }
                    Init::Glorot => conv.weight = glorot_param(shape, fan_in, self.num_filters * self.filter_width, &mut rng, device),
                }
                Model::Cnn(CnnModel { conv, activation: self.activation, linear: dense_with(self.init, self.num_filters * out_len, 1, &mut rng, device) })
            }
            ModelKind::CnnLocal | ModelKind::CnnDist | ModelKind::CnnDistCode | ModelKind::Cnn2 | ModelKind::Cnn50 | ModelKind::CnnDeep | ModelKind::CnnDeepCode => {
                let spec = self.deep_spec().expect("deep kinds have specs");
                Model::Deep(DeepCnn::new(&spec, self.seq_len, self.activation, self.init, &mut rng, device))
            }
            ModelKind::MultiScale => Model::MultiScale(MultiScaleCnn::new(self.activation, &mut rng, device)),
        })
    }
}

/// Shortest input a deep model's pooling leaves at least one position of.
fn min_length(spec: &DeepSpec) -> usize {
    (1..=100_000).find(|&len| deep_output_length(spec, len) > 0).unwrap_or(usize::MAX)
}

/// Where each window entry of a flattened `[channels, length]` input comes from: entry
/// `p · channels · width + c · width + j` of the unfolded windows is input element
/// `c · length + p + j` (position `p + j` of channel `c`).
///
/// `positions · channels · width` indices with `positions = length − width + 1`, so the unfold
/// grows linearly with the length (the 0/1 gather matrix it replaces grew with its square).
pub fn window_indices(channels: usize, length: usize, width: usize) -> Vec<i64> {
    let positions = (length + 1).saturating_sub(width);
    let mut idx = Vec::with_capacity(positions * channels * width);
    for p in 0..positions {
        for c in 0..channels {
            for j in 0..width {
                idx.push((c * length + p + j) as i64);
            }
        }
    }
    idx
}

/// Symbols a window of [`CnnModel::forward_codes`] is spelled in: A, C, G, T and N
/// ([`crate::sequence::OneHot::base_codes`]).
pub(crate) const CODE_SYMBOLS: usize = 5;

/// The 0/1 matrix that spells every window of `width` base codes as its one-hot input,
/// `[5^width, 4 · width]` row-major: row `r` (its codes the base-5 digits of `r`, the window's
/// first base most significant) has a 1 at `c · width + j` when base `j` is channel `c`, and no
/// 1 for an N. Times the kernel (`[4 · width, filters]`) it gives every window's response.
pub fn window_table(width: usize) -> Vec<f32> {
    let rows = CODE_SYMBOLS.pow(width as u32);
    let mut table = vec![0.0; rows * 4 * width];
    let mut codes = vec![0; width];
    for r in 0..rows {
        spell(r, &mut codes);
        for (j, &code) in codes.iter().enumerate() {
            if code < 4 {
                table[r * 4 * width + code * width + j] = 1.0;
            }
        }
    }
    table
}

/// The base codes of spelling `r` into `codes` (its width): the base-5 digits of `r`, the
/// window's first base most significant, the order of [`window_table`]'s rows and
/// [`window_rows`]'s indices.
pub(crate) fn spell(r: usize, codes: &mut [usize]) {
    let mut digits = r;
    for code in codes.iter_mut().rev() {
        *code = digits % CODE_SYMBOLS;
        digits /= CODE_SYMBOLS;
    }
}

/// Each window's row in [`window_table`], position-major (`b · positions + p`), from the base
/// codes of `batch` sequences of `length` (`[batch, length]` row-major, 0 to 4).
pub fn window_rows(codes: &[u8], length: usize, width: usize) -> Vec<i64> {
    let positions = (length + 1).saturating_sub(width);
    let mut rows = Vec::with_capacity(codes.len() / length.max(1) * positions);
    for sequence in codes.chunks_exact(length.max(1)) {
        for p in 0..positions {
            rows.push(sequence[p..p + width].iter().fold(0i64, |r, &code| r * CODE_SYMBOLS as i64 + i64::from(code)));
        }
    }
    rows
}

/// Seed 002's `DNA_Linear`: one weight per base per position.
#[cfg(feature = "burn")]
#[derive(Module, Debug)]
pub struct LinearModel {
    linear: Linear,
}

#[cfg(feature = "burn")]
impl LinearModel {
    /// # Shapes
    /// - input: `[batch, 4, length]`
    /// - output: `[batch, 1]`
    pub fn forward(&self, x: Tensor<3>) -> Tensor<2> {
        let x = x.flatten::<2>(1, 2); // [batch, 4 · length]
        self.linear.forward(x) // [batch, 1]
    }

    /// The weights, `[4 · length, 1]`: row `base · length + position` weighs that one-hot input.
    pub fn weight(&self) -> Tensor<2> {
        self.linear.weight.val()
    }
}

/// Seed 002's `DNA_CNN`: Conv1d 4 → num_filters (width w, no padding), activation, flatten,
/// Linear → 1.
#[cfg(feature = "burn")]
#[derive(Module, Debug)]
pub struct CnnModel {
    conv: Conv1d,
    #[module(skip)]
    activation: Activation,
    linear: Linear,
}

#[cfg(feature = "burn")]
impl CnnModel {
    /// The first layer's convolution, `conv1d(x, weight) + bias` with burn's `Conv1d`
    /// parameters, computed position-major as an unfold and one matrix product.
    ///
    /// An index select unfolds every window of the flattened input (`[4 · length]` →
    /// `[positions · 4 · width]`, [`window_indices`]), and one product with the kernel scores
    /// all windows. The result equals `Conv1d::forward` with its last two axes swapped (checked
    /// in the tests), and it trains several times faster on the CPU backends, whose convolution
    /// backward pass is dominated by layout copies on inputs this small (docs/performance.md).
    /// The unfold does no arithmetic (the 0/1 gather matrix it replaced spent half the forward
    /// pass's multiply-adds) and its memory grows linearly with the length. The input needs no
    /// gradient while training, so the backward pass is two matrix products of the kernel.
    ///
    /// # Shapes
    /// - input: `[batch, 4, length]`
    /// - output: `[batch, length − width + 1, num_filters]`
    pub fn convolve_position_major(&self, x: Tensor<3>) -> Tensor<3> {
        let [batch, channels, length] = x.dims();
        let width = self.conv.kernel_size;
        let positions = length + 1 - width;
        let weight = self.conv.weight.val(); // [filters, 4, width]
        let [filters, _, _] = weight.dims();
        let indices = Tensor::<1, Int>::from_data(TensorData::new(window_indices(channels, length, width), [positions * channels * width]), &x.device());
        let windows = x
            .reshape([batch, channels * length]) // [batch, 4 · length]
            .select(1, indices) // [batch, positions · 4 · width]
            .reshape([batch * positions, channels * width]); // [batch · positions, 4 · width]
        let kernel = weight.reshape([filters, channels * width]).transpose(); // [4 · width, filters]
        let mut out = windows.matmul(kernel); // [batch · positions, filters]
        if let Some(bias) = &self.conv.bias {
            out = out + bias.val().unsqueeze::<2>(); // [1, filters] broadcast
        }
        out.reshape([batch, positions, filters])
    }

    /// Whether [`CnnModel::forward_codes`] does less work than [`CnnModel::forward`] on `batch`
    /// sequences of `length`: its table (5^width windows) has fewer rows than the batch has
    /// windows. True for seed 002's width of 3 (125 rows against 768 windows in a batch of 128
    /// 8-mers); false from width 5 at that batch. Only on the CPU devices: on burn-wgpu the
    /// backward pass's scatter of each window's gradient into its row is not measured here.
    pub fn table_pays(&self, batch: usize, length: usize) -> bool {
        let width = self.conv.kernel_size;
        width <= 8
            && CODE_SYMBOLS.pow(width as u32) < batch * (length + 1).saturating_sub(width)
            && crate::backend::is_cpu_device(&self.conv.weight.val().device())
    }

    /// [`CnnModel::forward`] of one-hot input given as base codes
    /// ([`crate::sequence::OneHot::base_codes`]), for training, where the input needs no
    /// gradient. Every window of a one-hot input is one of 5^width spellings (A, C, G, T, N at
    /// each base), so the kernel scores the [`window_table`] once and each window picks its row
    /// ([`window_rows`]): for seed 002's 8-mers (width 3, batches of 128) a `[125, 12]` by
    /// `[12, 32]` product instead of `[768, 12]` by `[12, 32]`, and a backward pass that adds
    /// each window's gradient into its row. The result equals [`CnnModel::forward`] up to the
    /// order of the sums (checked in the tests). With the trainer's codes, seed 002's epoch
    /// took 14% less time natively and 20 to 31% less in wasm (docs/performance.md). The
    /// trainer now takes the MSE-trained, single-output CNN's steps by hand
    /// ([`crate::cnn_step`]); this pass serves the binary cross-entropy loss.
    ///
    /// # Shapes
    /// - `codes`: `[batch, length]` row-major, 0 to 4
    /// - output: `[batch, 1]`
    pub fn forward_codes(&self, codes: &[u8], length: usize) -> Tensor<2> {
        let width = self.conv.kernel_size;
        let batch = codes.len() / length.max(1);
        let positions = (length + 1).saturating_sub(width);
        let weight = self.conv.weight.val(); // [filters, 4, width]
        let [filters, channels, _] = weight.dims();
        let device = weight.device();
        let table_rows = CODE_SYMBOLS.pow(width as u32);
        let table = Tensor::<2>::from_data(TensorData::new(window_table(width), [table_rows, channels * width]), &device);
        let rows = Tensor::<1, Int>::from_data(TensorData::new(window_rows(codes, length, width), [batch * positions]), &device);
        let kernel = weight.reshape([filters, channels * width]).transpose(); // [4 · width, filters]
        let mut out = table.matmul(kernel).select(0, rows); // [batch · positions, filters]
        if let Some(bias) = &self.conv.bias {
            out = out + bias.val().unsqueeze::<2>(); // [1, filters] broadcast
        }
        let x = self.activation.apply(out.reshape([batch, positions, filters]));
        self.linear.forward(x.flatten::<2>(1, 2)) // [batch, 1]
    }

    /// Outputs per sequence: 1 for seed 002's CNN.
    pub fn outputs(&self) -> usize {
        self.linear.weight.dims()[1]
    }

    /// The parameters, read back to the host for the hand-written training step of
    /// [`crate::cnn_step`], which is for a single-output model ([`CnnModel::outputs`]; the
    /// dense layer's first column otherwise).
    ///
    /// # Errors
    /// [`Error::Device`] when a read-back fails.
    pub async fn host_params(&self) -> Result<CnnParams> {
        use crate::trainer::readback::read_vec;
        let [filters, _, width] = self.conv.weight.dims();
        let conv_bias = match &self.conv.bias {
            Some(b) => read_vec(b.val()).await?,
            None => vec![0.0; filters],
        };
        let [inputs, outputs] = self.linear.weight.dims();
        let dense = read_vec(self.linear.weight.val()).await?.iter().step_by(outputs.max(1)).copied().collect::<Vec<_>>();
        debug_assert_eq!(dense.len(), inputs);
        let dense_bias = match &self.linear.bias {
            Some(b) => read_vec(b.val()).await?.first().copied().unwrap_or(0.0),
            None => 0.0,
        };
        Ok(CnnParams { kernel: read_vec(self.conv.weight.val()).await?, conv_bias, dense, dense_bias, filters, width, activation: self.activation })
    }

    /// `gradients` as burn's optimizer takes them: a tensor per parameter on the plain (not
    /// autodiff) `device`, registered under the parameter's id. For a single-output model.
    pub fn gradients_params(&self, gradients: CnnGradients, device: &Device) -> GradientsParams {
        let CnnGradients { kernel, conv_bias, dense, dense_bias } = gradients;
        let mut params = GradientsParams::new();
        params.register(self.conv.weight.id, Tensor::<3>::from_data(TensorData::new(kernel, self.conv.weight.dims()), device));
        if let Some(b) = &self.conv.bias {
            params.register(b.id, Tensor::<1>::from_data(TensorData::new(conv_bias, b.dims()), device));
        }
        params.register(self.linear.weight.id, Tensor::<2>::from_data(TensorData::new(dense, self.linear.weight.dims()), device));
        if let Some(b) = &self.linear.bias {
            params.register(b.id, Tensor::<1>::from_data(TensorData::new(vec![dense_bias], b.dims()), device));
        }
        params
    }

    /// First-layer filter responses before and after the activation.
    ///
    /// # Shapes
    /// - input: `[batch, 4, length]`
    /// - output: `[batch, num_filters, length − width + 1]` each (burn's `Conv1d` layout)
    pub fn first_layer(&self, x: Tensor<3>) -> (Tensor<3>, Tensor<3>) {
        let pre = self.convolve_position_major(x).swap_dims(1, 2); // [batch, filters, length − width + 1]
        let post = self.activation.apply(pre.clone());
        (pre, post)
    }

    /// Seed 002's `DNA_CNN` forward pass. The activations are flattened position-major
    /// (`[positions, filters]`) rather than PyTorch's filter-major order: the linear layer sees
    /// the same numbers in another order, so the model is the same up to a permutation of its
    /// last layer's weights.
    ///
    /// # Shapes
    /// - input: `[batch, 4, length]`
    /// - output: `[batch, 1]`
    pub fn forward(&self, x: Tensor<3>) -> Tensor<2> {
        let x = self.activation.apply(self.convolve_position_major(x)); // [batch, length − width + 1, filters]
        let x = x.flatten::<2>(1, 2); // [batch, (length − width + 1) · filters]
        self.linear.forward(x) // [batch, 1]
    }

    /// [`CnnModel::forward`] of `x` (tracked) beside a reference `r` under DeepLIFT's rescale
    /// rule ([`crate::attribution::deeplift`]): the outputs of `x` and of `r`, `[batch, 1]` each.
    pub(crate) fn forward_rescale(&self, x: Tensor<3>, r: Tensor<3>) -> (Tensor<2>, Tensor<2>) {
        let activation = self.activation;
        let (x, r) = crate::attribution::deeplift::rescale(|t| activation.apply(t), self.convolve_position_major(x), self.convolve_position_major(r));
        (self.linear.forward(x.flatten::<2>(1, 2)), self.linear.forward(r.flatten::<2>(1, 2)))
    }

    /// First-layer weights, `[num_filters, 4, width]`.
    pub fn conv_weight(&self) -> Tensor<3> {
        self.conv.weight.val()
    }

    /// The dense layer's weights, `[positions · filters, 1]`, position-major as
    /// [`CnnModel::forward`] flattens: row `p · filters + f` weighs filter `f` at window `p`.
    pub fn dense_weight(&self) -> Tensor<2> {
        self.linear.weight.val()
    }

    /// The first-layer activation.
    pub fn activation(&self) -> Activation {
        self.activation
    }
}

/// A batch of sequences as [`Model::forward_train`] takes it.
#[cfg(feature = "burn")]
pub enum Batch<'a> {
    /// One-hot sequences, `[batch, 4, length]`.
    OneHot(Tensor<3>),
    /// The base codes of one-hot sequences ([`crate::sequence::OneHot::base_codes`]),
    /// `[batch, length]` row-major, for a model on `device`.
    Codes {
        /// 0 to 3 for A, C, G, T; 4 for N.
        codes: &'a [u8],
        /// Bases per sequence.
        length: usize,
        /// The model's device.
        device: &'a Device,
    },
}

/// Any model of this crate.
#[cfg(feature = "burn")]
#[derive(Module, Debug)]
pub enum Model {
    /// The linear model.
    Linear(LinearModel),
    /// The CNN.
    Cnn(CnnModel),
    /// CNN-local or CNN-dist.
    Deep(DeepCnn),
    /// The multi-scale CNN.
    MultiScale(MultiScaleCnn),
}

#[cfg(feature = "burn")]
impl Model {
    /// Scores (8-mer models) or logits (the 200-nt classifiers).
    ///
    /// # Shapes
    /// - input: `[batch, 4, length]`
    /// - output: `[batch, outputs]`, [`ModelKind::outputs`] per sequence: 12 for the Task 1
    ///   models (CNN-2, CNN-50, CNN-deep), 1 for the others
    pub fn forward(&self, x: Tensor<3>) -> Tensor<2> {
        match self {
            Model::Linear(m) => m.forward(x),
            Model::Cnn(m) => m.forward(x),
            Model::Deep(m) => m.forward(x),
            Model::MultiScale(m) => m.forward(x),
        }
    }

    /// Whether [`Model::forward_train`] wants a batch's base codes: the CNN where its table pays
    /// ([`CnnModel::table_pays`]) on `batch` sequences of `length`.
    pub fn uses_codes(&self, batch: usize, length: usize) -> bool {
        matches!(self, Model::Cnn(m) if m.table_pays(batch, length))
    }

    /// [`Model::forward`] of a training batch. Base codes, which the trainer gives where
    /// [`Model::uses_codes`], go to the CNN's [`CnnModel::forward_codes`] (equal to `forward`
    /// of their one-hot input up to the order of its sums; no gradient for the input), and to
    /// any other model as their one-hot input.
    ///
    /// # Shapes
    /// - output: `[batch, outputs]`, as [`Model::forward`]
    pub fn forward_train(&self, batch: Batch<'_>) -> Tensor<2> {
        match (self, batch) {
            (Model::Cnn(m), Batch::Codes { codes, length, .. }) => m.forward_codes(codes, length),
            (_, Batch::OneHot(x)) => self.forward(x),
            (_, Batch::Codes { codes, length, device }) => {
                let x = crate::sequence::OneHot::from_codes(codes, length);
                let shape = x.shape();
                self.forward(Tensor::from_data(TensorData::new(x.values, shape), device))
            }
        }
    }

    /// Whether [`Model::forward_rescale`] has a rule for this model (all but the multi-scale).
    pub fn has_rescale_rule(&self) -> bool {
        !matches!(self, Model::MultiScale(_))
    }

    /// [`Model::forward`] of `x` (tracked by autodiff) beside a reference `r` of the same shape,
    /// under DeepLIFT's rescale rule ([`crate::attribution::deeplift`]): the outputs of `x`,
    /// whose gradient with respect to `x` is DeepLIFT's multipliers, and of `r`. `None` for the
    /// multi-scale model, whose attention pooling (a softmax over positions) has no rule here.
    ///
    /// # Shapes
    /// - input: `[batch, 4, length]` each
    /// - output: `[batch, outputs]` each
    pub fn forward_rescale(&self, x: Tensor<3>, r: Tensor<3>) -> Option<(Tensor<2>, Tensor<2>)> {
        match self {
            Model::Linear(m) => Some((m.forward(x), m.forward(r))),
            Model::Cnn(m) => Some(m.forward_rescale(x, r)),
            Model::Deep(m) => Some(m.forward_rescale(x, r)),
            Model::MultiScale(_) => None,
        }
    }

    /// Channels of the widest activation a forward pass makes at each position (an upper bound
    /// over the layers), so that the largest buffer for `batch` sequences of `length` is at most
    /// `batch × channels × length × 4` bytes.
    pub fn widest_channels(&self) -> usize {
        match self {
            Model::Linear(_) => 4,
            Model::Cnn(m) => {
                let [filters, _, width] = m.conv_weight().dims();
                filters.max(4 * width)
            }
            Model::Deep(m) => m.widest(),
            Model::MultiScale(_) => MULTISCALE_FILTERS,
        }
    }

    /// The 8-mer CNN, if this is one.
    pub fn as_cnn(&self) -> Option<&CnnModel> {
        match self {
            Model::Cnn(m) => Some(m),
            _ => None,
        }
    }

    /// First-layer responses before and after the activation, for models with one first layer
    /// of filters to interpret (the 8-mer CNN, CNN-local, CNN-dist); `None` for the others.
    /// For the deep models "before" is after batch norm.
    ///
    /// # Shapes
    /// - input: `[batch, 4, length]`
    /// - output: `[batch, num_filters, length − width + 1]` each
    pub fn first_layer(&self, x: Tensor<3>) -> Option<(Tensor<3>, Tensor<3>)> {
        match self {
            Model::Cnn(m) => Some(m.first_layer(x)),
            Model::Deep(m) => Some(m.first_pre_post(x)),
            _ => None,
        }
    }

    /// First-layer weights `[num_filters, 4, width]`, for the models of [`Model::first_layer`].
    pub fn first_layer_weight(&self) -> Option<Tensor<3>> {
        match self {
            Model::Cnn(m) => Some(m.conv_weight()),
            Model::Deep(m) => Some(m.first().weight()),
            _ => None,
        }
    }

    /// Attention weights of the multi-scale model, `[branches, batch, length]`; `None` for the
    /// others.
    pub fn attention(&self, x: Tensor<3>) -> Option<Tensor<3>> {
        match self {
            Model::MultiScale(m) => Some(m.attention(x)),
            _ => None,
        }
    }

    /// Whether the trainer recalibrates this model's batch norms whatever its settings: seed
    /// 000's multi-scale CNN, whose dense batch norms follow dropout. CNN-local, CNN-dist and
    /// the Task 1 CNNs are recalibrated when
    /// [`TrainConfig::recalibrate_norms`](crate::trainer::TrainConfig::recalibrate_norms) asks.
    pub fn recalibrates_norms(&self) -> bool {
        matches!(self, Model::MultiScale(_))
    }

    /// Re-estimates the running statistics of the batch norms that follow dropout from `x`, as
    /// the model predicts ([`MultiScaleCnn::recalibrate_dense_norms`],
    /// [`DeepCnn::recalibrate_norms`]); the 8-mer models, which have none, are left alone. The
    /// trainer calls it before each validation for seed 000's model, and for the others when
    /// [`TrainConfig::recalibrate_norms`](crate::trainer::TrainConfig::recalibrate_norms) asks.
    ///
    /// # Shapes
    /// - input: `[batch, 4, length]`, on the plain (inference) device
    pub fn recalibrate_norms(&self, x: Tensor<3>) {
        match self {
            Model::MultiScale(m) => m.recalibrate_dense_norms(x),
            Model::Deep(m) => m.recalibrate_norms(x),
            _ => {}
        }
    }
}

#[cfg(feature = "burn")]
#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::test_device;

    #[test]
    fn shapes_and_parameter_counts() {
        let device = test_device();
        for config in [ModelConfig::linear(8), ModelConfig::cnn(8)] {
            let model = config.init(&device, 1).unwrap();
            assert_eq!(model.num_params(), config.num_params());
            let y = model.forward(Tensor::zeros([5, 4, 8], &device));
            assert_eq!(y.dims(), [5, 1]);
        }
        // Seed 002: Linear(32 → 1) = 33; CNN: 32·4·3 + 32 + 32·6 + 1 = 609.
        assert_eq!(ModelConfig::linear(8).num_params(), 33);
        assert_eq!(ModelConfig::cnn(8).num_params(), 609);
    }

    #[test]
    fn a_task1_architecture_with_one_output_gives_one_logit_per_sequence() {
        // Lesson 13 trains CNN-2 on one label: seed 003's layers, a one-unit output layer.
        let device = test_device();
        let twelve = ModelConfig::of_kind(ModelKind::Cnn2, 200, Activation::Exp);
        let one = twelve.clone().with_outputs(1);
        assert_eq!((twelve.num_outputs(), one.num_outputs(), one.outputs), (12, 1, Some(1)));
        assert_eq!(twelve.clone().with_outputs(12), twelve, "the kind's own count is no override");
        // The dense layer has 512 units in Task 1 (seed 003): 11 outputs fewer, 11 · 513 parameters.
        assert_eq!(twelve.num_params() - one.num_params(), 11 * (TASK1_DENSE_UNITS + 1));
        let model = one.init(&device, 1).unwrap();
        // burn's count also holds batch norm's running statistics, the same in both.
        assert_eq!(twelve.init(&device, 1).unwrap().num_params() - model.num_params(), 11 * (TASK1_DENSE_UNITS + 1));
        assert_eq!(model.forward(Tensor::zeros([3, 4, 200], &device)).dims(), [3, 1]);
        // Records written before the setting read as the kind's own count, and write nothing new.
        let json = serde_json::to_string(&twelve).unwrap();
        assert!(!json.contains("outputs"), "{json}");
        assert_eq!(serde_json::from_str::<ModelConfig>(&json).unwrap(), twelve);
        assert_eq!(serde_json::from_str::<ModelConfig>(&serde_json::to_string(&one).unwrap()).unwrap(), one);
    }

    #[test]
    fn convolution_equals_burn_conv1d() {
        let device = test_device();
        let config = ModelConfig { filter_width: 4, num_filters: 5, ..ModelConfig::cnn(9) };
        let Model::Cnn(cnn) = config.init(&device, 3).unwrap() else { panic!("a CNN") };
        let x = Tensor::<3>::random([3, 4, 9], burn::tensor::Distribution::Normal(0.0, 1.0), &device);
        let ours = cnn.convolve_position_major(x.clone()).swap_dims(1, 2).into_data().try_to_vec::<f32>().unwrap();
        let burns = cnn.conv.forward(x).into_data().try_to_vec::<f32>().unwrap();
        assert_eq!(ours.len(), 3 * 5 * 6);
        for (a, b) in ours.iter().zip(&burns) {
            assert!((a - b).abs() < 1e-5, "{a} vs {b}");
        }
    }

    #[test]
    fn window_indices_unfold_each_window_position_major() {
        // 2 channels, length 4, width 2: 3 windows of [c0: p, p+1; c1: 4+p, 4+p+1].
        assert_eq!(window_indices(2, 4, 2), vec![0, 1, 4, 5, 1, 2, 5, 6, 2, 3, 6, 7]);
        // Linear in the length: 4 · 3 · 9,998 entries at 10,000 nt (the matrix had 4.8 · 10⁹).
        assert_eq!(window_indices(4, 10_000, 3).len(), 4 * 3 * 9_998);
        assert!(window_indices(4, 2, 3).is_empty(), "no window fits");
    }

    #[test]
    fn the_window_table_spells_each_window_and_rows_index_it() {
        // Width 2: row 1 is A then C (a 1 at A·2+0 and C·2+1); row 23 is N then T (T·2+1 only).
        let table = window_table(2);
        assert_eq!(table.len(), 25 * 8);
        assert_eq!(&table[8..16], &[1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0]);
        assert_eq!(&table[23 * 8..24 * 8], &[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0]);
        assert!(table[24 * 8..].iter().all(|&v| v == 0.0), "NN spells nothing");
        // ACNT then GGGG: windows AC, CN, NT and GG, GG, GG.
        assert_eq!(window_rows(&[0, 1, 4, 3, 2, 2, 2, 2], 4, 2), vec![1, 9, 23, 12, 12, 12]);
    }

    #[test]
    fn forward_codes_equals_forward_with_the_same_gradients() {
        use crate::sequence::one_hot;
        let device = test_device().autodiff();
        let seqs = ["ACGTACGT", "TTTTNCCA", "GATTACAN", "CCCCCTAT", "NNNNNNNN", "AGGCTTAC"];
        let x = one_hot(&seqs).unwrap();
        let codes = x.base_codes().unwrap();
        for activation in [Activation::Relu, Activation::Exp] {
            let config = ModelConfig { activation, ..ModelConfig::cnn(8) };
            let model = config.init(&device, 9).unwrap();
            let Model::Cnn(cnn) = &model else { panic!("a CNN") };
            assert!(cnn.table_pays(128, 8) && !cnn.table_pays(2, 8), "125 rows against 768 and 12 windows");
            let xs = Tensor::<3>::from_data(TensorData::new(x.values.clone(), x.shape()), &device);
            let run = |out: Tensor<2>| {
                let values = out.clone().into_data().try_to_vec::<f32>().unwrap();
                let grads = out.powi_scalar(2).sum().backward();
                let grad = |t: Tensor<3>| t.grad(&grads).unwrap().into_data().try_to_vec::<f32>().unwrap();
                let dense = cnn.linear.weight.val().grad(&grads).unwrap().into_data().try_to_vec::<f32>().unwrap();
                let bias = cnn.conv.bias.as_ref().unwrap().val().grad(&grads).unwrap().into_data().try_to_vec::<f32>().unwrap();
                (values, grad(cnn.conv.weight.val()), bias, dense)
            };
            let by_unfold = run(model.forward(xs.clone()));
            let by_codes = run(model.forward_train(Batch::Codes { codes: &codes, length: 8, device: &device }));
            let close = |a: &[f32], b: &[f32], what: &str| {
                assert_eq!(a.len(), b.len(), "{what}");
                for (p, q) in a.iter().zip(b) {
                    assert!((p - q).abs() <= 1e-5 * (1.0 + p.abs()), "{activation:?} {what}: {p} against {q}");
                }
            };
            assert_eq!(by_codes.0.len(), seqs.len());
            close(&by_unfold.0, &by_codes.0, "output");
            close(&by_unfold.1, &by_codes.1, "kernel gradient");
            close(&by_unfold.2, &by_codes.2, "bias gradient");
            close(&by_unfold.3, &by_codes.3, "dense gradient");
            assert!(by_codes.1.iter().any(|&g| g != 0.0), "the kernel gets a gradient");
            assert_eq!(by_codes.0, run(model.forward_train(Batch::OneHot(xs))).0, "one-hot input goes through forward");
        }
        // Another model given codes gets their one-hot input.
        let linear = ModelConfig::linear(8).init(&device, 9).unwrap();
        let xs = Tensor::<3>::from_data(TensorData::new(x.values.clone(), x.shape()), &device);
        let by_codes = linear.forward_train(Batch::Codes { codes: &codes, length: 8, device: &device }).into_data().try_to_vec::<f32>().unwrap();
        assert_eq!(by_codes, linear.forward(xs).into_data().try_to_vec::<f32>().unwrap());
    }

    #[test]
    fn the_hand_written_step_equals_burns_autodiff() {
        use crate::cnn_step::CnnParams;
        use crate::sequence::one_hot;
        use burn::nn::loss::{MseLoss, Reduction};
        let device = test_device().autodiff();
        let seqs = ["ACGTACGT", "TTTTNCCA", "GATTACAN", "CCCCCTAT", "NNNNNNNN", "AGGCTTAC"];
        let targets = [25.875, -1.5, 3.0, 25.875, 0.0, 7.25];
        let codes = one_hot(&seqs).unwrap().base_codes().unwrap();
        let read = |t: Tensor<1>| t.into_data().try_to_vec::<f32>().unwrap();
        for &activation in Activation::ALL {
            for l2 in [0.0f32, 0.2] {
                let model = ModelConfig { activation, ..ModelConfig::cnn(8) }.init(&device, 9).unwrap();
                let Model::Cnn(cnn) = &model else { panic!("a CNN") };
                // burn: forward on codes, MSE, the first-layer penalty, autodiff.
                let ys = Tensor::<2>::from_data(TensorData::new(targets.to_vec(), [6, 1]), &device);
                let out = model.forward_train(Batch::Codes { codes: &codes, length: 8, device: &device });
                let w = cnn.conv.weight.val();
                let loss = MseLoss::new().forward(out, ys, Reduction::Mean) + w.powi_scalar(2).sum().mul_scalar(l2 / 2.0);
                let burn_loss: f32 = loss.clone().into_scalar();
                let grads = loss.backward();
                let burns = [
                    read(cnn.conv.weight.val().grad(&grads).unwrap().flatten(0, 2)),
                    read(cnn.conv.bias.as_ref().unwrap().val().grad(&grads).unwrap()),
                    read(cnn.linear.weight.val().grad(&grads).unwrap().flatten(0, 1)),
                    read(cnn.linear.bias.as_ref().unwrap().val().grad(&grads).unwrap()),
                ];
                // By hand, read through the same parameters and registered back for burn.
                let params: CnnParams = pollster::block_on(cnn.host_params()).unwrap();
                let forward = params.forward_train(&codes, 8);
                let ours = params.mse_gradients(&forward, &targets, l2);
                let ours_loss = params.mse(&forward, &targets, l2);
                let registered = cnn.gradients_params(ours.clone(), &device.clone().without_autodiff());
                let ours = [ours.kernel, ours.conv_bias, ours.dense, vec![ours.dense_bias]];
                assert!((ours_loss - burn_loss).abs() <= 1e-5 * (1.0 + burn_loss.abs()), "{activation} l2 {l2}: loss {ours_loss} against {burn_loss}");
                for (what, (a, b)) in ["kernel", "conv bias", "dense", "dense bias"].iter().zip(ours.iter().zip(&burns)) {
                    assert_eq!(a.len(), b.len(), "{activation} {what}");
                    for (p, q) in a.iter().zip(b) {
                        assert!((p - q).abs() <= 1e-5 * (1.0 + q.abs()), "{activation} l2 {l2} {what}: {p} against {q}");
                    }
                }
                assert!(ours[0].iter().any(|&g| g != 0.0) || activation == Activation::LogRelu, "{activation}: the kernel gets a gradient");
                assert_eq!(registered.len(), 4, "kernel, both biases and the dense weights");
                let kernel = registered.get::<3>(cnn.conv.weight.id).unwrap();
                assert_eq!(kernel.dims(), [32, 4, 3]);
                assert_eq!(read(kernel.flatten(0, 2)), ours[0]);
                assert_eq!(read(registered.get::<1>(cnn.conv.bias.as_ref().unwrap().id).unwrap()), ours[1]);
                let dense = registered.get::<2>(cnn.linear.weight.id).unwrap();
                assert_eq!(dense.dims(), [6 * 32, 1]);
                assert_eq!(read(dense.flatten(0, 1)), ours[2]);
                assert_eq!(read(registered.get::<1>(cnn.linear.bias.as_ref().unwrap().id).unwrap()), ours[3]);
            }
        }
    }

    #[test]
    fn convolution_input_gradient_equals_burn_conv1d() {
        // Saliency and integrated gradients differentiate the input through the unfold.
        let device = test_device();
        let config = ModelConfig { filter_width: 3, num_filters: 4, ..ModelConfig::cnn(7) };
        let Model::Cnn(cnn) = config.init(&device, 5).unwrap() else { panic!("a CNN") };
        let x = Tensor::<3>::random([2, 4, 7], burn::tensor::Distribution::Normal(0.0, 1.0), &device.clone().autodiff());
        let grad = |conv: &dyn Fn(Tensor<3>) -> Tensor<3>| {
            let x = x.clone().require_grad();
            let grads = (conv(x.clone()) * conv(x.clone())).sum().backward();
            x.grad(&grads).unwrap().into_data().try_to_vec::<f32>().unwrap()
        };
        let ours = grad(&|x| cnn.convolve_position_major(x).swap_dims(1, 2));
        let burns = grad(&|x| cnn.conv.forward(x));
        assert_eq!(ours.len(), 2 * 4 * 7);
        for (a, b) in ours.iter().zip(&burns) {
            assert!((a - b).abs() < 1e-4, "{a} vs {b}");
        }
    }

    #[test]
    fn initialisation_is_seeded_and_bounded() {
        let device = test_device();
        let weights = |seed| {
            let Model::Cnn(cnn) = ModelConfig::cnn(8).init(&device, seed).unwrap() else { panic!("a CNN") };
            cnn.conv_weight().into_data().try_to_vec::<f32>().unwrap()
        };
        let (a, b) = (weights(17), weights(17));
        assert_eq!(a, b, "same seed, same weights");
        assert_ne!(a, weights(18));
        // Conv1d fan_in = 4 · 3 = 12: bound 1/√12 ≈ 0.2887, as PyTorch's default.
        let bound = 1.0 / 12f32.sqrt();
        assert!(a.iter().all(|w| w.abs() <= bound));
        assert!(a.iter().any(|w| w.abs() > 0.8 * bound), "the weights fill the range");
    }

    #[test]
    fn names_parse_and_unknown_names_are_listed() {
        for &a in Activation::ALL {
            assert_eq!(a.name().parse::<Activation>().unwrap(), a);
        }
        assert_eq!("EXP".parse::<Activation>().unwrap(), Activation::Exp);
        assert_eq!(
            "swish".parse::<Activation>().unwrap_err().to_string(),
            "unknown activation 'swish'; expected one of: relu, exp, sigmoid, tanh, softplus, linear, elu, log-relu"
        );
        assert_eq!("CNN".parse::<ModelKind>().unwrap(), ModelKind::Cnn);
    }

    #[test]
    fn activations_match_their_definitions() {
        let device = test_device();
        let xs = [-2.0f32, -0.5, 0.0, 0.5, 2.0];
        for &a in Activation::ALL {
            let t = a.apply(Tensor::<1>::from_floats(xs, &device));
            let got = t.into_data().try_to_vec::<f32>().unwrap();
            for (x, y) in xs.iter().zip(got) {
                assert!((a.apply_scalar(*x) - y).abs() < 1e-5, "{a} at {x}: {y}");
            }
        }
        assert_eq!(Activation::Exp.apply_scalar(0.0), 1.0);
        assert_eq!(Activation::Relu.apply_scalar(-1.0), 0.0);
    }

    #[test]
    fn bad_hyperparameters_are_refused() {
        let mut c = ModelConfig::cnn(8);
        c.filter_width = 9;
        assert_eq!(
            c.validate().unwrap_err().to_string(),
            "filter_width = 9 is invalid: it must be between 1 and the sequence length (8)"
        );
        c.filter_width = 3;
        c.num_filters = 0;
        assert!(c.validate().is_err());
    }
}
