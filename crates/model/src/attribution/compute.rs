//! The attribution methods on a model (burn): gradients through burn's autodiff, ISM and the
//! insertion experiment through batched forward passes. Every read-back is asynchronous, so the
//! same code runs on WebGPU.

use burn::module::Module;
use burn::tensor::{Device, Tensor, TensorData, activation};
use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;

use super::{Effect, Experiment, IG_STEPS, Insert, Maps, Method, Output, Reference, insert_into, references};
use crate::error::{Error, Result};
use crate::models::Model;
use crate::sequence::{OneHot, one_hot};
use crate::trainer::eval_chunk;
use crate::trainer::predict;
use crate::trainer::readback::read_vec;

/// Inputs per backward pass: a quarter of an evaluation chunk, since autodiff keeps every
/// activation of the forward pass.
fn gradient_chunk(model: &Model, length: usize) -> usize {
    (eval_chunk(model, length) / 4).max(1)
}

/// The model's output as `output` asks: the raw output, or the sigmoid of it.
fn shaped(y: Tensor<2>, output: Output) -> Tensor<2> {
    match output {
        Output::Logit => y,
        Output::Probability => activation::sigmoid(y),
    }
}

/// [`predict`], then the sigmoid when `output` asks for the probability.
async fn predict_output(model: &Model, x: &OneHot, output: Output, device: &Device) -> Result<Vec<f32>> {
    let y = predict(model, x, device).await?;
    Ok(match output {
        Output::Logit => y,
        Output::Probability => y.into_iter().map(crate::metrics::sigmoid).collect(),
    })
}

/// The gradient of the model's output (`output`: the logit, or the probability) with respect to
/// each one-hot input, for flat `[n, 4, length]` inputs (not necessarily one-hot).
///
/// The model is taken in its validation state (burn's `Module::valid`): batch norm uses the
/// running statistics and dropout is off, even for a freshly loaded model whose training flags
/// are on (batch norm and dropout switch to training when the input is tracked by autodiff).
/// The input alone is tracked; the weights enter as constants.
async fn gradient_of(model: &Model, inputs: &[f32], n: usize, length: usize, output: Output, device: &Device) -> Result<Vec<f32>> {
    let model = &model.valid();
    let ad = device.clone().autodiff();
    let per = 4 * length;
    let chunk = gradient_chunk(model, length);
    let mut out = Vec::with_capacity(inputs.len());
    for start in (0..n).step_by(chunk) {
        let m = chunk.min(n - start);
        let x = Tensor::<3>::from_data(TensorData::new(inputs[start * per..(start + m) * per].to_vec(), [m, 4, length]), &ad).require_grad();
        let grads = shaped(model.forward(x.clone()), output).sum().backward();
        let g = x.grad(&grads).ok_or_else(|| Error::Attribution("the backward pass gave no gradient for the input".into()))?;
        out.extend(read_vec(g).await?);
    }
    Ok(out)
}

/// Saliency's raw gradient: `∂ output / ∂ x`, `[batch, 4, length]`.
///
/// # Errors
/// [`Error::Device`] when a read-back fails; [`Error::Attribution`] if burn gives no gradient.
pub async fn gradients(model: &Model, x: &OneHot, output: Output, device: &Device) -> Result<Maps> {
    let values = gradient_of(model, &x.values, x.batch, x.length, output, device).await?;
    Ok(Maps { values, batch: x.batch, length: x.length })
}

/// Saliency × input (seed 003): the gradient at the sequence's own bases, 0 elsewhere,
/// `[batch, 4, length]`. For the linear model this is exactly weight × input.
///
/// # Errors
/// As [`gradients`].
pub async fn saliency(model: &Model, x: &OneHot, output: Output, device: &Device) -> Result<Maps> {
    Ok(gradients(model, x, output, device).await?.times_input(x))
}

/// In silico mutagenesis: `output(x with base j at position i) − output(x)` for every base and
/// position, `[batch, 4, length]`; 0 at the sequence's own base (and at an N, where nothing is
/// substituted). `output` is the logit or the probability ([`Output`]; seed 003's
/// `tfomics.explain.mutagenesis` with `layer=-1` takes the probability). The `3 × length`
/// variants of a sequence run as batched forward passes.
///
/// # Errors
/// [`Error::Device`] when a read-back fails.
pub async fn ism(model: &Model, x: &OneHot, output: Output, device: &Device) -> Result<Maps> {
    let (l, per) = (x.length, 4 * x.length);
    let wild = predict_output(model, x, output, device).await?;
    let mut values = vec![0.0f32; x.values.len()];
    for b in 0..x.batch {
        let seq = x.sequence(b);
        let mut variants = Vec::with_capacity(3 * l * per);
        let mut cells = Vec::with_capacity(3 * l);
        for i in 0..l {
            let Some(own) = (0..4).find(|&j| seq[j * l + i] > 0.5) else { continue };
            for j in (0..4).filter(|&j| j != own) {
                let mut v = seq.to_vec();
                v[own * l + i] = 0.0;
                v[j * l + i] = 1.0;
                variants.extend(v);
                cells.push(j * l + i);
            }
        }
        if cells.is_empty() {
            continue;
        }
        let batch = OneHot { values: variants, batch: cells.len(), length: l };
        let out = predict_output(model, &batch, output, device).await?;
        for (cell, y) in cells.iter().zip(out) {
            values[b * per + cell] = y - wild[b];
        }
    }
    Ok(Maps { values, batch: x.batch, length: l })
}

/// Maps that add up to the change in output from a reference (integrated gradients, DeepSHAP),
/// with what is needed to check it.
#[derive(Debug, Clone, PartialEq)]
pub struct Additive {
    /// Attributions averaged over the references, `[batch, 4, length]`: `(x − r) · mean
    /// gradient along the path` (integrated gradients) or `(x − r) · multiplier` (DeepSHAP).
    pub maps: Maps,
    /// The model's output for each sequence.
    pub output: Vec<f32>,
    /// The mean output over each sequence's references.
    pub reference_output: Vec<f32>,
}

impl Additive {
    /// Completeness (Sundararajan et al. 2017, axiom 1; DeepLIFT's summation to delta) per
    /// sequence: the attributions' sum against `output − reference_output`, as
    /// `(sum, difference)`.
    pub fn completeness(&self) -> Vec<(f32, f32)> {
        (0..self.maps.batch).map(|b| (self.maps.sequence(b).iter().sum(), self.output[b] - self.reference_output[b])).collect()
    }
}

/// Integrated gradients from `reference` with `steps` points on the path ([`IG_STEPS`] in
/// seed 003), placed and
/// weighted by Gauss–Legendre quadrature (Captum's default, `method="gausslegendre"`; at 20
/// points its error is far below that of 20 evenly spaced steps), multiplied by `x − r` and
/// averaged over the references (10 shuffles drawn from `seed`, or the one fixed reference).
///
/// # Errors
/// As [`gradients`].
pub async fn integrated_gradients(model: &Model, x: &OneHot, reference: Reference, steps: usize, seed: u64, output: Output, device: &Device) -> Result<Additive> {
    let (l, per) = (x.length, 4 * x.length);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let steps = steps.max(1);
    let nodes = gauss_legendre(steps);
    let mut values = vec![0.0f32; x.values.len()];
    let mut reference_output = Vec::with_capacity(x.batch);
    for b in 0..x.batch {
        let seq = x.sequence(b);
        let refs = references(seq, l, reference, &mut rng);
        let mut path = Vec::with_capacity(refs.len() * steps * per);
        for r in &refs {
            for &(alpha, _) in &nodes {
                path.extend(r.iter().zip(seq).map(|(r, x)| r + alpha * (x - r)));
            }
        }
        let g = gradient_of(model, &path, refs.len() * steps, l, output, device).await?;
        let per_reference = 1.0 / refs.len() as f32;
        for (ri, r) in refs.iter().enumerate() {
            for (k, &(_, weight)) in nodes.iter().enumerate() {
                let g = &g[(ri * steps + k) * per..(ri * steps + k + 1) * per];
                for c in 0..per {
                    values[b * per + c] += (seq[c] - r[c]) * g[c] * weight * per_reference;
                }
            }
        }
        let flat: Vec<f32> = refs.concat();
        let ys = predict_output(model, &OneHot { values: flat, batch: refs.len(), length: l }, output, device).await?;
        reference_output.push(ys.iter().sum::<f32>() / ys.len() as f32);
    }
    let outputs = predict_output(model, x, output, device).await?;
    Ok(Additive { maps: Maps { values, batch: x.batch, length: l }, output: outputs, reference_output })
}

/// Gauss–Legendre quadrature on `[0, 1]`: `n` nodes and their weights (which sum to 1), from
/// Newton's iteration on the Legendre polynomial `P_n` (Numerical Recipes' `gauleg`).
pub fn gauss_legendre(n: usize) -> Vec<(f32, f32)> {
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let mut z = (std::f64::consts::PI * (i as f64 + 0.75) / (n as f64 + 0.5)).cos();
        let mut dp = 1.0;
        for _ in 0..100 {
            let (mut p0, mut p1) = (1.0f64, 0.0f64);
            for j in 0..n {
                let p2 = p1;
                p1 = p0;
                p0 = ((2 * j + 1) as f64 * z * p1 - j as f64 * p2) / (j + 1) as f64;
            }
            dp = n as f64 * (z * p0 - p1) / (z * z - 1.0);
            let dz = p0 / dp;
            z -= dz;
            if dz.abs() < 1e-15 {
                break;
            }
        }
        let w = 2.0 / ((1.0 - z * z) * dp * dp);
        out.push((((1.0 - z) / 2.0) as f32, (w / 2.0) as f32));
    }
    out
}

/// DeepSHAP (shap's `DeepExplainer`, as seed 003 runs it): DeepLIFT's rescale rule
/// ([`super::deeplift`]) from each of `references` ([`super::IG_SHUFFLES`] shuffles of the sequence,
/// drawn from `seed`, in seed 003; or one fixed reference), `multiplier · (x − r)`, averaged
/// over the references. The maps add up to `output(x) − mean output(r)` ([`Additive::completeness`]).
/// `output` is the logit, or the probability with the sigmoid under the rescale rule too.
///
/// # Errors
/// [`Error::Attribution`] for the multi-scale model (no rule for its attention pooling) or if
/// burn gives no gradient; [`Error::Device`] when a read-back fails.
pub async fn deepshap(model: &Model, x: &OneHot, reference: Reference, seed: u64, output: Output, device: &Device) -> Result<Additive> {
    let model = &model.valid();
    let ad = device.clone().autodiff();
    let (l, per) = (x.length, 4 * x.length);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    // Input and reference run side by side: half an input chunk of gradients each.
    let chunk = (gradient_chunk(model, l) / 2).max(1);
    let (mut values, mut outputs, mut reference_output) = (vec![0.0f32; x.values.len()], Vec::with_capacity(x.batch), Vec::with_capacity(x.batch));
    for b in 0..x.batch {
        let seq = x.sequence(b);
        let refs = references(seq, l, reference, &mut rng);
        let weight = 1.0 / refs.len() as f32;
        let mut sum_output = 0.0;
        let mut sum_reference = 0.0;
        for group in refs.chunks(chunk) {
            let m = group.len();
            let xs = Tensor::<3>::from_data(TensorData::new(seq.repeat(m), [m, 4, l]), &ad).require_grad();
            let rs = Tensor::<3>::from_data(TensorData::new(group.concat(), [m, 4, l]), &ad);
            let Some((y, yr)) = model.forward_rescale(xs.clone(), rs) else {
                return Err(Error::Attribution("DeepSHAP has no rule for the multi-scale model's attention pooling; use saliency, ISM or integrated gradients".into()));
            };
            let (y, yr) = match output {
                Output::Logit => (y, yr),
                Output::Probability => super::deeplift::rescale(activation::sigmoid, y, yr),
            };
            let grads = y.clone().sum().backward();
            let g = xs.grad(&grads).ok_or_else(|| Error::Attribution("the backward pass gave no gradient for the input".into()))?;
            let g = read_vec(g).await?;
            for (k, r) in group.iter().enumerate() {
                for c in 0..per {
                    values[b * per + c] += g[k * per + c] * (seq[c] - r[c]) * weight;
                }
            }
            sum_output += read_vec(y.detach()).await?.iter().sum::<f32>();
            sum_reference += read_vec(yr).await?.iter().sum::<f32>();
        }
        outputs.push(sum_output * weight);
        reference_output.push(sum_reference * weight);
    }
    Ok(Additive { maps: Maps { values, batch: x.batch, length: l }, output: outputs, reference_output })
}

/// The map a method shows, `[batch, 4, length]`: saliency × input, ISM's L2 norm on the
/// sequence's own base, integrated gradients or DeepSHAP from `reference` (shuffles drawn from
/// `seed`), or ISM mean-centred at every base; each of `output` ([`Output`]).
///
/// # Errors
/// As [`gradients`]; DeepSHAP as [`deepshap`].
pub async fn explain(model: &Model, x: &OneHot, method: Method, reference: Reference, seed: u64, output: Output, device: &Device) -> Result<Maps> {
    match method {
        Method::Saliency => saliency(model, x, output, device).await,
        Method::Ism => Ok(ism(model, x, output, device).await?.ism_l2(x)),
        Method::Ig => Ok(integrated_gradients(model, x, reference, IG_STEPS, seed, output, device).await?.maps),
        Method::IsmCentred => Ok(ism(model, x, output, device).await?.mean_centred()),
        Method::DeepShap => Ok(deepshap(model, x, reference, seed, output, device).await?.maps),
    }
}

/// tangermeme's marginalisation: insert `motif` at `position` of each background sequence and
/// report the change in output, beside a shuffled copy of the motif at the same place (seeded).
///
/// # Errors
/// [`Error::Attribution`] for a motif that is empty, has a bad character or does not fit;
/// [`Error::Device`] when a read-back fails.
pub async fn insertion(model: &Model, backgrounds: &[String], motif: &Insert, position: usize, seed: u64, device: &Device) -> Result<Experiment> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5EED);
    let shuffled = motif.shuffled(&mut rng);
    let control_text = match &shuffled {
        Insert::Sequence(s) => s.clone(),
        Insert::Matrix(m) => crate::interpret::Ppm { probs: m.clone() }.consensus(),
    };
    let before = predict(model, &one_hot(backgrounds)?, device).await?;
    let with = insert_into(backgrounds, motif, position, seed)?;
    let after = predict(model, &one_hot(&with)?, device).await?;
    let ctrl = insert_into(backgrounds, &shuffled, position, seed)?;
    let after_ctrl = predict(model, &one_hot(&ctrl)?, device).await?;
    Ok(Experiment { motif: Effect::new(&before, &after)?, control: Effect::new(&before, &after_ctrl)?, control_text })
}

/// Localisation AUROC of the first-layer scans (seed 003, Extended Data Fig. 1c): at each
/// window the largest response over the filters (after the activation), centred, scored per
/// region as [`super::Localisation`]. `None` for models without one first layer (linear,
/// multi-scale) or without both kinds of region.
///
/// # Errors
/// [`Error::Device`] when a read-back fails.
pub async fn filter_localisation(model: &Model, x: &OneHot, information: &[f32], device: &Device) -> Result<Option<f64>> {
    let (Some(maps), Some(w)) = (crate::trainer::filter_maps(model, x, device).await?, model.first_layer_weight()) else { return Ok(None) };
    let width = w.dims()[2];
    let (l, p) = (x.length, maps.positions);
    let mut loc = super::Localisation::default();
    for b in 0..x.batch {
        let post = &maps.post[b * maps.num_filters * p..(b + 1) * maps.num_filters * p];
        loc.add(&super::filter_scan(post, maps.num_filters, p, width, l), &information[b * l..(b + 1) * l]);
    }
    Ok(loc.auroc())
}
