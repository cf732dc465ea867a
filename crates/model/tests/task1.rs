//! Seed 003's Task 1 end to end: 12-label data, the multi-task models, the mean-over-tasks
//! metrics, and the refusals of data that does not fit the model.
#![cfg(not(target_family = "wasm"))]

use dnaplay_model::BackendChoice;
use dnaplay_model::matching::MatchConfig;
use dnaplay_model::metrics::{aupr, per_task, per_task_mean};
use dnaplay_model::models::{Activation, ModelKind};
use dnaplay_model::tasks::{ClassTask, ClassTaskKind, SEED003_ALIGNMENT, filter_report};
use dnaplay_model::trainer::{ClassEvaluation, Monitor, TrainConfig, Trainer};

#[test]
fn a_task1_model_learns_all_twelve_labels() {
    let task = ClassTask::generate(ClassTaskKind::Task1, 3000, 3).unwrap();
    let (train, val, test) = task.data();
    assert_eq!(train.targets_per_seq(), 12);
    let device = BackendChoice::default_cpu().unwrap().device().unwrap();
    let config = TrainConfig { num_epochs: 3, learning_rate: 3e-3, ..ClassTaskKind::Task1.default_training() };
    assert_eq!(config.monitor, Monitor::ValAupr);
    let model = task.model(ModelKind::Cnn50, Activation::Exp);
    let mut trainer = Trainer::new(model, config, &train, &val, &device).unwrap();
    let mut last = None;
    while !trainer.is_finished() {
        last = Some(pollster::block_on(trainer.step_epoch()).unwrap());
    }
    let last = last.unwrap();
    let (auroc, aupr_mean) = (last.val_auroc.unwrap(), last.val_aupr.unwrap());
    assert!(last.to_string().contains("val AUPR"), "{last}");
    // Chance AUPR is the positive rate, about 0.22 (3 motifs of 12 on average, 1 to 5 drawn).
    let rate = test.targets.iter().sum::<f32>() / test.targets.len() as f32;
    assert!((0.15..0.3).contains(&rate), "positive rate {rate}");
    assert!(auroc > 0.6 && aupr_mean > rate + 0.1, "val AUROC {auroc}, AUPR {aupr_mean} against chance {rate}");
    let eval = pollster::block_on(trainer.evaluate_classification(&test)).unwrap();
    assert_eq!((eval.tasks, eval.task_aupr.len(), eval.probabilities.len()), (12, 12, test.len() * 12));
    let mean = eval.task_aupr.iter().flatten().sum::<f64>() / 12.0;
    assert!((eval.aupr.unwrap() - mean).abs() < 1e-12);
    // The filters are matched against the 12 motifs.
    let x = test.one_hot().unwrap();
    let report = pollster::block_on(filter_report(&trainer.inference_model(), &x, SEED003_ALIGNMENT, &task.targets, &MatchConfig::default(), &trainer.device())).unwrap().unwrap();
    assert_eq!(report.pfms.len(), 32);
    assert!(report.pfms.iter().all(|p| p.counts.len() == 19));
}

#[test]
fn data_that_does_not_fit_the_outputs_is_refused() {
    let t1 = ClassTask::generate(ClassTaskKind::Task1, 1000, 1).unwrap();
    let t3 = ClassTask::generate(ClassTaskKind::Task3, 1000, 1).unwrap();
    let device = BackendChoice::default_cpu().unwrap().device().unwrap();
    let (train3, val3, _) = t3.data();
    let Err(e) = Trainer::new(t1.model(ModelKind::CnnDeep, Activation::Relu), TrainConfig::seed003_task1(), &train3, &val3, &device) else { panic!("one label per sequence fits no 12-output model") };
    assert_eq!(e.to_string(), "invalid training setting: cnn-deep has 12 output(s) per sequence but the training data has 700 targets for 700 sequences");
    let (train1, val1, _) = t1.data();
    let Err(e) = Trainer::new(t3.model(ModelKind::CnnDist, Activation::Relu), TrainConfig::seed003(), &train1, &val1, &device) else { panic!("12 labels fit no 1-output model") };
    assert!(e.to_string().contains("cnn-dist has 1 output(s) per sequence but the training data has 8400 targets"), "{e}");
}

#[test]
fn per_task_metrics_average_over_the_tasks() {
    // Two tasks, row-major [4 sequences, 2]: task 0 is ranked perfectly, task 1 backwards.
    let targets = [1.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 1.0];
    let scores = [0.9, 0.9, 0.8, 0.8, 0.2, 0.1, 0.1, 0.2];
    let each = per_task(&targets, &scores, 2, aupr);
    assert_eq!(each[0], Some(1.0));
    // Task 1: positives score 0.1 and 0.2 below both negatives (0.9, 0.8): AP = (1/3 + 2/4) / 2.
    assert!((each[1].unwrap() - (1.0 / 3.0 + 0.5) / 2.0).abs() < 1e-12, "{each:?}");
    assert_eq!(per_task_mean(&targets, &scores, 2, aupr), Some((1.0 + (1.0 / 3.0 + 0.5) / 2.0) / 2.0));
    let logits: Vec<f32> = scores.iter().map(|p: &f32| (p / (1.0 - p)).ln()).collect();
    let e = ClassEvaluation::multitask(&targets, &logits, 2);
    assert!((e.aupr.unwrap() - per_task_mean(&targets, &scores, 2, aupr).unwrap()).abs() < 1e-6);
    assert_eq!(e.auroc, Some(0.5), "AUROC 1 and 0 average to 0.5");
}

#[test]
fn log_relu_is_zero_within_one_of_zero_then_the_log_of_the_magnitude() {
    // Seed 003's code: relu(log(|x| + 1e-10)) (tfomics's utils.py, `log_relu`).
    let e = std::f32::consts::E;
    for (x, y) in [(-0.5f32, 0.0f32), (0.0, 0.0), (0.5, 0.0), (1.0, 0.0), (-1.0, 0.0), (e, 1.0), (-e, 1.0), (-e * e, 2.0)] {
        assert!((Activation::LogRelu.apply_scalar(x) - y).abs() < 1e-6, "log-relu({x})");
    }
    assert_eq!("log-relu".parse::<Activation>().unwrap(), Activation::LogRelu);
}
