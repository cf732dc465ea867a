//! Dropout with its masks drawn in bulk on the CPU devices.
//!
//! burn's [`Dropout::forward`] draws its mask through `Tensor::random_like` with a Bernoulli
//! distribution, which the CPU backends fill one element at a time (burn-std's
//! `TensorData::random` builds a sampler for every element). In seed 000's multi-scale CNN, whose
//! four branches drop 20% of `[batch, 64, 200]` features each, that was a fifth of a training
//! batch natively (`perf`, 2026-12-04: `ElementRandom::random`, `Distribution::sampler` and
//! ChaCha under `Dropout::forward`). [`dropout`] draws the same kind of mask as 32-bit words from
//! a ChaCha8 generator in one pass, with the `1 / (1 − p)` scaling folded in, and applies it with
//! one multiplication. On other devices (WebGPU) it leaves the mask to burn, where the device
//! draws it.
//!
//! The generator is per thread and reseeded by the trainer before each batch ([`seed`]), as the
//! trainer seeds the device's own generator, so a run's masks follow from its seed.

use std::cell::RefCell;

use burn::nn::Dropout;
use burn::tensor::{Device, Tensor, TensorData};
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};

thread_local! {
    static MASK_RNG: RefCell<ChaCha8Rng> = RefCell::new(ChaCha8Rng::seed_from_u64(0));
}

/// Reseeds this thread's mask generator. The trainer calls it before each batch's forward pass.
pub(crate) fn seed(seed: u64) {
    MASK_RNG.with(|r| *r.borrow_mut() = ChaCha8Rng::seed_from_u64(seed));
}

/// Whether masks for tensors on `device` are drawn here rather than by burn: on the CPU
/// devices.
fn draws_here(device: &Device) -> bool {
    crate::backend::is_cpu_device(device)
}

/// A dropout mask of `n` elements: each is `1 / (1 − prob)` with probability `1 − prob` and 0
/// otherwise, decided by one 32-bit word of `rng` (kept when the word is at least
/// `prob · 2³²`, so the probability is exact to 2⁻³²).
fn mask(n: usize, prob: f64, rng: &mut ChaCha8Rng) -> Vec<f32> {
    let threshold = (prob * 4_294_967_296.0).round() as u64;
    let scale = (1.0 / (1.0 - prob)) as f32;
    let mut out = Vec::with_capacity(n);
    let mut words = [0u32; 256];
    while out.len() < n {
        let take = (n - out.len()).min(words.len());
        rng.fill(&mut words[..take]);
        out.extend(words[..take].iter().map(|&w| if u64::from(w) >= threshold { scale } else { 0.0 }));
    }
    out
}

/// `layer` applied to `x`: in training (the layer's training flag set, `x` on an autodiff device,
/// a probability above 0) each element is zeroed with the layer's probability and the rest are
/// scaled by `1 / (1 − p)`, as burn's [`Dropout::forward`] does; otherwise `x` unchanged.
///
/// # Shapes
/// - input and output: any shape, `[batch, …]`
pub(crate) fn dropout<const D: usize>(layer: &Dropout, x: Tensor<D>) -> Tensor<D> {
    let device = x.device();
    if !layer.training.is_enabled() || !device.is_autodiff() || layer.prob == 0.0 {
        return x;
    }
    if !draws_here(&device) {
        return layer.forward(x);
    }
    let shape = x.shape();
    let values = MASK_RNG.with(|r| mask(shape.num_elements(), layer.prob, &mut r.borrow_mut()));
    x * Tensor::<D>::from_data(TensorData::new(values, shape), &device)
}

#[cfg(test)]
mod tests {
    use burn::nn::DropoutConfig;

    use super::*;
    use crate::backend::test_device;

    #[test]
    fn masks_keep_the_share_and_the_scale_burn_keeps() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let m = mask(100_000, 0.2, &mut rng);
        let kept = m.iter().filter(|&&v| v != 0.0).count() as f64 / m.len() as f64;
        assert!((kept - 0.8).abs() < 0.005, "kept {kept}, expected 0.8");
        assert!(m.iter().all(|&v| v == 0.0 || v == 1.25), "kept values are scaled by 1 / (1 − 0.2)");
        // Expectation preserved: the mean of the mask is 1.
        let mean = m.iter().map(|&v| f64::from(v)).sum::<f64>() / m.len() as f64;
        assert!((mean - 1.0).abs() < 0.01, "mean {mean}");
        // A length that is not a multiple of the word buffer.
        assert_eq!(mask(1000, 0.5, &mut rng).len(), 1000);
        assert!(mask(1000, 0.0, &mut rng).iter().all(|&v| v == 1.0));
    }

    #[test]
    fn training_masks_follow_the_seed_and_inference_leaves_the_input() {
        let device = test_device();
        let layer = DropoutConfig::new(0.3).init();
        let ad = device.clone().autodiff();
        let x = || Tensor::<3>::ones([2, 4, 50], &ad);
        seed(11);
        let a = dropout(&layer, x()).into_data().try_to_vec::<f32>().unwrap();
        seed(11);
        let b = dropout(&layer, x()).into_data().try_to_vec::<f32>().unwrap();
        let c = dropout(&layer, x()).into_data().try_to_vec::<f32>().unwrap();
        assert_eq!(a, b, "the same seed gives the same mask");
        assert_ne!(b, c, "the next batch gets a new mask");
        let zeros = a.iter().filter(|&&v| v == 0.0).count();
        assert!((90..=150).contains(&zeros), "{zeros} of 400 dropped at p = 0.3 (expected 120 ± 30)");
        assert!(a.iter().all(|&v| v == 0.0 || (v - 1.0 / 0.7).abs() < 1e-6));
        // Not on an autodiff device (evaluation): unchanged.
        let plain = Tensor::<3>::ones([2, 4, 50], &device);
        assert!(dropout(&layer, plain).into_data().try_to_vec::<f32>().unwrap().iter().all(|&v| v == 1.0));
    }

    #[test]
    fn gradients_pass_the_kept_elements_scaled() {
        let device = test_device().autodiff();
        let layer = DropoutConfig::new(0.5).init();
        let x = Tensor::<2>::from_floats([[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]], &device).require_grad();
        seed(5);
        let y = dropout(&layer, x.clone());
        let out = y.clone().into_data().try_to_vec::<f32>().unwrap();
        let grads = y.sum().backward();
        let g = x.grad(&grads).unwrap().into_data().try_to_vec::<f32>().unwrap();
        for (i, (&o, &gi)) in out.iter().zip(&g).enumerate() {
            let expected = if o == 0.0 { 0.0 } else { 2.0 };
            assert_eq!(gi, expected, "element {i}: output {o}, gradient {gi}");
            if o != 0.0 {
                assert_eq!(o, 2.0 * (i as f32 + 1.0));
            }
        }
    }
}
