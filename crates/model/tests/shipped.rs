//! The checkpoints the lessons ship (`assets/checkpoints/`, trained by `scripts/checkpoints.sh`
//! with the CLI): the model crate loads each one, regenerates the data its description names,
//! and measures the same test metrics the CLI recorded when it saved the weights, to 1e-4.
#![cfg(not(target_family = "wasm"))]

use dnaplay_model::BackendChoice;
use dnaplay_model::checkpoint::{CheckpointMeta, load_weights};
use dnaplay_model::data::{RegressionData, SplitFractions, split};
use dnaplay_model::matching::MatchConfig;
use dnaplay_model::scoring::ScoringRule;
use dnaplay_model::tasks::{ClassTask, ClassTaskKind, SEED003_ALIGNMENT, filter_report};
use dnaplay_model::trainer::{ClassEvaluation, Evaluation, predict};

macro_rules! shipped {
    ($name:literal) => {
        ($name, include_str!(concat!("../../../assets/checkpoints/", $name, "/checkpoint.json")), include_bytes!(concat!("../../../assets/checkpoints/", $name, "/model.bpk")).as_slice())
    };
}

const SHIPPED: [(&str, &str, &[u8]); 4] = [shipped!("lesson5-cnn"), shipped!("lesson9-relu"), shipped!("lesson9-exp"), shipped!("lesson10-multiscale")];

/// The test metrics of `meta`'s weights on the data its description names, by the names
/// `CheckpointMeta::test_metrics` uses.
fn measure(meta: &CheckpointMeta, weights: &[u8]) -> Vec<(&'static str, f64)> {
    let device = BackendChoice::default_cpu().unwrap().device().unwrap();
    let model = load_weights(&meta.model, weights, &device).unwrap();
    if meta.task == "8mer" {
        let data = RegressionData::kmer_task(meta.model.seq_len, &ScoringRule::default()).unwrap();
        let test = data.subset(&split(data.len(), SplitFractions::default(), meta.seed).unwrap().test);
        let eval = Evaluation::new(&test, pollster::block_on(predict(&model, &test.one_hot().unwrap(), &device)).unwrap());
        return vec![("mse", eval.mse), ("r_squared", eval.r_squared), ("pearson_r", eval.pearson_r)];
    }
    let kind: ClassTaskKind = meta.task.parse().unwrap();
    let task = ClassTask::generate(kind, meta.num_seqs.unwrap(), meta.seed).unwrap();
    let (_, _, test) = task.data();
    let x = test.one_hot().unwrap();
    let eval = ClassEvaluation::new(&test.targets, &pollster::block_on(predict(&model, &x, &device)).unwrap());
    let mut m = vec![("auroc", eval.auroc.unwrap()), ("aupr", eval.aupr.unwrap()), ("accuracy", eval.report.accuracy())];
    if let Some(r) = pollster::block_on(filter_report(&model, &x, SEED003_ALIGNMENT, &task.targets, &MatchConfig::default(), &device)).unwrap() {
        m.push(("match_fraction", r.match_fraction));
    }
    m
}

#[test]
fn shipped_checkpoints_give_the_clis_test_metrics() {
    for (name, json, weights) in SHIPPED {
        let meta = CheckpointMeta::from_json(json).unwrap_or_else(|e| panic!("{name}: {e}"));
        let measured = measure(&meta, weights);
        assert_eq!(measured.len(), meta.test_metrics.len(), "{name}: the same metrics as recorded");
        for (key, value) in measured {
            let recorded = meta.test_metrics[key];
            assert!((value - recorded).abs() <= 1e-4, "{name}: test {key} {value} but the CLI recorded {recorded}");
        }
    }
}

#[test]
fn shipped_checkpoints_show_what_their_lessons_teach() {
    let metric = |name: &str, key: &str| {
        let (_, json, _) = SHIPPED.iter().find(|(n, _, _)| *n == name).unwrap();
        CheckpointMeta::from_json(json).unwrap().test_metrics[key]
    };
    // Lesson 5: seed 002's CNN fits the 8-mer scores (seed 002 reports R² about 0.95).
    assert!(metric("lesson5-cnn", "r_squared") > 0.9);
    // Lesson 9: both classify Task 3 well; exp's filters match whole motifs far more often.
    assert!(metric("lesson9-relu", "auroc") > 0.9 && metric("lesson9-exp", "auroc") > 0.9);
    assert!(metric("lesson9-exp", "match_fraction") >= 0.4, "exp match fraction {}", metric("lesson9-exp", "match_fraction"));
    assert!(metric("lesson9-relu", "match_fraction") <= 0.15, "relu match fraction {}", metric("lesson9-relu", "match_fraction"));
    // Lesson 10: seed 000's Keras code reaches test AUROC 0.78 to 0.82 over three seeds
    // (ENVIRONMENT.md). Built as Keras builds it (Glorot uniform, zero biases, batch-norm
    // epsilon 1e-3) and restoring its best epoch whole, ours reached 0.819 on seed 42 and 0.733
    // on seed 17; before, 0.771 on seed 17, with nearly every test sequence called one class at
    // 0.5. With the dense batch norms recalibrated before each validation (2026-12-04), seed 42
    // (shipped) reaches 0.835 at accuracy 0.798. This guards the ranking at Keras's lowest seed
    // and the calibration.
    assert!(metric("lesson10-multiscale", "auroc") >= 0.78, "lesson 10 AUROC {}", metric("lesson10-multiscale", "auroc"));
    assert!(metric("lesson10-multiscale", "accuracy") >= 0.7, "lesson 10 accuracy at 0.5: {}", metric("lesson10-multiscale", "accuracy"));
}
