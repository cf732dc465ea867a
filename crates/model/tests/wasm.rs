//! The model crate in wasm32 (run by wasm-bindgen-test-runner in Node): the split is the same
//! as natively, the CNN trains on the Flex CPU backend, and Flex's matrix product stays within
//! the dot-product error bound (also with `+relaxed-simd`'s fused multiply-adds).
#![cfg(target_arch = "wasm32")]

use dnaplay_model::BackendChoice;
use dnaplay_model::burn::tensor::{Device, Tensor, TensorData};
use dnaplay_model::data::{GOLDEN_TRAIN_SEED_17, RegressionData, SplitFractions, split};
use dnaplay_model::models::ModelConfig;
use dnaplay_model::scoring::ScoringRule;
use dnaplay_model::trainer::{TrainConfig, Trainer};
use wasm_bindgen_test::*;

mod common {
    pub mod conv_bench;
}

#[wasm_bindgen_test]
fn split_matches_native() {
    // The same constant is asserted natively in `data::tests::split_golden_values`.
    let s = split(65_536, SplitFractions::default(), 17).unwrap();
    assert_eq!(&s.train[..5], GOLDEN_TRAIN_SEED_17);
    assert_eq!((s.train.len(), s.val.len(), s.test.len()), (41_942, 10_486, 13_108));
}

fn kmer_task(k: usize) -> (RegressionData, RegressionData) {
    let data = RegressionData::kmer_task(k, &ScoringRule::default()).unwrap();
    let s = split(data.len(), SplitFractions::default(), 17).unwrap();
    (data.subset(&s.train), data.subset(&s.val))
}

#[wasm_bindgen_test]
async fn cnn_loss_falls_on_flex() {
    let (train, val) = kmer_task(7);
    // The settings of the native `trainer::tests::cnn_loss_falls_over_a_few_epochs`.
    let config = TrainConfig { batch_size: 32, num_epochs: 4, ..TrainConfig::default() };
    let device = BackendChoice::Flex.device().unwrap();
    let mut trainer = Trainer::new(ModelConfig::cnn(7), config, &train, &val, &device).unwrap();
    let first = trainer.step_epoch().await.unwrap();
    let mut last = first.clone();
    while !trainer.is_finished() {
        last = trainer.step_epoch().await.unwrap();
    }
    assert!(last.val_loss < 0.6 * first.val_loss, "{first:?} → {last:?}");
}

/// Burn-flex's matrix product (gemm's wasm microkernels: a multiply and an add, or with
/// `+relaxed-simd` one `f32x4.relaxed_madd`, crates/patched/README.md) against the same product
/// in f64, within the forward error bound of a dot product of length k in any summation order,
/// |ĉ − c| ≤ γₖ·Σ|a||b| with γₖ = k·u/(1 − k·u) and u = 2⁻²⁴ (Higham, *Accuracy and Stability of
/// Numerical Algorithms*, 2nd ed., §3.1); a fused multiply-add rounds once where the pair rounds
/// twice, so the bound holds for both builds. The shapes are the trainers': the 8-mer CNN's
/// dense layer, CNN-dist's im2col products, and odd sizes that leave gemm's edge kernels work.
#[wasm_bindgen_test]
fn matmul_is_within_the_dot_product_bound() {
    let device = Device::flex();
    // A fixed sequence in [-1, 1) (a 64-bit LCG, Knuth's MMIX constants): no rand needed.
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move || {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        ((state >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
    };
    for (m, k, n) in [(768, 12, 32), (1, 192, 128), (2000, 168, 24), (100, 384, 64), (37, 201, 19)] {
        let a: Vec<f32> = (0..m * k).map(|_| next()).collect();
        let b: Vec<f32> = (0..k * n).map(|_| next()).collect();
        let ta = Tensor::<2>::from_data(TensorData::new(a.clone(), [m, k]), &device);
        let tb = Tensor::<2>::from_data(TensorData::new(b.clone(), [k, n]), &device);
        let c = ta.matmul(tb).into_data().try_to_vec::<f32>().unwrap();
        let u = 2f64.powi(-24);
        let gamma = k as f64 * u / (1.0 - k as f64 * u);
        let mut worst = 0f64;
        for i in 0..m {
            for j in 0..n {
                let (mut exact, mut abs) = (0f64, 0f64);
                for p in 0..k {
                    let t = a[i * k + p] as f64 * b[p * n + j] as f64;
                    exact += t;
                    abs += t.abs();
                }
                let err = (c[i * n + j] as f64 - exact).abs();
                assert!(err <= gamma * abs, "({m}×{k})·({k}×{n}) at [{i}, {j}]: {} against {exact}, error {err:e} over the bound {:e}", c[i * n + j], gamma * abs);
                worst = worst.max(err / (gamma * abs));
            }
        }
        console_log!("({m}×{k})·({k}×{n}): largest error {worst:.3} of the bound");
    }
}

/// Seconds per epoch of seed 002's CNN run on each CPU backend built in, in wasm (a benchmark,
/// not a test: run with `--include-ignored --nocapture`; it prints figures and asserts nothing
/// about time).
#[wasm_bindgen_test]
#[ignore]
async fn bench_seed_cnn_epoch() {
    let (train, val) = kmer_task(8);
    for backend in BackendChoice::built().into_iter().filter(|b| b.is_cpu()) {
        let config = TrainConfig { num_epochs: 10, ..TrainConfig::default() };
        let device = backend.device().unwrap();
        let mut trainer = Trainer::new(ModelConfig::cnn(8), config, &train, &val, &device).unwrap();
        let mut times = Vec::new();
        while !trainer.is_finished() {
            let t = js_sys::Date::now();
            let r = trainer.step_epoch().await.unwrap();
            times.push((js_sys::Date::now() - t) / 1000.0);
            console_log!("{backend}: {r}");
        }
        // The first two epochs run while the engine compiles the hot code, optimised.
        let mut timed = times[2..].to_vec();
        timed.sort_by(f64::total_cmp);
        console_log!("wasm {backend}: s/epoch median {:.3} of epochs 3 to 10 ({:.3} to {:.3}; the first two: {:?})", timed[timed.len() / 2], timed[0], timed[timed.len() - 1], &times[..2]);
    }
}

/// CNN-dist's convolutions against two replacements, in wasm (a benchmark: run with
/// `--include-ignored --nocapture`); the native figures come from `conv_kernels.rs`.
#[wasm_bindgen_test]
#[ignore]
fn bench_conv_kernels() {
    common::conv_bench::bench(js_sys::Date::now, |line| console_log!("wasm {line}"));
}
