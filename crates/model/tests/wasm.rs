//! The model crate in wasm32 (run by wasm-bindgen-test-runner in Node): the split is the same
//! as natively, and the CNN trains on the Flex CPU backend.
#![cfg(target_arch = "wasm32")]

use dnaplay_model::BackendChoice;
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

/// Seconds per epoch of seed 002's CNN run on each CPU backend built in, in wasm (a benchmark,
/// not a test: run with `--include-ignored --nocapture`; it prints figures and asserts nothing
/// about time).
#[wasm_bindgen_test]
#[ignore]
async fn bench_seed_cnn_epoch() {
    let (train, val) = kmer_task(8);
    for backend in BackendChoice::built().into_iter().filter(|b| b.is_cpu()) {
        let config = TrainConfig { num_epochs: 4, ..TrainConfig::default() };
        let device = backend.device().unwrap();
        let mut trainer = Trainer::new(ModelConfig::cnn(8), config, &train, &val, &device).unwrap();
        let mut times = Vec::new();
        while !trainer.is_finished() {
            let t = js_sys::Date::now();
            let r = trainer.step_epoch().await.unwrap();
            times.push((js_sys::Date::now() - t) / 1000.0);
            console_log!("{backend}: {r}");
        }
        let timed = &times[1..];
        console_log!("wasm {backend}: s/epoch mean {:.3} (epochs after the first: {timed:?})", timed.iter().sum::<f64>() / timed.len() as f64);
    }
}

/// CNN-dist's convolutions against two replacements, in wasm (a benchmark: run with
/// `--include-ignored --nocapture`); the native figures come from `conv_kernels.rs`.
#[wasm_bindgen_test]
#[ignore]
fn bench_conv_kernels() {
    common::conv_bench::bench(js_sys::Date::now, |line| console_log!("wasm {line}"));
}
