//! Memory over a long run of the 8-mer CNN's hand-written training step (issue 26): the
//! trainer's resident memory levels off. Its own test binary, so no other test's allocations
//! move the process's resident set while it measures.

#![cfg(target_os = "linux")]

use dnaplay_model::data::RegressionData;
use dnaplay_model::models::ModelConfig;
use dnaplay_model::scoring::ScoringRule;
use dnaplay_model::trainer::{TrainConfig, Trainer};

/// The process's resident set, in bytes (`/proc/self/statm`'s second field, in pages of 4 KiB).
fn resident_bytes() -> f64 {
    let statm = std::fs::read_to_string("/proc/self/statm").expect("Linux's /proc/self/statm");
    statm.split_whitespace().nth(1).and_then(|p| p.parse::<f64>().ok()).expect("resident pages") * 4096.0
}

/// Each optimizer step registers the new parameters as burn-autodiff roots, which burn frees only
/// inside a backward pass; the hand-written step runs none, so the trainer sweeps them
/// (`SWEEP_EVERY` in `trainer/stepper.rs`). Without the sweep, the 2,400 steps here grew the
/// resident set by about 12 MB (1.7 MB per epoch of seed 002's full run: 20.4 to 86.8 MB over
/// 39 epochs, measured 2026-12-05); with it, by under 1 MB.
#[test]
fn the_hand_written_step_does_not_grow_memory_over_thousands_of_steps() {
    let data = RegressionData::kmer_task(8, &ScoringRule::default()).unwrap();
    let train = data.subset(&(0..3_200).collect::<Vec<_>>());
    let val = data.subset(&(3_200..4_000).collect::<Vec<_>>());
    // Batches of 32: 192 windows each, more than the table's 125 rows, so the step is the
    // hand-written one (CnnModel::table_pays); 100 steps an epoch.
    let config = TrainConfig { num_epochs: 25, batch_size: 32, seed: 3, ..TrainConfig::default() };
    let device = dnaplay_model::burn::tensor::Device::flex();
    let mut trainer = Trainer::new(ModelConfig::cnn(8), config, &train, &val, &device).unwrap();
    assert!(trainer.uses_hand_step(), "the CNN trains by the hand-written step here");
    pollster::block_on(trainer.step_epoch()).unwrap();
    let before = resident_bytes();
    let mut last = None;
    for _ in 1..25 {
        last = Some(pollster::block_on(trainer.step_epoch()).unwrap());
    }
    let grown = resident_bytes() - before;
    let record = last.unwrap();
    assert!(record.val_loss.is_finite() && record.val_loss < 10.0, "it trains: {record:?}");
    assert!(grown < 4e6, "the resident set grew {:.1} MB over 2,400 steps", grown / 1e6);
}
