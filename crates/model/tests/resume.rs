//! A run with dropout and batch norm, stopped between epochs and resumed from its snapshot's
//! bytes, is the run that never stopped ([`Trainer::snapshot`], [`Trainer::resume`]).
//!
//! A test binary of its own, as `dropout.rs`: burn-flex's generator is one per process, and unit
//! tests on other threads would draw from it between a reseed and its forward pass.
#![cfg(not(target_family = "wasm"))]

use dnaplay_model::BackendChoice;
use dnaplay_model::models::{Activation, ModelConfig};
use dnaplay_model::tasks::{ClassTask, ClassTaskKind};
use dnaplay_model::trainer::{EarlyStopping, Monitor, ReduceLrOnPlateau, Snapshot, TrainConfig, Trainer};

#[test]
fn a_run_with_dropout_resumed_after_one_or_two_epochs_is_the_run_that_never_stopped() {
    // Seed 003's CNN-local on Task 3: dropout (its generator's place is in the snapshot), batch
    // norm's running statistics, Adam, binary cross-entropy, weight decay. The schedule watches
    // the validation loss with a patience of 1, so its counters at the stop decide the later
    // epochs' learning rate and which epoch's weights are restored at the end.
    let task = ClassTask::generate(ClassTaskKind::Task3, 600, 7).unwrap();
    let (train, val, test) = task.data();
    let config = TrainConfig {
        batch_size: 40,
        num_epochs: 4,
        seed: 5,
        monitor: Monitor::ValLoss,
        early_stopping: Some(EarlyStopping { patience: 5, restore_best: true }),
        reduce_lr: Some(ReduceLrOnPlateau { factor: 0.5, patience: 1, min_lr: 1e-6 }),
        ..TrainConfig::seed003()
    };
    let model = ModelConfig::cnn_local(200, Activation::Relu);
    let device = BackendChoice::default_cpu().unwrap().device().unwrap();
    let probe: Vec<&str> = test.seqs[..8].iter().map(String::as_str).collect();
    let fresh = || Trainer::new(model.clone(), config.clone(), &train, &val, &device).unwrap();
    let finish = |t: &mut Trainer| {
        while !t.is_finished() {
            pollster::block_on(t.step_epoch()).unwrap();
        }
        (t.history().to_vec(), pollster::block_on(t.predict_seqs(&probe)).unwrap())
    };
    let straight = finish(&mut fresh());
    // Epoch 1's validation loss is above epoch 0's, so the learning rate halves after it:
    // stopped after epoch 0, the counters decide that cut; after epoch 1, the halved rate goes on.
    for stop in [1, 2] {
        let mut first = fresh();
        for _ in 0..stop {
            pollster::block_on(first.step_epoch()).unwrap();
        }
        let bytes = first.snapshot().unwrap().to_bytes().unwrap();
        drop(first);
        let mut second = fresh();
        second.resume(Snapshot::from_bytes(&bytes).unwrap()).unwrap();
        let resumed = finish(&mut second);
        assert_eq!(resumed, straight, "resumed after {stop} epochs");
    }
    assert_eq!(straight.0.iter().map(|r| r.learning_rate).collect::<Vec<_>>(), [0.001, 0.001, 0.0005, 0.0005]);
    println!("{} epochs, learning rates {:?}", straight.0.len(), straight.0.iter().map(|r| r.learning_rate).collect::<Vec<_>>());
}
