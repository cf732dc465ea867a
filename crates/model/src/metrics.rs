//! Regression metrics (MSE, R², Pearson r) and seed 002's spot-check table.

use serde::{Deserialize, Serialize};

/// Mean squared error, in squared score units. `NaN` for empty input.
pub fn mse(truth: &[f32], pred: &[f32]) -> f64 {
    assert_eq!(truth.len(), pred.len(), "truth and predictions should have equal lengths");
    let n = truth.len() as f64;
    truth.iter().zip(pred).map(|(&t, &p)| (t as f64 - p as f64).powi(2)).sum::<f64>() / n
}

fn mean(xs: &[f32]) -> f64 {
    xs.iter().map(|&x| x as f64).sum::<f64>() / xs.len() as f64
}

/// Coefficient of determination R², as scikit-learn's `r2_score`: `1 − SS_res / SS_tot`.
///
/// When the truth is constant (SS_tot = 0), returns 1.0 for a perfect fit and 0.0 otherwise,
/// as `r2_score` does with its default `force_finite=True`.
pub fn r_squared(truth: &[f32], pred: &[f32]) -> f64 {
    assert_eq!(truth.len(), pred.len(), "truth and predictions should have equal lengths");
    let m = mean(truth);
    let ss_res: f64 = truth.iter().zip(pred).map(|(&t, &p)| (t as f64 - p as f64).powi(2)).sum();
    let ss_tot: f64 = truth.iter().map(|&t| (t as f64 - m).powi(2)).sum();
    if ss_tot == 0.0 {
        return if ss_res == 0.0 { 1.0 } else { 0.0 };
    }
    1.0 - ss_res / ss_tot
}

/// Pearson correlation coefficient, in [−1, 1]; `NaN` when either input is constant.
pub fn pearson_r(x: &[f32], y: &[f32]) -> f64 {
    assert_eq!(x.len(), y.len(), "inputs should have equal lengths");
    let (mx, my) = (mean(x), mean(y));
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (&a, &b) in x.iter().zip(y) {
        let (da, db) = (a as f64 - mx, b as f64 - my);
        sxy += da * db;
        sxx += da * da;
        syy += db * db;
    }
    sxy / (sxx * syy).sqrt()
}

/// The spot-check groups of seed 002, Part 5 (`quick_8mer_pred`).
pub const SPOT_CHECK_GROUPS: [(&str, &[&str]); 5] = [
    ("poly-X seqs", &["AAAAAAAA", "CCCCCCCC", "GGGGGGGG", "TTTTTTTT"]),
    ("other seqs", &["AACCAACA", "CCGGTGAG", "GGGTAAGG", "TTTCGTTT"]),
    ("with TAT motif", &["TATAAAAA", "CCTATCCC", "GTATGGGG", "TTTATTTT"]),
    ("with GCG motif", &["AAGCGAAA", "CGCGCCCC", "GGGCGGGG", "TTGCGTTT"]),
    ("both TAT and GCG", &["ATATGCGA", "TGCGTATT"]),
];

/// One row of the spot-check table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpotCheck {
    /// Group name from [`SPOT_CHECK_GROUPS`].
    pub group: String,
    /// The 8-mer.
    pub seq: String,
    /// Model prediction, in score units.
    pub prediction: f32,
    /// True score.
    pub actual: f32,
    /// `prediction − actual`.
    pub difference: f32,
}

/// The spot-check sequences in table order, as one flat list.
pub fn spot_check_sequences() -> Vec<&'static str> {
    SPOT_CHECK_GROUPS.iter().flat_map(|(_, seqs)| seqs.iter().copied()).collect()
}

/// Build the spot-check table from predictions and true scores given in
/// [`spot_check_sequences`] order.
pub fn spot_checks(predictions: &[f32], actual: &[f32]) -> Vec<SpotCheck> {
    let mut rows = Vec::new();
    let mut i = 0;
    for (group, seqs) in SPOT_CHECK_GROUPS {
        for seq in seqs {
            rows.push(SpotCheck {
                group: group.to_string(),
                seq: seq.to_string(),
                prediction: predictions[i],
                actual: actual[i],
                difference: predictions[i] - actual[i],
            });
            i += 1;
        }
    }
    rows
}

/// Distinct scores from high to low, with the positives and negatives at each: the points of a
/// ROC or precision-recall curve (ties form one point, as scikit-learn's `_binary_clf_curve`).
fn score_steps(labels: &[bool], scores: &[f32]) -> Vec<(usize, usize)> {
    let mut order: Vec<usize> = (0..labels.len().min(scores.len())).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    let mut steps = Vec::new();
    let (mut tp, mut fp) = (0, 0);
    for (k, &i) in order.iter().enumerate() {
        if labels[i] { tp += 1 } else { fp += 1 }
        if order.get(k + 1).is_none_or(|&j| scores[j] != scores[i]) {
            steps.push((tp, fp));
        }
    }
    steps
}

/// Points of the ROC curve, `(false positive rate, true positive rate)`, from (0, 0) to
/// (1, 1), one per distinct score (scikit-learn's `roc_curve` with `drop_intermediate=False`).
/// Empty when there are no positives or no negatives.
pub fn roc_curve(labels: &[bool], scores: &[f32]) -> Vec<(f64, f64)> {
    let steps = score_steps(labels, scores);
    let Some(&(p, n)) = steps.last() else { return Vec::new() };
    if p == 0 || n == 0 {
        return Vec::new();
    }
    std::iter::once((0.0, 0.0)).chain(steps.iter().map(|&(tp, fp)| (fp as f64 / n as f64, tp as f64 / p as f64))).collect()
}

/// Points of the precision-recall curve, `(recall, precision)`, one per distinct score from the
/// highest down (scikit-learn's `precision_recall_curve`, reversed, without its final (0, 1)
/// point). Empty when there are no positives.
pub fn pr_curve(labels: &[bool], scores: &[f32]) -> Vec<(f64, f64)> {
    let steps = score_steps(labels, scores);
    let Some(&(p, _)) = steps.last() else { return Vec::new() };
    if p == 0 {
        return Vec::new();
    }
    steps.iter().map(|&(tp, fp)| (tp as f64 / p as f64, tp as f64 / (tp + fp) as f64)).collect()
}

/// The probability threshold that maximises accuracy on (`labels`, `scores`), predicting
/// positive for `score > threshold`, and that accuracy. Thresholds are taken midway between
/// distinct scores (and below the lowest), so the choice carries over to new data; pick it on
/// the validation split, report it on the test split. `None` for no data.
pub fn best_accuracy_threshold(labels: &[bool], scores: &[f32]) -> Option<(f32, f64)> {
    let n = labels.len().min(scores.len());
    if n == 0 {
        return None;
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    // Threshold below everything: all predicted positive.
    let positives = labels[..n].iter().filter(|&&l| l).count();
    let mut correct = positives;
    let mut best = (scores[order[0]] - 1e-6, correct);
    for (k, &i) in order.iter().enumerate() {
        // Moving the threshold above score i predicts i negative.
        if labels[i] { correct -= 1 } else { correct += 1 }
        let next = order.get(k + 1).map(|&j| scores[j]);
        if next.is_some_and(|v| v == scores[i]) {
            continue;
        }
        if correct > best.1 {
            best = (next.map_or(scores[i] + 1e-6, |v| (scores[i] + v) / 2.0), correct);
        }
    }
    Some((best.0, best.1 as f64 / n as f64))
}

/// The logistic function, 1 / (1 + e^−z): a logit to a probability.
pub fn sigmoid(z: f32) -> f32 {
    1.0 / (1.0 + (-z).exp())
}

/// Mean binary cross-entropy (natural log) of `logits` against 0/1 `targets`, computed stably
/// as `max(z, 0) − z·y + ln(1 + e^−|z|)` (the form of TensorFlow's
/// `sigmoid_cross_entropy_with_logits`). 0 for no data.
pub fn bce_with_logits(targets: &[f32], logits: &[f32]) -> f64 {
    let n = targets.len().min(logits.len());
    if n == 0 {
        return 0.0;
    }
    let sum: f64 = targets.iter().zip(logits).map(|(&y, &z)| {
        let (y, z) = (y as f64, z as f64);
        z.max(0.0) - z * y + (-z.abs()).exp().ln_1p()
    }).sum();
    sum / n as f64
}

/// Area under the ROC curve (trapezoidal, ties as one point), as scikit-learn's
/// `roc_auc_score`. `None` when there are no positives or no negatives.
pub fn auroc(labels: &[bool], scores: &[f32]) -> Option<f64> {
    let steps = score_steps(labels, scores);
    let &(p, n) = steps.last()?;
    if p == 0 || n == 0 {
        return None;
    }
    let (mut area, mut prev) = (0.0, (0usize, 0usize));
    for &(tp, fp) in &steps {
        area += (fp - prev.1) as f64 * (tp + prev.0) as f64 / 2.0;
        prev = (tp, fp);
    }
    Some(area / (p as f64 * n as f64))
}

/// Area under the precision-recall curve as average precision, Σ (Rₖ − Rₖ₋₁) Pₖ over the
/// distinct scores, as scikit-learn's `average_precision_score` (seed 003 reports AUPR).
/// `None` when there are no positives.
pub fn aupr(labels: &[bool], scores: &[f32]) -> Option<f64> {
    let steps = score_steps(labels, scores);
    let &(p, _) = steps.last()?;
    if p == 0 {
        return None;
    }
    let (mut ap, mut prev_recall) = (0.0, 0.0);
    for &(tp, fp) in &steps {
        let recall = tp as f64 / p as f64;
        ap += (recall - prev_recall) * tp as f64 / (tp + fp) as f64;
        prev_recall = recall;
    }
    Some(ap)
}

/// A metric averaged over the tasks of multi-task predictions (macro average, as seed 003
/// reports AUPR for Task 1's 12 labels). `targets` and `scores` are row-major
/// `[sequences, tasks]`; tasks where `metric` is undefined (one class only) are left out.
/// `None` when no task has a value or `tasks` is 0.
pub fn per_task_mean(targets: &[f32], scores: &[f32], tasks: usize, metric: fn(&[bool], &[f32]) -> Option<f64>) -> Option<f64> {
    mean_of_defined(&per_task(targets, scores, tasks, metric))
}

/// The mean of the values that are defined, or `None` when none is (a task with one class has
/// no AUROC, and is left out of the mean rather than counted as 0).
pub fn mean_of_defined(values: &[Option<f64>]) -> Option<f64> {
    let defined: Vec<f64> = values.iter().flatten().copied().collect();
    (!defined.is_empty()).then(|| defined.iter().sum::<f64>() / defined.len() as f64)
}

/// `metric` for each task of row-major `[sequences, tasks]` targets and scores.
pub fn per_task(targets: &[f32], scores: &[f32], tasks: usize, metric: fn(&[bool], &[f32]) -> Option<f64>) -> Vec<Option<f64>> {
    if tasks == 0 {
        return Vec::new();
    }
    (0..tasks)
        .map(|t| {
            let labels: Vec<bool> = targets.iter().skip(t).step_by(tasks).map(|&y| y >= 0.5).collect();
            let column: Vec<f32> = scores.iter().skip(t).step_by(tasks).copied().collect();
            metric(&labels, &column)
        })
        .collect()
}

/// Seed 000's classification report at a probability threshold: the confusion matrix and the
/// metrics scikit-learn's `classification_report` prints for the positive class.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Classification {
    /// Positives predicted positive.
    pub true_positives: usize,
    /// Negatives predicted positive.
    pub false_positives: usize,
    /// Negatives predicted negative.
    pub true_negatives: usize,
    /// Positives predicted negative.
    pub false_negatives: usize,
}

impl Classification {
    /// Count predictions `probability > threshold` (seed 000 uses 0.5) against `labels`.
    pub fn new(labels: &[bool], probabilities: &[f32], threshold: f32) -> Self {
        let mut c = Classification { true_positives: 0, false_positives: 0, true_negatives: 0, false_negatives: 0 };
        for (&y, &p) in labels.iter().zip(probabilities) {
            match (y, p > threshold) {
                (true, true) => c.true_positives += 1,
                (false, true) => c.false_positives += 1,
                (false, false) => c.true_negatives += 1,
                (true, false) => c.false_negatives += 1,
            }
        }
        c
    }

    fn ratio(a: usize, b: usize) -> f64 {
        if b == 0 { 0.0 } else { a as f64 / b as f64 }
    }

    /// Share of correct predictions.
    pub fn accuracy(&self) -> f64 {
        Self::ratio(self.true_positives + self.true_negatives, self.true_positives + self.true_negatives + self.false_positives + self.false_negatives)
    }

    /// TP / (TP + FP); 0 when nothing is predicted positive (scikit-learn's `zero_division=0`).
    pub fn precision(&self) -> f64 {
        Self::ratio(self.true_positives, self.true_positives + self.false_positives)
    }

    /// TP / (TP + FN).
    pub fn recall(&self) -> f64 {
        Self::ratio(self.true_positives, self.true_positives + self.false_negatives)
    }

    /// Harmonic mean of precision and recall; 0 when both are 0.
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) }
    }

    /// Positives predicted or not: TP + FN (scikit-learn's "support" of the positive class).
    pub fn support(&self) -> usize {
        self.true_positives + self.false_negatives
    }

    /// The same counts with the negative class as "positive", so [`precision`](Self::precision),
    /// [`recall`](Self::recall), [`f1`](Self::f1) and [`support`](Self::support) give the
    /// negative class's row of scikit-learn's `classification_report`.
    pub fn for_negative_class(&self) -> Classification {
        Classification { true_positives: self.true_negatives, false_positives: self.false_negatives, true_negatives: self.true_positives, false_negatives: self.false_positives }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfect_fit() {
        let t = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(r_squared(&t, &t), 1.0);
        assert_eq!(mse(&t, &t), 0.0);
        assert!((pearson_r(&t, &t) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn against_hand_computed_values() {
        // sklearn: r2_score([3, -0.5, 2, 7], [2.5, 0.0, 2, 8]) = 0.9486081370449679
        let (t, p) = ([3.0, -0.5, 2.0, 7.0], [2.5, 0.0, 2.0, 8.0]);
        assert!((r_squared(&t, &p) - 0.948_608_137_044_967_9).abs() < 1e-9);
        assert!((mse(&t, &p) - 0.375).abs() < 1e-12);
        // Predicting the mean gives R² = 0; anticorrelation gives r = −1.
        assert!(r_squared(&t, &[2.875; 4]).abs() < 1e-12);
        assert!((pearson_r(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]) + 1.0).abs() < 1e-12);
        assert_eq!(r_squared(&[2.0, 2.0], &[2.0, 3.0]), 0.0, "constant truth, imperfect fit");
    }

    #[test]
    fn spot_check_table_matches_seed_layout() {
        let seqs = spot_check_sequences();
        assert_eq!(seqs.len(), 18);
        let rule = crate::scoring::ScoringRule::default();
        let actual = rule.score_all(&seqs).unwrap();
        let rows = spot_checks(&actual, &actual);
        // Seed 002, Part 5: "CCTATCCC: … actual:25.875", "TTGCGTTT: … actual:2.500".
        let row = rows.iter().find(|r| r.seq == "CCTATCCC").unwrap();
        assert_eq!((row.group.as_str(), row.actual), ("with TAT motif", 25.875));
        assert_eq!(rows.iter().find(|r| r.seq == "TTGCGTTT").unwrap().actual, 2.5);
        assert!(rows.iter().all(|r| r.difference == 0.0));
    }

    #[test]
    fn auroc_and_aupr_match_scikit_learn() {
        // scikit-learn's docstring example: roc_auc_score 0.75, average_precision_score 0.8333.
        let y = [false, false, true, true];
        let s = [0.1, 0.4, 0.35, 0.8];
        assert!((auroc(&y, &s).unwrap() - 0.75).abs() < 1e-12);
        assert!((aupr(&y, &s).unwrap() - 0.833_333_333_333_333_4).abs() < 1e-12);
        // Perfect and reversed rankings; ties count as one point (AUROC 0.5 for all-equal scores).
        assert_eq!(auroc(&y, &[0.0, 0.1, 0.8, 0.9]), Some(1.0));
        assert_eq!(auroc(&y, &[0.9, 0.8, 0.1, 0.0]), Some(0.0));
        assert_eq!(auroc(&y, &[0.5; 4]), Some(0.5));
        assert_eq!(aupr(&y, &[0.5; 4]), Some(0.5));
        // One class only: undefined.
        assert_eq!(auroc(&[true, true], &[0.1, 0.2]), None);
        assert_eq!(aupr(&[false, false], &[0.1, 0.2]), None);
    }

    #[test]
    fn curves_match_scikit_learn() {
        // scikit-learn's roc_curve docstring example (drop_intermediate=False):
        // fpr [0, 0, 0.5, 0.5, 1], tpr [0, 0.5, 0.5, 1, 1].
        let y = [false, false, true, true];
        let s = [0.1, 0.4, 0.35, 0.8];
        assert_eq!(roc_curve(&y, &s), vec![(0.0, 0.0), (0.0, 0.5), (0.5, 0.5), (0.5, 1.0), (1.0, 1.0)]);
        // precision_recall_curve: precision [0.5, 0.667, 0.5, 1, 1], recall [1, 1, 0.5, 0.5, 0],
        // reversed and without the final (0, 1).
        let pr = pr_curve(&y, &s);
        let want = [(0.5, 1.0), (0.5, 0.5), (1.0, 2.0 / 3.0), (1.0, 0.5)];
        assert_eq!(pr.len(), 4);
        for (got, want) in pr.iter().zip(want) {
            assert!((got.0 - want.0).abs() < 1e-12 && (got.1 - want.1).abs() < 1e-12, "{pr:?}");
        }
        assert!(roc_curve(&[true], &[0.3]).is_empty());
    }

    #[test]
    fn best_threshold_by_hand() {
        // Scores 0.1 0.2 0.3 0.4 with labels F F T T: any threshold in (0.2, 0.3) is perfect.
        let (t, acc) = best_accuracy_threshold(&[false, false, true, true], &[0.1, 0.2, 0.3, 0.4]).unwrap();
        assert_eq!(acc, 1.0);
        assert!((t - 0.25).abs() < 1e-6, "{t}");
        // One positive below a negative: 3 of 4 at best.
        let (_, acc) = best_accuracy_threshold(&[false, true, false, true], &[0.1, 0.2, 0.3, 0.4]).unwrap();
        assert_eq!(acc, 0.75);
        // All negatives: predict everything negative.
        let (t, acc) = best_accuracy_threshold(&[false, false], &[0.6, 0.7]).unwrap();
        assert_eq!(acc, 1.0);
        assert!(t >= 0.7);
        assert_eq!(best_accuracy_threshold(&[], &[]), None);
    }

    #[test]
    fn bce_matches_its_definition() {
        // −[y ln σ(z) + (1 − y) ln(1 − σ(z))]: z = 0 gives ln 2 for either label.
        assert!((bce_with_logits(&[1.0], &[0.0]) - std::f64::consts::LN_2).abs() < 1e-12);
        assert!((bce_with_logits(&[0.0], &[0.0]) - std::f64::consts::LN_2).abs() < 1e-12);
        // z = 2, y = 1: −ln σ(2) = ln(1 + e^−2) = 0.126928.
        assert!((bce_with_logits(&[1.0], &[2.0]) - 0.126_928_011).abs() < 1e-8);
        // Stable for large logits: no inf or NaN, ≈ |z| when wrong, ≈ 0 when right.
        assert!((bce_with_logits(&[0.0], &[1000.0]) - 1000.0).abs() < 1e-9);
        assert!(bce_with_logits(&[1.0], &[1000.0]) < 1e-12);
        assert!((sigmoid(0.0) - 0.5).abs() < 1e-7);
    }

    #[test]
    fn classification_report_by_hand() {
        // 3 positives (2 found), 3 negatives (1 false alarm); 0.5 itself counts as negative.
        let y = [true, true, true, false, false, false];
        let p = [0.9, 0.6, 0.5, 0.7, 0.2, 0.1];
        let c = Classification::new(&y, &p, 0.5);
        assert_eq!((c.true_positives, c.false_negatives, c.false_positives, c.true_negatives), (2, 1, 1, 2));
        assert!((c.accuracy() - 4.0 / 6.0).abs() < 1e-12);
        assert!((c.precision() - 2.0 / 3.0).abs() < 1e-12);
        assert!((c.recall() - 2.0 / 3.0).abs() < 1e-12);
        assert!((c.f1() - 2.0 / 3.0).abs() < 1e-12);
        let none = Classification::new(&[true], &[0.1], 0.5);
        assert_eq!((none.precision(), none.f1()), (0.0, 0.0));
        // The negative class's row: 2 of 3 negatives found, 2 of 3 called negative are right.
        let y = [true, true, true, false, false, false, false];
        let p = [0.9, 0.6, 0.5, 0.7, 0.2, 0.1, 0.0];
        let neg = Classification::new(&y, &p, 0.5).for_negative_class();
        assert_eq!((neg.support(), neg.true_positives), (4, 3));
        assert!((neg.precision() - 3.0 / 4.0).abs() < 1e-12, "3 of the 4 called negative are");
        assert!((neg.recall() - 3.0 / 4.0).abs() < 1e-12);
    }
}
