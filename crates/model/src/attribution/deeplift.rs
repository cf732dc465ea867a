//! DeepLIFT's rescale rule (Shrikumar et al. 2017) as burn's autodiff computes it, and DeepSHAP
//! from it (Lundberg and Lee 2017: shap's `DeepExplainer`, which seed 003 ran with 10 shuffled
//! references, Methods, "Attribution methods").
//!
//! DeepLIFT runs the input `x` and a reference `r` through the network side by side. Linear
//! layers (convolutions, dense layers, batch norm in inference) pass differences on unchanged;
//! each nonlinearity passes them on scaled by its *multiplier* `(f(x) − f(r)) / (x − r)` (the
//! rescale rule), and a max-pool by shap's rule for `MaxPool` (the window's change split
//! between the input's and the reference's maximum). The multipliers multiply out by the chain
//! rule, so they are the gradient of a forward pass in which every nonlinearity is written as
//!
//! `f(x).detach() + m.detach() · (x − x.detach())`
//!
//! whose value is `f(x)` and whose derivative is `m`: burn's ordinary backward pass then yields
//! DeepLIFT's multipliers, with no custom backward. Attributions are `multiplier · (x − r)`, and
//! they sum to `output(x) − output(r)` exactly (summation to delta), which the tests check.

use burn::tensor::Tensor;
use burn::tensor::module::max_pool1d_with_indices;
use burn::tensor::ops::MaxPoolOptions;

/// Below this difference between input and reference the rescale rule falls back to the
/// gradient at the input (shap's `nonlinear_1d` uses 1e-6 too).
const SMALL: f32 = 1e-6;
/// Step of the one-sided difference that gives that gradient.
const STEP: f32 = 1e-3;

/// A nonlinearity `f` under the rescale rule: returns `(y, y_r)`, `y = f(x)` in value with
/// derivative `(f(x) − f(r)) / (x − r)` (the slope at `x` where they are within [`SMALL`]),
/// and the reference's `f(r)` (untracked). `x` is tracked by autodiff; `r` is not.
pub(crate) fn rescale<const D: usize>(f: impl Fn(Tensor<D>) -> Tensor<D>, x: Tensor<D>, r: Tensor<D>) -> (Tensor<D>, Tensor<D>) {
    let xd = x.clone().detach();
    let (fx, fr) = (f(xd.clone()), f(r.clone()));
    let delta = xd.clone() - r;
    let small = delta.clone().abs().lower_elem(SMALL);
    let slope = (f(xd.clone() + STEP) - fx.clone()) / STEP;
    let multiplier = ((fx.clone() - fr.clone()) / delta.mask_fill(small.clone(), 1.0)).mask_where(small, slope);
    // An overflow (exp of a huge pre-activation) gives no finite multiplier: pass nothing on
    // rather than NaN (∞ · 0) in the forward value.
    let multiplier = multiplier.clone().mask_fill(multiplier.clone().is_nan().bool_or(multiplier.is_inf()), 0.0);
    (fx + multiplier * (x - xd), fr)
}

/// A max-pool of `kernel` (stride `kernel`, incomplete last window dropped, as burn's
/// `MaxPool1d` in the models) under shap's rule for `MaxPool`: in each window the change
/// `max(x) − max(r)` is split as `max(x, r)⁺ − max(r)` to the input's maximum and
/// `max(x) − max(x, r)⁺` to the reference's (`⁺`: the larger of the two window maxima), each
/// divided by the difference at that position. Returns `(y, y_r)` as [`rescale`].
///
/// # Shapes
/// - `x`, `r`: `[batch, channels, length]`
/// - output: `[batch, channels, length / kernel]` each
pub(crate) fn rescale_max_pool(kernel: usize, x: Tensor<3>, r: Tensor<3>) -> (Tensor<3>, Tensor<3>) {
    let xd = x.clone().detach();
    let (xo, xi) = max_pool1d_with_indices(xd.clone(), MaxPoolOptions::new([kernel]));
    let (ro, ri) = max_pool1d_with_indices(r.clone(), MaxPoolOptions::new([kernel]));
    let cross = xo.clone().max_pair(ro.clone());
    let delta = xd.clone() - r;
    let share = |part: Tensor<3>, at: &Tensor<3, burn::tensor::Int>| {
        let d = delta.clone().gather(2, at.clone());
        let small = d.clone().abs().lower_elem(SMALL);
        (part / d.mask_fill(small.clone(), 1.0)).mask_fill(small, 0.0)
    };
    let (wx, wr) = (share(cross.clone() - ro.clone(), &xi), share(xo.clone() - cross, &ri));
    let moved = x - xd;
    (xo + wx * moved.clone().gather(2, xi) + wr * moved.gather(2, ri), ro)
}
