//! The building blocks every model shares: the first-layer activation (seed 003's choice), the
//! seeded initialisers (PyTorch's uniform ±1/√fan_in, Glorot uniform) and the dense layers made
//! with them. [`crate::models`] (the 8-mer models) and [`crate::deep`] (the 200-nt models) both
//! build on this module, and it on neither.

#[cfg(feature = "burn")]
use burn::module::Param;
#[cfg(feature = "burn")]
use burn::nn::{Initializer, Linear, LinearConfig};
#[cfg(feature = "burn")]
use burn::tensor::{Device, Tensor, TensorData, activation};
#[cfg(feature = "burn")]
use rand::distr::{Distribution, Uniform};
#[cfg(feature = "burn")]
use rand::rngs::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::choice::named_choice;

/// First-layer activation functions (seed 003, Koo and Ploenzke 2021, Fig. 1a).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Activation {
    /// max(0, x): the seed 002 CNN's activation.
    #[default]
    Relu,
    /// exp(x): seed 003's exponential activation, which favours whole, readable motifs.
    Exp,
    /// 1 / (1 + e^−x).
    Sigmoid,
    /// tanh(x).
    Tanh,
    /// ln(1 + e^x).
    Softplus,
    /// The identity.
    Linear,
    /// x for x > 0, e^x − 1 otherwise (alpha = 1).
    Elu,
    /// relu(ln |x|): 0 for |x| up to 1, ln |x| beyond, on either side of 0 (seed 003, Extended
    /// Data Fig. 1e, trained there with [`crate::settings::L2_FIRST`]). Seed 003's text says
    /// "a relu activation after the log function"; its code (`log_relu` in tfomics's
    /// `utils.py`, p-koo/tfomics) takes the log of |x| + 1e-10, so large negative responses
    /// count as large positive ones. Computed as ln(max(|x|, 1)): for |x| < 1 the gradient is 0.
    LogRelu,
}

// Fig. 1a's order with relu, the baseline, first, then log-relu (Extended Data Fig. 1e): the
// order of menus, of lesson 12's tables and of `dnaplay sweep`'s summaries.
named_choice!(Activation, "activation", {
    Relu => "relu",
    Exp => "exp",
    Sigmoid => "sigmoid",
    Tanh => "tanh",
    Softplus => "softplus",
    Linear => "linear",
    Elu => "elu",
    LogRelu => "log-relu",
});

impl Activation {
    /// Apply elementwise to a tensor of any shape.
    #[cfg(feature = "burn")]
    pub fn apply<const D: usize>(self, x: Tensor<D>) -> Tensor<D> {
        match self {
            Activation::Relu => activation::relu(x),
            Activation::Exp => x.exp(),
            Activation::Softplus => activation::softplus(x, 1.0),
            Activation::Sigmoid => activation::sigmoid(x),
            Activation::Tanh => activation::tanh(x),
            Activation::Elu => activation::elu(x, 1.0),
            Activation::Linear => x,
            Activation::LogRelu => x.abs().clamp_min(1.0).log(),
        }
    }

    /// Apply to one number (for plotting the functions, seed 003 Fig. 1a, and for the
    /// hand-written training step of [`crate::cnn_step`]).
    pub fn apply_scalar(self, x: f32) -> f32 {
        match self {
            Activation::Relu => x.max(0.0),
            Activation::Exp => x.exp(),
            // Past 20, x itself, as burn's softplus (its threshold) and as f32 rounds it.
            Activation::Softplus => if x > 20.0 { x } else { x.exp().ln_1p() },
            Activation::Sigmoid => 1.0 / (1.0 + (-x).exp()),
            Activation::Tanh => x.tanh(),
            Activation::Elu => if x > 0.0 { x } else { x.exp_m1() },
            Activation::Linear => x,
            Activation::LogRelu => x.abs().max(1.0).ln(),
        }
    }

    /// The derivative at `x`, given `y = self.apply_scalar(x)`, as burn's autodiff takes it
    /// through [`Activation::apply`]: relu's is 0 at 0, and log-relu's is 0 for |x| < 1 and
    /// 1/x from there (`clamp_min` passes the gradient at its bound). For the hand-written
    /// backward pass of [`crate::cnn_step`].
    pub fn derivative_scalar(self, x: f32, y: f32) -> f32 {
        match self {
            Activation::Relu => if x > 0.0 { 1.0 } else { 0.0 },
            Activation::Exp => y,
            Activation::Softplus => 1.0 / (1.0 + (-x).exp()),
            Activation::Sigmoid => y * (1.0 - y),
            Activation::Tanh => 1.0 - y * y,
            Activation::Elu => if x > 0.0 { 1.0 } else { x.exp() },
            Activation::Linear => 1.0,
            Activation::LogRelu => if x.abs() >= 1.0 { 1.0 / x } else { 0.0 },
        }
    }
}

/// How a model's initial weights are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Init {
    /// Weights and biases uniform in ±1/√fan_in: PyTorch's default for `nn.Linear` and
    /// `nn.Conv1d` (seed 002's framework). The models' default.
    #[default]
    Pytorch,
    /// Kernels Glorot uniform, ±√(6 / (fan_in + fan_out)), biases 0: Keras's default, which
    /// seed 003's models were drawn from (Methods, "Training": "random initialisations
    /// according to Ref. 27", Glorot and Bengio 2010). Seed 000's multi-scale model always uses
    /// it.
    Glorot,
}

named_choice!(Init, "initialisation", {
    Pytorch => "pytorch",
    Glorot => "glorot",
});

/// A `[d_input → d_output]` dense layer drawn as `init` says.
#[cfg(feature = "burn")]
pub(crate) fn dense_with(init: Init, d_input: usize, d_output: usize, rng: &mut ChaCha8Rng, device: &Device) -> Linear {
    match init {
        Init::Pytorch => dense(d_input, d_output, rng, device),
        Init::Glorot => keras_dense(d_input, d_output, rng, device),
    }
}

/// A parameter of `shape`, uniform in ±1/√fan_in (PyTorch's default for `nn.Linear` and
/// `nn.Conv1d`, seed 002's framework).
#[cfg(feature = "burn")]
pub(crate) fn uniform_param<const D: usize>(shape: [usize; D], fan_in: usize, rng: &mut ChaCha8Rng, device: &Device) -> Param<Tensor<D>> {
    uniform_in(shape, 1.0 / (fan_in as f32).sqrt(), rng, device)
}

/// A parameter of `shape`, Glorot uniform: ±√(6 / (fan_in + fan_out)) (Glorot and Bengio 2010,
/// seed 003's ref. 27; Keras's default kernel initializer, so seed 000's too).
#[cfg(feature = "burn")]
pub(crate) fn glorot_param<const D: usize>(shape: [usize; D], fan_in: usize, fan_out: usize, rng: &mut ChaCha8Rng, device: &Device) -> Param<Tensor<D>> {
    uniform_in(shape, (6.0 / (fan_in + fan_out) as f32).sqrt(), rng, device)
}

/// A parameter of `shape`, uniform in ±`bound`, drawn from `rng` in row-major order.
#[cfg(feature = "burn")]
fn uniform_in<const D: usize>(shape: [usize; D], bound: f32, rng: &mut ChaCha8Rng, device: &Device) -> Param<Tensor<D>> {
    let dist = Uniform::new(-bound, bound).expect("an initialisation bound should be finite and positive");
    let values: Vec<f32> = (0..shape.iter().product::<usize>()).map(|_| dist.sample(rng)).collect();
    Param::from_tensor(Tensor::from_data(TensorData::new(values, shape), device))
}

/// A `[d_input → d_output]` dense layer of the 8-mer models, initialised as PyTorch's
/// `nn.Linear` (seed 002): weights and bias uniform in ±1/√d_input.
#[cfg(feature = "burn")]
pub(crate) fn dense(d_input: usize, d_output: usize, rng: &mut ChaCha8Rng, device: &Device) -> Linear {
    let mut linear = LinearConfig::new(d_input, d_output).with_initializer(Initializer::Zeros).init(device);
    // burn's Linear stores its weight as [d_input, d_output].
    linear.weight = uniform_param([d_input, d_output], d_input, rng, device);
    linear.bias = Some(uniform_param([d_output], d_input, rng, device));
    linear
}

/// A `[d_input → d_output]` dense layer of seed 000's model, initialised as Keras's `Dense`:
/// Glorot uniform weights, zero bias.
#[cfg(feature = "burn")]
pub(crate) fn keras_dense(d_input: usize, d_output: usize, rng: &mut ChaCha8Rng, device: &Device) -> Linear {
    let mut linear = LinearConfig::new(d_input, d_output).with_initializer(Initializer::Zeros).init(device);
    // burn's Linear stores its weight as [d_input, d_output].
    linear.weight = glorot_param([d_input, d_output], d_input, d_output, rng, device);
    linear
}
