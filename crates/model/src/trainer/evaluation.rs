//! What an evaluation gives: test-split predictions with MSE, R² and Pearson r, or
//! probabilities with AUROC, AUPR and seed 000's report.

use crate::data::RegressionData;
use crate::metrics::{Classification, aupr, auroc, bce_with_logits, mean_of_defined, mse, pearson_r, per_task, r_squared, sigmoid};

/// Test-split predictions and their metrics.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    /// Sequences of the test split.
    pub seqs: Vec<String>,
    /// True scores.
    pub truth: Vec<f32>,
    /// Predicted scores.
    pub predictions: Vec<f32>,
    /// Mean squared error.
    pub mse: f64,
    /// R² (scikit-learn's `r2_score`).
    pub r_squared: f64,
    /// Pearson correlation.
    pub pearson_r: f64,
}

impl Evaluation {
    /// Compute the metrics for predictions of `data`.
    pub fn new(data: &RegressionData, predictions: Vec<f32>) -> Self {
        Evaluation {
            mse: mse(&data.targets, &predictions),
            r_squared: r_squared(&data.targets, &predictions),
            pearson_r: pearson_r(&data.targets, &predictions),
            seqs: data.seqs.clone(),
            truth: data.targets.clone(),
            predictions,
        }
    }
}

/// Test-split probabilities and seed 000's and 003's classification metrics.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ClassEvaluation {
    /// True labels (positive class = true); row-major `[sequences, tasks]` for multi-task data.
    pub labels: Vec<bool>,
    /// Predicted probability of the positive class, `sigmoid(logit)`.
    pub probabilities: Vec<f32>,
    /// Area under the ROC curve; `None` when the split has one class only. For multi-task
    /// data, the mean over the tasks ([`crate::metrics::per_task_mean`]).
    pub auroc: Option<f64>,
    /// Area under the precision-recall curve (average precision); `None` without positives.
    /// For multi-task data, the mean over the tasks.
    pub aupr: Option<f64>,
    /// Labels per sequence: 1, or 12 for seed 003's Task 1.
    #[serde(default = "one")]
    pub tasks: usize,
    /// AUPR of each task (empty for a single task).
    #[serde(default)]
    pub task_aupr: Vec<Option<f64>>,
    /// Confusion matrix and report at probability 0.5 (seed 000).
    pub report: Classification,
    /// Mean binary cross-entropy.
    pub bce: f64,
}

impl ClassEvaluation {
    /// Metrics for `logits` of sequences labelled by `targets` (1 = positive).
    pub fn new(targets: &[f32], logits: &[f32]) -> Self {
        let labels: Vec<bool> = targets.iter().map(|&t| t >= 0.5).collect();
        let probabilities: Vec<f32> = logits.iter().map(|&z| sigmoid(z)).collect();
        ClassEvaluation {
            auroc: auroc(&labels, &probabilities),
            aupr: aupr(&labels, &probabilities),
            report: Classification::new(&labels, &probabilities, 0.5),
            bce: bce_with_logits(targets, logits),
            labels,
            probabilities,
            tasks: 1,
            task_aupr: Vec::new(),
        }
    }

    /// Metrics for multi-task `logits`, row-major `[sequences, tasks]` as `targets`: AUROC and
    /// AUPR are means over the tasks (seed 003, Task 1); the report and the loss pool every label.
    pub fn multitask(targets: &[f32], logits: &[f32], tasks: usize) -> Self {
        if tasks <= 1 {
            return Self::new(targets, logits);
        }
        let mut e = Self::new(targets, logits);
        e.auroc = mean_of_defined(&per_task(targets, &e.probabilities, tasks, auroc));
        e.task_aupr = per_task(targets, &e.probabilities, tasks, aupr);
        e.aupr = mean_of_defined(&e.task_aupr);
        e.tasks = tasks;
        e
    }
}

fn one() -> usize {
    1
}

