//! Training as a stepper: [`Trainer`] owns the model, optimizer, data and schedule and advances
//! one batch ([`Trainer::step_batch`]) or one epoch ([`Trainer::step_epoch`]) per call. It
//! prints nothing and keeps no clock; the CLI and the web app drive it and time it.
//!
//! Every read-back goes through burn's async API (`into_scalar_async`, `into_data_async`), so
//! the same code runs on WebGPU in a browser; native callers block on the futures.
//!
//! The loop follows seed 002, Part 4 (`train_model`): MSE loss, a reshuffle of the training
//! split every epoch, and per-epoch train and validation loss averaged over batches weighted by
//! batch size. Early stopping and reduce-LR-on-plateau follow seed 000's Keras callbacks.
//! Classification (seed 003, Methods, "Training"): binary cross-entropy on logits, the
//! validation AUROC computed every epoch, and the schedule monitoring it
//! ([`TrainConfig::seed003`]).

//!
//! Split by job: [`config`] (the settings and their checks), [`stepper`] (the [`Trainer`]),
//! [`evaluation`] (what an evaluation gives), [`readback`] (device read-backs in chunks),
//! [`profile`] (where a batch step's time goes) and [`resume`] (a run's state between epochs).

pub mod config;
pub mod evaluation;
pub mod profile;
#[cfg(feature = "burn")]
pub mod readback;
pub mod record;
pub mod resume;
#[cfg(feature = "burn")]
pub mod stepper;

pub use config::{EarlyStopping, LossKind, Monitor, OptimizerKind, ReduceLrOnPlateau, TrainConfig};
pub use evaluation::{ClassEvaluation, Evaluation};
pub use profile::{Clock, Phase, StepProfile};
#[cfg(feature = "burn")]
pub use readback::{EVAL_BATCH, MAX_BUFFER_BYTES, attention_maps, eval_chunk, filter_maps, filter_weights, predict};
pub use record::EpochRecord;
pub use resume::{Snapshot, data_fingerprint};
#[cfg(feature = "burn")]
pub use stepper::{StepOutcome, Trainer};

#[cfg(all(test, feature = "burn"))]
mod tests {
    use super::*;
    use crate::data::RegressionData;
    use crate::error::Error;
    use crate::models::{Activation, ModelConfig, ModelKind};
    use crate::scoring::ScoringRule;
    use crate::sequence::one_hot;
    use crate::backend::test_device;
    use crate::data::{SplitFractions, split};

    fn block<F: std::future::Future>(f: F) -> F::Output {
        pollster::block_on(f)
    }

    fn task(k: usize) -> (RegressionData, RegressionData, RegressionData) {
        let data = RegressionData::kmer_task(k, &ScoringRule::default()).unwrap();
        let s = split(data.len(), SplitFractions::default(), 17).unwrap();
        (data.subset(&s.train), data.subset(&s.val), data.subset(&s.test))
    }

    #[test]
    fn cnn_loss_falls_over_a_few_epochs() {
        let (train, val, test) = task(7);
        let config = TrainConfig { batch_size: 32, num_epochs: 4, ..TrainConfig::default() };
        let mut trainer = Trainer::new(ModelConfig::cnn(7), config, &train, &val, &test_device()).unwrap();
        let mut records = Vec::new();
        while !trainer.is_finished() {
            records.push(block(trainer.step_epoch()).unwrap());
        }
        assert_eq!(records.len(), 4);
        assert!(records[3].val_loss < 0.6 * records[0].val_loss, "{records:?}");
        assert!(records[3].train_loss < records[0].train_loss, "{records:?}");
        let eval = block(trainer.evaluate(&test)).unwrap();
        assert_eq!(eval.predictions.len(), test.len());
        assert!(eval.r_squared > 0.5, "R² {}", eval.r_squared);
        assert!(matches!(block(trainer.step_batch()), Err(Error::Finished)));
    }

    #[test]
    fn step_batch_reports_progress_then_the_epoch() {
        let (train, val, _) = task(4);
        let config = TrainConfig { batch_size: 64, num_epochs: 1, ..TrainConfig::default() };
        let mut trainer = Trainer::new(ModelConfig::linear(4), config, &train, &val, &test_device()).unwrap();
        let per_epoch = trainer.batches_per_epoch();
        assert_eq!(per_epoch, train.len().div_ceil(64));
        assert_eq!(block(trainer.step_batch()).unwrap(), StepOutcome::Batch { batch: 1, batches_per_epoch: per_epoch });
        for _ in 1..per_epoch - 1 {
            block(trainer.step_batch()).unwrap();
        }
        match block(trainer.step_batch()).unwrap() {
            StepOutcome::Epoch(r) => {
                assert_eq!(r.epoch, 0);
                assert!(r.train_loss.is_finite() && r.val_loss.is_finite());
            }
            other => panic!("expected the end of the epoch, got {other:?}"),
        }
        assert!(trainer.is_finished());
    }

    #[test]
    fn evaluation_chunks_fit_webgpu_buffers() {
        let device = test_device();
        let multiscale = ModelConfig::multiscale(200, crate::models::Activation::Relu).init(&device, 1).unwrap();
        // On 1,000-nt uploads: [262, 64, 1000] f32 = 67 MB, under half of 128 MiB. On 200 nt
        // the memory bound (1,310) is above EVAL_BATCH; lesson 10's 4,000 test sequences at
        // n = 20,000 would be 205 MB in one pass.
        assert_eq!(eval_chunk(&multiscale, 1000), 262);
        assert!(eval_chunk(&multiscale, 1000) * 64 * 1000 * 4 <= MAX_BUFFER_BYTES / 2);
        assert_eq!(eval_chunk(&multiscale, 200), EVAL_BATCH);
        let cnn = ModelConfig::cnn(8).init(&device, 1).unwrap();
        assert_eq!(eval_chunk(&cnn, 8), EVAL_BATCH);
    }

    #[test]
    fn the_longest_upload_trains_within_one_webgpu_binding() {
        use crate::models::{Activation, ModelKind};
        use crate::upload::MAX_LENGTH;
        // The largest tensor of each upload model at MAX_LENGTH and the uploads' batch sizes
        // (100 binary, 128 regression), in f32 bytes.
        let l = MAX_LENGTH;
        let multiscale_branch = 100 * crate::deep::MULTISCALE_FILTERS * l * 4;
        let cnn_windows = 128 * (l - 2) * 4 * 3 * 4;
        let cnn_dist_first = 100 * crate::deep::CNN_DIST[0].filters * l * 4;
        for (what, bytes) in [("multi-scale branch", multiscale_branch), ("8-mer CNN windows", cnn_windows), ("CNN-dist first layer", cnn_dist_first)] {
            assert!(bytes <= MAX_BUFFER_BYTES, "{what}: {bytes} B");
        }
        // And the 8-mer CNN trains on 5,000-nt sequences: a batch, then a finite epoch.
        let seqs: Vec<String> = (0..24).map(|i| (0..l).map(|j| ['A', 'C', 'G', 'T'][(i * 7 + j * j % 11 + j / 3) % 4]).collect()).collect();
        let targets: Vec<f32> = (0..24).map(|i| i as f32 / 24.0).collect();
        let train = RegressionData { seqs: seqs[..16].to_vec(), targets: targets[..16].to_vec() };
        let val = RegressionData { seqs: seqs[16..].to_vec(), targets: targets[16..].to_vec() };
        let config = TrainConfig { batch_size: 8, num_epochs: 1, ..TrainConfig::default() };
        let model = ModelConfig::of_kind(ModelKind::Cnn, l, Activation::Relu);
        let mut trainer = Trainer::new(model, config, &train, &val, &test_device()).unwrap();
        let record = block(trainer.step_epoch()).unwrap();
        assert!(record.train_loss.is_finite() && record.val_loss.is_finite(), "{record:?}");
    }

    #[test]
    fn the_first_layer_penalty_adds_its_gradient_to_that_kernel_alone() {
        // Seed 003's log-relu penalty (settings::L2_FIRST): λ/2 · Σw² on the first convolution's
        // kernel, so one SGD step of rate η moves that kernel by a further −η · λ · w₀.
        let (train, val, _) = task(8);
        let (lr, l2) = (0.01, 0.2);
        let step = |model: ModelConfig, first_layer_l2: f64| {
            let config = TrainConfig { learning_rate: lr, batch_size: 32, num_epochs: 1, first_layer_l2, ..TrainConfig::default() };
            let mut t = Trainer::new(model, config, &train, &val, &test_device()).unwrap();
            let before = t.model().first_layer_weight().map(|w| w.into_data().try_to_vec::<f32>().unwrap());
            block(t.step_batch()).unwrap();
            let after = t.model().first_layer_weight().map(|w| w.into_data().try_to_vec::<f32>().unwrap());
            let predictions = block(t.predict_seqs(&["ACGTACGT", "CCCCCTAT", "GGGGGGGG"])).unwrap();
            (before, after, predictions)
        };
        let (Some(w0), Some(plain), _) = step(ModelConfig::cnn(8), 0.0) else { panic!("the 8-mer CNN has a first layer") };
        let (_, Some(penalised), _) = step(ModelConfig::cnn(8), l2) else { panic!() };
        assert_eq!(w0.len(), 32 * 4 * 3);
        let worst = w0.iter().zip(plain.iter().zip(&penalised)).map(|(w, (a, b))| ((b - a) - (-(lr * l2) as f32 * w)).abs()).fold(0.0f32, f32::max);
        assert!(worst < 1e-6, "largest departure from −η·λ·w₀: {worst}");
        assert!(w0.iter().zip(&plain).any(|(w, a)| w != a), "the data's own gradient moved the kernel too");
        // The linear and multi-scale models have no first layer of filters: the penalty is
        // refused for them, and ModelKind::has_first_layer agrees with the model built.
        for &kind in ModelKind::ALL {
            let length = if matches!(kind, ModelKind::Linear | ModelKind::Cnn) { 8 } else { 200 };
            let built = ModelConfig::of_kind(kind, length, Activation::Relu).init(&test_device(), 1).unwrap();
            assert_eq!(kind.has_first_layer(), built.first_layer_weight().is_some(), "{kind}");
        }
        let penalised = TrainConfig { first_layer_l2: l2, ..TrainConfig::default() };
        let refusal = Trainer::new(ModelConfig::linear(8), penalised.clone(), &train, &val, &test_device()).err().map(|e| e.to_string());
        assert_eq!(
            refusal.as_deref(),
            Some("invalid training setting: the L2 penalty on the first layer (l2first) applies only to models with one first layer of filters (cnn, cnn-local, cnn-dist, cnn-dist-code, cnn-2, cnn-50, cnn-deep, cnn-deep-code), not to the linear model")
        );
        assert!(penalised.check_model(ModelKind::MultiScale).is_err());
        assert!(TrainConfig::default().check_model(ModelKind::MultiScale).is_ok());
        let negative = TrainConfig { first_layer_l2: -0.2, ..TrainConfig::default() };
        assert_eq!(negative.validate(1000).unwrap_err().to_string(), "invalid training setting: the first layer's L2 penalty must be 0 or more, got -0.2");
    }

    /// Train `epochs` epochs straight, and the same run stopped after `stop` epochs, written
    /// to bytes and resumed in a fresh trainer: the records, the learning rate and the final
    /// predictions must be the same, to the bit.
    fn assert_resume_repeats_the_run(model: ModelConfig, config: TrainConfig, data: (&RegressionData, &RegressionData), stop: usize, probe: &[&str]) {
        let (train, val) = data;
        let fresh = || Trainer::new(model.clone(), config.clone(), train, val, &test_device()).unwrap();
        let finish = |t: &mut Trainer| {
            while !t.is_finished() {
                block(t.step_epoch()).unwrap();
            }
            (t.history().to_vec(), t.learning_rate(), block(t.predict_seqs(probe)).unwrap())
        };
        let straight = finish(&mut fresh());
        let mut first = fresh();
        for _ in 0..stop {
            block(first.step_epoch()).unwrap();
        }
        let bytes = first.snapshot().unwrap().to_bytes().unwrap();
        drop(first);
        let snapshot = Snapshot::from_bytes(&bytes).unwrap();
        assert_eq!(snapshot.epochs(), stop);
        let mut second = fresh();
        second.resume(snapshot).unwrap();
        let resumed = finish(&mut second);
        assert_eq!(resumed, straight, "{}: resumed after {stop} epochs", model.kind);
    }

    #[test]
    fn a_run_resumed_from_a_snapshot_is_the_run_that_never_stopped() {
        // The 8-mer CNN with Adam, the plateau schedule and early stopping that restores the
        // best epoch (its weights are in the snapshot too): seed 000's callbacks, shortened.
        let (train, val, _) = task(6);
        let config = TrainConfig {
            optimizer: OptimizerKind::Adam,
            learning_rate: 0.01,
            batch_size: 64,
            num_epochs: 6,
            early_stopping: Some(EarlyStopping { patience: 3, restore_best: true }),
            reduce_lr: Some(ReduceLrOnPlateau { factor: 0.5, patience: 1, min_lr: 1e-4 }),
            ..TrainConfig::default()
        };
        assert_resume_repeats_the_run(ModelConfig::cnn(6), config, (&train, &val), 2, &["ACGTAC", "CCCCCT", "GGGGGG"]);
        // Dropout and batch norm: crates/model/tests/resume.rs, a test binary of its own.
    }

    #[test]
    fn a_snapshot_is_refused_mid_epoch_and_resumed_only_with_its_own_settings() {
        let (train, val, _) = task(4);
        let config = TrainConfig { batch_size: 16, num_epochs: 2, ..TrainConfig::default() };
        let mut t = Trainer::new(ModelConfig::cnn(4), config.clone(), &train, &val, &test_device()).unwrap();
        block(t.step_batch()).unwrap();
        assert_eq!(t.snapshot().unwrap_err().to_string(), "cannot save or resume the run: a snapshot is taken between epochs, not 1 batches into epoch 0");
        let snapshot = {
            let mut t = Trainer::new(ModelConfig::cnn(4), config.clone(), &train, &val, &test_device()).unwrap();
            block(t.step_epoch()).unwrap();
            t.snapshot().unwrap()
        };
        let other = TrainConfig { learning_rate: 0.02, ..config.clone() };
        let mut t = Trainer::new(ModelConfig::cnn(4), other, &train, &val, &test_device()).unwrap();
        assert!(t.resume(snapshot.clone()).unwrap_err().to_string().contains("cannot save or resume the run: it was trained with other settings"));
        // Other data (another split of the same task) is refused too.
        let (other_train, other_val) = (val.clone(), train.clone());
        let mut t = Trainer::new(ModelConfig::cnn(4), config.clone(), &other_train, &other_val, &test_device()).unwrap();
        assert!(t.resume(snapshot.clone()).unwrap_err().to_string().contains("trained on other data"));
        // Learning rates and losses read back to the bit (seed 003's × 0.3 cut of 0.0005).
        let mut exact = snapshot.clone();
        exact.state.learning_rate = 0.0005 * 0.3;
        exact.state.history[0].learning_rate = 0.0005 * 0.3;
        assert_eq!(Snapshot::from_bytes(&exact.to_bytes().unwrap()).unwrap(), exact);
        let mut hostile = snapshot.clone();
        hostile.state.since_best = usize::MAX;
        let mut t = Trainer::new(ModelConfig::cnn(4), config.clone(), &train, &val, &test_device()).unwrap();
        assert!(t.resume(hostile).unwrap_err().to_string().contains("schedule is out of range"));
        let bytes = snapshot.to_bytes().unwrap();
        for (cut, why) in [(&bytes[..10], "it does not start as one"), (&bytes[..bytes.len() - 1], "cut short")] {
            let e = Snapshot::from_bytes(cut).unwrap_err().to_string();
            assert!(e.contains(why), "{e}");
        }
    }

    #[test]
    fn same_seed_same_run() {
        let (train, val, _) = task(4);
        let config = TrainConfig { batch_size: 16, num_epochs: 2, ..TrainConfig::default() };
        let run = || {
            let mut t = Trainer::new(ModelConfig::cnn(4), config.clone(), &train, &val, &test_device()).unwrap();
            block(t.step_epoch()).unwrap();
            block(t.step_epoch()).unwrap()
        };
        assert_eq!(run(), run());
    }

    #[test]
    fn divergence_is_caught_and_explained() {
        let (train, val, _) = task(5);
        let config = TrainConfig { learning_rate: 10.0, batch_size: 8, num_epochs: 3, ..TrainConfig::default() };
        let mut trainer = Trainer::new(ModelConfig::cnn(5), config, &train, &val, &test_device()).unwrap();
        let mut batches = 0;
        let err = loop {
            match block(trainer.step_batch()) {
                Ok(_) => batches += 1,
                Err(e) => break e,
            }
        };
        // Caught at the batch where it happened, within the first epoch, not at its end.
        assert!(matches!(err, Error::Diverged { epoch: 0, batch: Some(b), .. } if b == batches), "{err:?} after {batches} batches");
        assert!(batches < trainer.batches_per_epoch(), "{batches}");
        assert!(err.to_string().contains(&format!("at batch {} of epoch 0", batches + 1)), "{err}");
        assert!(err.to_string().contains("try a lower learning rate"), "{err}");
        assert!(trainer.is_finished() && trainer.diverged(), "training stops after divergence");
        assert!(matches!(block(trainer.step_batch()), Err(Error::Finished)));
    }

    #[test]
    fn bad_settings_are_refused() {
        let (train, val, _) = task(4);
        let device = test_device();
        let try_config = |c: TrainConfig| Trainer::new(ModelConfig::cnn(4), c, &train, &val, &device).err().unwrap();
        let base = TrainConfig::default();
        assert_eq!(try_config(TrainConfig { batch_size: 0, ..base.clone() }), Error::BatchSize { batch_size: 0, max: train.len() });
        assert_eq!(try_config(TrainConfig { batch_size: train.len() + 1, ..base.clone() }), Error::BatchSize { batch_size: train.len() + 1, max: train.len() });
        // The same words as the link and the CLI (settings.rs).
        for lr in [0.0, -1.0, f64::NAN, f64::INFINITY, 11.0] {
            let e = try_config(TrainConfig { learning_rate: lr, ..base.clone() });
            assert!(matches!(&e, Error::Refused(r) if r.label == "learning rate"), "{e:?}");
            assert!(e.to_string().starts_with(&format!("learning rate {lr} is invalid; it must be a number above 0 and at most 10")), "{e}");
        }
        assert_eq!(try_config(TrainConfig { num_epochs: 0, ..base.clone() }).to_string(), "epochs 0 is invalid; it must be a whole number from 1 to 1,000 (the seed uses 50)");
        assert!(matches!(try_config(TrainConfig { num_epochs: usize::MAX, ..base.clone() }), Error::Refused(_)));
        let wrong_len = Trainer::new(ModelConfig::cnn(5), base, &train, &val, &device).err().unwrap();
        assert_eq!(wrong_len, Error::ModelLength { expected: 5, found: 4 });
        assert_eq!(wrong_len.to_string(), "the sequences have length 4, but the model takes sequences of length 5");
    }

    #[test]
    fn classification_settings_are_checked() {
        let (train, val, _) = task(4);
        let device = test_device();
        let bce = TrainConfig { loss: LossKind::BinaryCrossEntropy, ..TrainConfig::default() };
        let err = Trainer::new(ModelConfig::linear(4), bce.clone(), &train, &val, &device).err().unwrap();
        assert!(err.to_string().starts_with("invalid training setting: binary cross-entropy needs 0/1 labels; label 0 is "), "{err}");
        let auroc_on_mse = TrainConfig { monitor: Monitor::ValAuroc, ..TrainConfig::default() };
        assert_eq!(
            auroc_on_mse.validate(1000).unwrap_err().to_string(),
            "invalid training setting: the validation AUROC or AUPR can only be monitored with the binary cross-entropy loss"
        );
        let negative_l2 = TrainConfig { weight_decay: -1e-6, ..TrainConfig::default() };
        assert_eq!(negative_l2.validate(1000).unwrap_err().to_string(), "invalid training setting: the L2 weight decay must be 0 or more, got -0.000001");
    }

    #[test]
    fn a_lessons_rate_is_refused_in_its_own_settings_words() {
        let too_fast = TrainConfig { learning_rate: 11.0, ..TrainConfig::default() };
        for rate in [&crate::settings::LEARNING_RATE, &crate::settings::EXP_LR, &crate::settings::KERAS_LR] {
            let refusal = too_fast.validate_rate(1000, rate).unwrap_err().to_string();
            assert!(refusal.contains(&format!("{} 11 is invalid", rate.label)), "{refusal}");
        }
        assert!(too_fast.validate(1000).unwrap_err().to_string().contains("learning rate 11 is invalid"));
        assert!(TrainConfig::default().validate_rate(1000, &crate::settings::KERAS_LR).is_ok());
    }

    #[test]
    fn a_validation_split_of_one_class_keeps_the_epoch_of_the_lowest_loss() {
        // A small upload's validation split can hold one class: its AUROC is undefined every
        // epoch, and the kept epoch is the one of the lowest validation loss, not the first.
        let (train, val, _) = task(5);
        let median = { let mut t = train.targets.clone(); t.sort_by(f32::total_cmp); t[t.len() / 2] };
        let train = RegressionData { seqs: train.seqs.clone(), targets: train.targets.iter().map(|&y| if y > median { 1.0 } else { 0.0 }).collect() };
        // The validation split's positives alone (their true label, one class).
        let positives: Vec<usize> = (0..val.len()).filter(|&i| val.targets[i] > median).collect();
        let val = RegressionData { seqs: positives.iter().map(|&i| val.seqs[i].clone()).collect(), targets: vec![1.0; positives.len()] };
        let config = TrainConfig {
            loss: LossKind::BinaryCrossEntropy,
            monitor: Monitor::ValAuroc,
            early_stopping: Some(EarlyStopping { patience: 10, restore_best: true }),
            ..crate::upload::UserTask::Binary.default_training()
        };
        let config = TrainConfig { num_epochs: 6, batch_size: 64, ..config };
        let mut trainer = Trainer::new(ModelConfig::cnn(5), config, &train, &val, &test_device()).unwrap();
        let mut history = Vec::new();
        while !trainer.is_finished() {
            history.push(block(trainer.step_epoch()).unwrap());
        }
        assert!(history.iter().all(|r| r.val_auroc.is_none()), "one class: no AUROC");
        let best = history.iter().enumerate().min_by(|a, b| a.1.val_loss.total_cmp(&b.1.val_loss)).unwrap();
        assert_ne!(best.0, 0, "the loss falls after the first epoch: {history:?}");
        let kept = block(trainer.evaluate(&val)).unwrap();
        let loss = crate::metrics::bce_with_logits(&val.targets, &kept.predictions);
        assert!((loss - f64::from(best.1.val_loss)).abs() < 1e-4, "kept epoch's loss {loss}, best epoch {} at {}", best.0, best.1.val_loss);
    }

    #[test]
    fn early_stopping_and_plateau_schedule() {
        let (train, val, _) = task(4);
        let config = TrainConfig {
            learning_rate: 1e-9,
            batch_size: 64,
            num_epochs: 30,
            early_stopping: Some(EarlyStopping { patience: 3, restore_best: true }),
            reduce_lr: Some(ReduceLrOnPlateau { factor: 0.5, patience: 2, min_lr: 1e-10 }),
            ..TrainConfig::default()
        };
        // With a learning rate of 1e-9 nothing improves by more than 1e-4: the rate halves
        // after 2 flat epochs and training stops after 3 epochs without a new best.
        let mut trainer = Trainer::new(ModelConfig::linear(4), config, &train, &val, &test_device()).unwrap();
        while !trainer.is_finished() {
            block(trainer.step_epoch()).unwrap();
        }
        assert!(trainer.stopped_early());
        assert!(trainer.epoch() < 30, "stopped after {} epochs", trainer.epoch());
        assert!(trainer.learning_rate() < 1e-9, "learning rate was reduced to {}", trainer.learning_rate());
    }

    #[test]
    fn filters_weights_and_maps_have_seed_shapes() {
        let (train, val, _) = task(8);
        let config = TrainConfig { num_epochs: 1, ..TrainConfig::default() };
        let trainer = Trainer::new(ModelConfig::cnn(8), config, &train.subset(&(0..256).collect::<Vec<_>>()), &val, &test_device()).unwrap();
        let model = trainer.inference_model();
        let w = block(filter_weights(&model)).unwrap().unwrap();
        assert_eq!((w.num_filters, w.width, w.values.len()), (32, 3, 32 * 4 * 3));
        let x = one_hot(&["ACGTACGT", "TTTTTTTT"]).unwrap();
        let maps = block(filter_maps(&model, &x, &trainer.device())).unwrap().unwrap();
        assert_eq!((maps.batch, maps.num_filters, maps.positions), (2, 32, 6));
        // relu: post = max(pre, 0).
        assert!(maps.pre.iter().zip(&maps.post).all(|(a, b)| (a.max(0.0) - b).abs() < 1e-6));
    }
}

