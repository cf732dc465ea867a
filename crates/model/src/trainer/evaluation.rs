//! What an evaluation gives: test-split predictions with MSE, R² and Pearson r, or
//! probabilities with AUROC, AUPR and seed 000's report.

use crate::data::RegressionData;
use crate::metrics::{Classification, aupr, auroc, bce_with_logits, mse, pearson_r, r_squared, sigmoid};

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
    /// True labels (positive class = true).
    pub labels: Vec<bool>,
    /// Predicted probability of the positive class, `sigmoid(logit)`.
    pub probabilities: Vec<f32>,
    /// Area under the ROC curve; `None` when the split has one class only.
    pub auroc: Option<f64>,
    /// Area under the precision-recall curve (average precision); `None` without positives.
    pub aupr: Option<f64>,
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
        }
    }
}

