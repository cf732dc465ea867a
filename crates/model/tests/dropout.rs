//! Each run draws its own dropout masks ([`Trainer::step_batch`] reseeds the mask generator,
//! the model crate's per thread on the CPU devices and the device's own on WebGPU, from the
//! run's stream before every batch), so runs stepped side by side, as the page's worker steps
//! lesson 9's pair, give what each gives alone.
//!
//! A test binary of its own: burn-flex's generator (which the trainer also reseeds) is one per
//! process, and unit tests running on other threads at the same time would draw from it between
//! a reseed and its forward pass.
#![cfg(not(target_family = "wasm"))]

use dnaplay_model::BackendChoice;
use dnaplay_model::models::{Activation, ModelConfig};
use dnaplay_model::tasks::{ClassTask, ClassTaskKind};
use dnaplay_model::trainer::{StepOutcome, TrainConfig, Trainer};

#[test]
fn runs_trained_side_by_side_draw_their_own_dropout() {
    // CNN-dist has dropout after every block. The defect this guards: lesson 9's relu run
    // landed at validation AUROC 0.696 or 0.728 depending on the worker's slice timing.
    let task = ClassTask::generate(ClassTaskKind::Task3, 200, 5).unwrap();
    let (train, val, _) = task.data();
    let config = |seed| TrainConfig { batch_size: 20, num_epochs: 1, seed, ..TrainConfig::seed003() };
    let model = ModelConfig::cnn_dist(200, Activation::Relu);
    let device = BackendChoice::default_cpu().unwrap().device().unwrap();
    let alone = |seed| {
        let mut t = Trainer::new(model.clone(), config(seed), &train, &val, &device).unwrap();
        pollster::block_on(t.step_epoch()).unwrap()
    };
    let (a, b) = (alone(1), alone(2));
    assert_ne!(a, b, "different seeds train differently");
    let mut ta = Trainer::new(model.clone(), config(1), &train, &val, &device).unwrap();
    let mut tb = Trainer::new(model.clone(), config(2), &train, &val, &device).unwrap();
    let (mut ra, mut rb) = (None, None);
    while ra.is_none() || rb.is_none() {
        for (t, r) in [(&mut ta, &mut ra), (&mut tb, &mut rb)] {
            if r.is_none() {
                if let StepOutcome::Epoch(record) = pollster::block_on(t.step_batch()).unwrap() {
                    *r = Some(record);
                }
            }
        }
    }
    assert_eq!(ra.unwrap(), a);
    assert_eq!(rb.unwrap(), b);
}
