//! A hand-written forward and backward pass of seed 002's 8-mer CNN on base codes, for the
//! trainer's batches on the CPU devices (issue 26).
//!
//! The model is small enough (seed 002, Part 3: 32 filters of width 3 over 8 bases, one dense
//! output) that burn's per-operation costs, not arithmetic, set its training speed: each batch
//! of 128 is a dozen tensor operations and their autodiff nodes, for about 25,000 multiply-adds
//! (docs/performance.md, "The 8-mer CNN by base codes"). Here one batch is three loops over
//! host slices. Every window of a one-hot sequence is one of 5^width spellings (A, C, G, T, N at
//! each base, [`crate::models::window_table`]), so a filter's response and its activation's
//! value and slope are computed once per spelling, and the backward pass adds each window's
//! gradient into its spelling's row before the kernel's gradient is read off the table.
//!
//! burn keeps the parameters and the optimizer: [`crate::models::CnnModel`] reads its
//! parameters into a [`CnnParams`] and registers a [`CnnGradients`] as burn's
//! `GradientsParams`. The tests here check the gradients against finite differences;
//! `models.rs`'s check the loss and every gradient against burn's autodiff.

use crate::models::{spell, window_rows, Activation, CODE_SYMBOLS};

/// The CNN's parameters on the host, in burn's layouts.
#[derive(Debug, Clone, PartialEq)]
pub struct CnnParams {
    /// The first layer's kernel, `[filters, 4, width]` row-major (burn's `Conv1d` weight).
    pub kernel: Vec<f32>,
    /// The first layer's bias, `[filters]` (zeros for a convolution without one).
    pub conv_bias: Vec<f32>,
    /// The dense layer's weights, `[positions · filters]`, position-major as
    /// [`crate::models::CnnModel::forward`] flattens (burn's `Linear` weight `[in, 1]`).
    pub dense: Vec<f32>,
    /// The dense layer's bias.
    pub dense_bias: f32,
    /// Filters in the first layer.
    pub filters: usize,
    /// The kernel's width, in bases.
    pub width: usize,
    /// The first-layer activation.
    pub activation: Activation,
}

/// Gradients of a loss with respect to each of [`CnnParams`]' tensors, in the same layouts.
#[derive(Debug, Clone, PartialEq)]
pub struct CnnGradients {
    /// `[filters, 4, width]`.
    pub kernel: Vec<f32>,
    /// `[filters]`.
    pub conv_bias: Vec<f32>,
    /// `[positions · filters]`.
    pub dense: Vec<f32>,
    /// The dense bias's.
    pub dense_bias: f32,
}

/// A training batch's forward pass, as [`CnnParams::mse_gradients`] takes it back.
#[derive(Debug, Clone)]
pub struct CnnForward {
    /// Each window's spelling, `[batch · positions]` ([`window_rows`]).
    rows: Vec<i64>,
    /// The activation of every spelling's response, `[5^width, filters]`.
    act: Vec<f32>,
    /// The activation's slope at every spelling's response, `[5^width, filters]`.
    slope: Vec<f32>,
    /// The model's outputs, `[batch]`.
    pub out: Vec<f32>,
}

/// The activation and its slope at each of `pre`, the activation matched once rather than
/// per value (so that each arm's loop is compiled for its function).
fn activate(activation: Activation, pre: &[f32]) -> (Vec<f32>, Vec<f32>) {
    fn each(pre: &[f32], f: impl Fn(f32) -> (f32, f32)) -> (Vec<f32>, Vec<f32>) {
        pre.iter().map(|&x| f(x)).unzip()
    }
    macro_rules! arms {
        ($($name:ident),*) => {
            match activation {
                $(Activation::$name => each(pre, |x| {
                    let y = Activation::$name.apply_scalar(x);
                    (y, Activation::$name.derivative_scalar(x, y))
                }),)*
            }
        };
    }
    arms!(Relu, Exp, Softplus, Sigmoid, Tanh, Elu, Linear, LogRelu)
}

/// The sum of `values`, added in eight interleaved lanes and then across them.
fn lane_sum(values: &[f32]) -> f32 {
    let mut lanes = [0.0f32; 8];
    let chunks = values.chunks_exact(8);
    let rest: f32 = chunks.remainder().iter().sum();
    for chunk in chunks {
        for (lane, v) in lanes.iter_mut().zip(chunk) {
            *lane += v;
        }
    }
    lanes.iter().sum::<f32>() + rest
}

impl CnnParams {
    /// Windows per sequence of `length` bases.
    fn positions(&self, length: usize) -> usize {
        (length + 1).saturating_sub(self.width)
    }

    /// The first layer's response to every spelling of a window, `[5^width, filters]`:
    /// the bias plus the kernel's weight of each base present (an N adds nothing).
    fn responses(&self) -> Vec<f32> {
        let (filters, width) = (self.filters, self.width);
        let spellings = CODE_SYMBOLS.pow(width as u32);
        // The kernel base-major, `[width, 4, filters]`, so that each base adds a row of filters.
        let mut by_base = vec![0.0; width * 4 * filters];
        for (f, kernel) in self.kernel.chunks_exact(4 * width).enumerate() {
            for (i, &w) in kernel.iter().enumerate() {
                let (c, j) = (i / width, i % width);
                by_base[(j * 4 + c) * filters + f] = w;
            }
        }
        let mut table = Vec::with_capacity(spellings * filters);
        let mut codes = vec![0usize; width];
        for r in 0..spellings {
            spell(r, &mut codes);
            let start = table.len();
            table.extend_from_slice(&self.conv_bias);
            let row = &mut table[start..];
            for (j, &c) in codes.iter().enumerate().filter(|&(_, &c)| c < 4) {
                for (t, w) in row.iter_mut().zip(&by_base[(j * 4 + c) * filters..(j * 4 + c + 1) * filters]) {
                    *t += w;
                }
            }
        }
        table
    }

    /// [`CnnParams::forward`], keeping what [`CnnParams::mse_gradients`] needs.
    ///
    /// # Shapes
    /// - `codes`: `[batch, length]` row-major, 0 to 4
    /// - `CnnForward::out`: `[batch]`
    pub fn forward_train(&self, codes: &[u8], length: usize) -> CnnForward {
        let filters = self.filters;
        let positions = self.positions(length);
        let pre = self.responses();
        let (act, slope) = activate(self.activation, &pre);
        let rows = window_rows(codes, length, self.width);
        let batch = codes.len() / length.max(1);
        let mut out = Vec::with_capacity(batch);
        // Per-filter partial sums across positions, then one sum in eight lanes: the lanes are
        // independent, so the loops vectorise (a float sum in order would not).
        let mut acc = vec![0.0f32; filters];
        for b in 0..batch {
            acc.fill(0.0);
            for (w, &r) in self.dense.chunks_exact(filters.max(1)).zip(&rows[b * positions..(b + 1) * positions]) {
                let a = &act[r as usize * filters..(r as usize + 1) * filters];
                for ((acc, a), w) in acc.iter_mut().zip(a).zip(w) {
                    *acc += a * w;
                }
            }
            out.push(self.dense_bias + lane_sum(&acc));
        }
        CnnForward { rows, act, slope, out }
    }

    /// The model's outputs for `batch` sequences given as base codes
    /// ([`crate::sequence::OneHot::base_codes`]), equal to
    /// [`crate::models::CnnModel::forward`] of their one-hot input up to the order of its sums.
    ///
    /// # Shapes
    /// - `codes`: `[batch, length]` row-major, 0 to 4
    /// - output: `[batch]`
    pub fn forward(&self, codes: &[u8], length: usize) -> Vec<f32> {
        self.forward_train(codes, length).out
    }

    /// A training batch's loss: the mean squared error of the outputs against `targets`
    /// (burn's `MseLoss` with `Reduction::Mean`, seed 002's `nn.MSELoss`), plus
    /// `l2 / 2 · Σ kernel²` when `l2 > 0` (the trainer's first-layer penalty,
    /// [`crate::trainer::TrainConfig::first_layer_l2`]).
    ///
    /// # Shapes
    /// - `targets`: `[batch]`
    pub fn mse(&self, forward: &CnnForward, targets: &[f32], l2: f32) -> f32 {
        let batch = forward.out.len().max(1) as f32;
        let mse = forward.out.iter().zip(targets).map(|(o, y)| (o - y) * (o - y)).sum::<f32>() / batch;
        if l2 > 0.0 { mse + l2 / 2.0 * self.kernel.iter().map(|w| w * w).sum::<f32>() } else { mse }
    }

    /// The gradients of [`CnnParams::mse`] with respect to every parameter.
    ///
    /// # Shapes
    /// - `targets`: `[batch]`
    pub fn mse_gradients(&self, forward: &CnnForward, targets: &[f32], l2: f32) -> CnnGradients {
        let (filters, width) = (self.filters, self.width);
        let CnnForward { rows, act, slope, out } = forward;
        let positions = rows.len() / out.len().max(1);
        let scale = 2.0 / out.len().max(1) as f32;
        // d loss / d output, then the dense layer's gradients and each spelling's summed
        // gradient (before the activation's slope, which depends on the spelling alone).
        let mut dense = vec![0.0; positions * filters];
        let mut dense_bias = 0.0;
        let mut by_spelling = vec![0.0; act.len()];
        for (b, (o, y)) in out.iter().zip(targets).enumerate() {
            let d = scale * (o - y);
            dense_bias += d;
            let windows = &rows[b * positions..(b + 1) * positions];
            for ((dw, w), &r) in dense.chunks_exact_mut(filters.max(1)).zip(self.dense.chunks_exact(filters.max(1))).zip(windows) {
                let r = r as usize;
                let a = &act[r * filters..(r + 1) * filters];
                let g = &mut by_spelling[r * filters..(r + 1) * filters];
                for (((dw, g), a), w) in dw.iter_mut().zip(g).zip(a).zip(w) {
                    *dw += d * a;
                    *g += d * w;
                }
            }
        }
        // Through the activation, then into the bias and the kernel: spelling r's response
        // is the bias plus kernel[f, c_j, j] for each base c_j of r that is not N.
        let mut by_base = vec![0.0; width * 4 * filters]; // [width, 4, filters]
        let mut conv_bias = vec![0.0; filters];
        let mut codes_of = vec![0usize; width];
        for (r, (g, slope)) in by_spelling.chunks_exact_mut(filters.max(1)).zip(slope.chunks_exact(filters.max(1))).enumerate() {
            spell(r, &mut codes_of);
            // A spelling no window used has no gradient, whatever its slope: exp's can be
            // infinite there (burn never evaluates those rows), and 0 · ∞ would be NaN.
            for ((g, &s), b) in g.iter_mut().zip(slope).zip(conv_bias.iter_mut()) {
                *g = if *g == 0.0 { 0.0 } else { *g * s };
                *b += *g;
            }
            for (j, &c) in codes_of.iter().enumerate().filter(|&(_, &c)| c < 4) {
                for (k, g) in by_base[(j * 4 + c) * filters..(j * 4 + c + 1) * filters].iter_mut().zip(&*g) {
                    *k += g;
                }
            }
        }
        let mut kernel = vec![0.0; filters * 4 * width];
        for (i, k) in kernel.iter_mut().enumerate() {
            let (f, c, j) = (i / (4 * width), i / width % 4, i % width);
            *k = by_base[(j * 4 + c) * filters + f];
        }
        if l2 > 0.0 {
            for (g, w) in kernel.iter_mut().zip(&self.kernel) {
                *g += l2 * w;
            }
        }
        CnnGradients { kernel, conv_bias, dense, dense_bias }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A CNN of 2 filters of width 2 over 3 bases, by hand.
    fn tiny(activation: Activation) -> CnnParams {
        CnnParams {
            // [filter, channel, base]: filter 0 weighs A at base 0 by 1 and T at base 1 by 2;
            // filter 1 weighs A at base 0 by -1.
            kernel: vec![1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 2.0, -1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
            conv_bias: vec![0.5, 0.1],
            dense: vec![1.0, 1.0, 2.0, 3.0],
            dense_bias: 0.25,
            filters: 2,
            width: 2,
            activation,
        }
    }

    #[test]
    fn forward_scores_windows_by_hand() {
        let m = tiny(Activation::Linear);
        // "ATA": window 0 = AT → filter 0: 0.5 + 1 + 2 = 3.5, filter 1: 0.1 - 1 = -0.9;
        // window 1 = TA → filter 0: 0.5, filter 1: 0.1. Dense: 0.25 + 3.5·1 - 0.9·1 + 0.5·2 + 0.1·3.
        let out = m.forward(&[0, 3, 0], 3);
        assert!((out[0] - 4.15).abs() < 1e-6, "{out:?}");
        // An N contributes nothing: "NNN" scores the biases alone, 0.25 + 0.5 + 0.1 + 0.5·2 + 0.1·3.
        let out = m.forward(&[4, 4, 4], 3);
        assert!((out[0] - 2.15).abs() < 1e-6, "{out:?}");
        // Two sequences give two outputs, in order.
        assert_eq!(m.forward(&[0, 3, 0, 4, 4, 4], 3).len(), 2);
    }

    #[test]
    fn a_spelling_no_window_uses_gives_no_gradient_even_where_exp_overflows() {
        // Filter 0 weighs every base -10 and has a bias of 95: windows of A, C, G, T respond
        // 75 (e^75 is finite), but NN would respond 95, whose exp is infinite in f32. No window
        // of N-free data spells NN, so its row must add nothing (burn never evaluates it).
        let m = CnnParams { kernel: [vec![-10.0; 8], vec![0.0; 8]].concat(), conv_bias: vec![95.0, 0.0], dense: vec![1e-30, 1.0, 1e-30, 1.0], dense_bias: 0.0, filters: 2, width: 2, activation: Activation::Exp };
        let forward = m.forward_train(&[0, 1, 2], 3);
        let g = m.mse_gradients(&forward, &[1.0], 0.0);
        assert!(m.mse(&forward, &[1.0], 0.0).is_finite());
        assert!(g.kernel.iter().chain(&g.conv_bias).chain(&g.dense).all(|v| v.is_finite()), "{g:?}");
        assert!(g.conv_bias[0] != 0.0, "the used spellings still give filter 0 a gradient");
    }

    #[test]
    fn gradients_match_finite_differences() {
        let codes = [0u8, 3, 0, 1, 2, 4, 3, 3, 1];
        let targets = [1.0, -0.5, 2.0];
        // The tiny CNN's responses (0.1, 0.5, 1.5 to 3.5 and -0.9) sit on both sides of log-relu's
        // bend at |x| = 1 and away from every kink.
        for &activation in Activation::ALL {
            let m = tiny(activation);
            let forward = m.forward_train(&codes, 3);
            let (loss, g) = (m.mse(&forward, &targets, 0.1), m.mse_gradients(&forward, &targets, 0.1));
            let loss_at = |m: &CnnParams| {
                let out = m.forward(&codes, 3);
                let mse = out.iter().zip(&targets).map(|(o, y)| f64::from((o - y) * (o - y))).sum::<f64>() / 3.0;
                mse + 0.05 * m.kernel.iter().map(|w| f64::from(w * w)).sum::<f64>()
            };
            assert!((f64::from(loss) - loss_at(&m)).abs() < 1e-5 * (1.0 + loss_at(&m)), "{activation}: {loss}");
            let h = 1e-3;
            let check = |name: &str, analytic: f32, bump: &dyn Fn(&mut CnnParams, f32)| {
                let (mut up, mut down) = (m.clone(), m.clone());
                bump(&mut up, h);
                bump(&mut down, -h);
                let numeric = (loss_at(&up) - loss_at(&down)) / (2.0 * f64::from(h));
                assert!((f64::from(analytic) - numeric).abs() < 2e-2 * (1.0 + numeric.abs()), "{activation} {name}: {analytic} vs {numeric}");
            };
            for i in 0..m.kernel.len() {
                check(&format!("kernel[{i}]"), g.kernel[i], &|p, h| p.kernel[i] += h);
            }
            for i in 0..2 {
                check(&format!("conv_bias[{i}]"), g.conv_bias[i], &|p, h| p.conv_bias[i] += h);
            }
            for i in 0..4 {
                check(&format!("dense[{i}]"), g.dense[i], &|p, h| p.dense[i] += h);
            }
            check("dense_bias", g.dense_bias, &|p, h| p.dense_bias += h);
        }
    }
}
