//! Two kept runs compared (the page's My runs, issue 27): their settings, whether each is the
//! same, and their numbers with B − A, on screen and as CSV. Pure, so tested natively; the page
//! (`src/components/my_runs.rs`) reads the runs from IndexedDB and draws the plots.

use dnaplay_model::checkpoint::CheckpointMeta;
use dnaplay_model::trainer::EpochRecord;

/// What the comparison reads of one run.
#[derive(Debug, Clone)]
pub struct Compared<'a> {
    /// Its name, e.g. "kept: CNN-dist (exp), adam lr 0.001".
    pub name: &'a str,
    /// The lesson it was trained in, e.g. "Lesson 9".
    pub lesson: &'a str,
    /// Its model, e.g. "cnn-dist (exp)".
    pub model: String,
    /// Its data, e.g. "task3, 20000 sequences, seed 1".
    pub data: String,
    /// Its settings, history and test metrics (`checkpoint.json`).
    pub meta: &'a CheckpointMeta,
}

/// Whether a run is a classifier (BCE loss, a validation AUROC) rather than a regression (MSE).
pub fn is_classifier(meta: &CheckpointMeta) -> bool {
    meta.history.iter().any(|h| h.val_auroc.is_some()) || meta.test_metrics.contains_key("auroc")
}

/// The final value of a history column, e.g. the last validation loss.
pub fn last(meta: &CheckpointMeta, f: impl Fn(&EpochRecord) -> Option<f32>) -> Option<f64> {
    meta.history.last().and_then(f).map(f64::from)
}

/// A metric's row label for a key of `test_metrics`.
pub fn metric_label(key: &str) -> String {
    match key {
        "r_squared" => "test R²".into(),
        "auroc" => "test AUROC".into(),
        "aupr" => "test AUPR".into(),
        "accuracy" => "test accuracy".into(),
        "mse" => "test MSE".into(),
        other => format!("test {other}"),
    }
}

/// The loss a run was trained on: "BCE" for a classifier, "MSE" for a regression.
pub fn loss_name(meta: &CheckpointMeta) -> &'static str {
    if is_classifier(meta) { "BCE" } else { "MSE" }
}

/// What B − A says of two losses of different kinds (MSE against BCE), which do not subtract.
pub const UNLIKE_LOSSES: &str = "different losses";

/// One row of the comparison: a number for each run and B − A, or a setting for each.
#[derive(Debug, Clone, PartialEq)]
pub enum Row {
    /// `unlike` names why B − A means nothing ([`UNLIKE_LOSSES`]); `None` when it does.
    Number { label: String, a: Option<f64>, b: Option<f64>, unlike: Option<&'static str> },
    Setting { label: &'static str, a: String, b: String },
}

/// The comparison's rows: settings first (model, optimizer, data), then the numbers.
pub fn compare_rows(a: &Compared, b: &Compared) -> Vec<Row> {
    let setting = |label, f: &dyn Fn(&Compared) -> String| Row::Setting { label, a: f(a), b: f(b) };
    let mut rows = vec![
        setting("lesson", &|r| r.lesson.to_string()),
        setting("model", &|r| r.model.clone()),
        setting("optimizer", &|r| format!("{}, learning rate {}, batch {}", r.meta.train.optimizer, r.meta.train.learning_rate, r.meta.train.batch_size)),
        setting("data", &|r| r.data.clone()),
    ];
    let number = |label: &str, f: &dyn Fn(&CheckpointMeta) -> Option<f64>| Row::Number { label: label.to_string(), a: f(a.meta), b: f(b.meta), unlike: None };
    rows.push(number("epochs", &|m| Some(m.history.len() as f64)));
    // A regression's MSE and a classifier's BCE are different quantities: each is shown, with its
    // kind in the label, and no difference.
    let (la, lb) = (loss_name(a.meta), loss_name(b.meta));
    for (label, f) in [("final train loss", (|h: &EpochRecord| Some(h.train_loss)) as fn(&EpochRecord) -> Option<f32>), ("final validation loss", |h| Some(h.val_loss))] {
        let mut row = number(label, &|m| last(m, f));
        if la != lb
            && let Row::Number { label, unlike, .. } = &mut row
        {
            *label = format!("{label} (A: {la}, B: {lb})");
            *unlike = Some(UNLIKE_LOSSES);
        }
        rows.push(row);
    }
    if is_classifier(a.meta) || is_classifier(b.meta) {
        rows.push(number("best validation AUROC", &|m| m.history.iter().filter_map(|h| h.val_auroc).map(f64::from).reduce(f64::max)));
    }
    let mut keys: Vec<&String> = a.meta.test_metrics.keys().chain(b.meta.test_metrics.keys()).collect();
    keys.sort();
    keys.dedup();
    for k in keys {
        rows.push(Row::Number { label: metric_label(k), a: a.meta.test_metrics.get(k).copied(), b: b.meta.test_metrics.get(k).copied(), unlike: None });
    }
    if !a.meta.match_fractions.is_empty() || !b.meta.match_fractions.is_empty() {
        rows.push(number("final match fraction", &|m| m.match_fractions.last().copied()));
    }
    rows
}

/// The comparison as CSV: metric, run A, run B, B − A (empty where a run has no value).
pub fn compare_csv(a: &Compared, b: &Compared) -> String {
    let q = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let mut out = format!("metric,{},{},difference (B - A)\n", q(a.name), q(b.name));
    for row in compare_rows(a, b) {
        match row {
            Row::Number { label, a, b, unlike } => {
                let f = |v: Option<f64>| v.map(|v| format!("{v}")).unwrap_or_default();
                let d = match unlike {
                    Some(why) => why.to_string(),
                    None => f(a.zip(b).map(|(a, b)| b - a)),
                };
                out.push_str(&format!("{},{},{},{}\n", q(&label), f(a), f(b), d));
            }
            Row::Setting { label, a, b } => out.push_str(&format!("{},{},{},{}\n", q(label), q(&a), q(&b), if a == b { "same" } else { "differs" })),
        }
    }
    out
}

/// A number in the comparison: 4 significant decimals, whole numbers as they are.
pub fn num(v: Option<f64>) -> String {
    match v {
        None => "–".into(),
        Some(v) if v.fract() == 0.0 && v.abs() < 1e6 => format!("{v:.0}"),
        Some(v) => format!("{v:.4}"),
    }
}

/// B − A as the comparison shows it: "same", "+0.0503", a whole difference as a whole number
/// ("-1" epochs), or "–" where a run has no value.
pub fn diff_text(a: Option<f64>, b: Option<f64>) -> String {
    match a.zip(b).map(|(a, b)| b - a) {
        None => "–".into(),
        Some(d) if d == 0.0 => "same".into(),
        Some(d) if d.fract() == 0.0 && d.abs() < 1e6 => format!("{d:+.0}"),
        Some(d) => format!("{d:+.4}"),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use dnaplay_model::checkpoint::FORMAT_VERSION;
    use dnaplay_model::models::{Activation, ModelConfig, ModelKind};
    use dnaplay_model::trainer::TrainConfig;

    use super::*;

    fn meta(kind: ModelKind, activation: Activation, val: &[f32], metrics: &[(&str, f64)]) -> CheckpointMeta {
        let history = val.iter().enumerate().map(|(epoch, &v)| EpochRecord { epoch, train_loss: v + 0.1, val_loss: v, val_auroc: Some(0.9), val_aupr: None, learning_rate: 0.001 }).collect();
        CheckpointMeta {
            format: FORMAT_VERSION,
            task: "task3".into(),
            num_seqs: Some(20000),
            seed: 1,
            model: ModelConfig::of_kind(kind, 200, activation),
            train: TrainConfig::default(),
            history,
            match_fractions: vec![0.2],
            test_metrics: metrics.iter().map(|(k, v)| (k.to_string(), *v)).collect::<BTreeMap<_, _>>(),
        }
    }

    fn compared<'a>(name: &'a str, meta: &'a CheckpointMeta) -> Compared<'a> {
        Compared { name, lesson: "Lesson 9", model: format!("{} ({})", meta.model.kind, meta.model.activation), data: "task3, 20000 sequences, seed 1".into(), meta }
    }

    #[test]
    fn the_comparison_gives_each_metric_and_b_minus_a() {
        let ma = meta(ModelKind::CnnDist, Activation::Relu, &[0.5, 0.4], &[("auroc", 0.90), ("aupr", 0.88)]);
        let mb = meta(ModelKind::CnnDist, Activation::Exp, &[0.5, 0.3, 0.25], &[("auroc", 0.95)]);
        let (a, b) = (compared("relu", &ma), compared("exp", &mb));
        let rows = compare_rows(&a, &b);
        let find = |l: &str| rows.iter().find(|r| matches!(r, Row::Number { label, .. } if label == l)).cloned();
        assert_eq!(find("epochs"), Some(Row::Number { label: "epochs".into(), a: Some(2.0), b: Some(3.0), unlike: None }));
        assert_eq!(find("final validation loss"), Some(Row::Number { label: "final validation loss".into(), a: Some(0.4f32 as f64), b: Some(0.25f32 as f64), unlike: None }));
        assert_eq!(find("best validation AUROC"), Some(Row::Number { label: "best validation AUROC".into(), a: Some(0.9f32 as f64), b: Some(0.9f32 as f64), unlike: None }));
        assert_eq!(find("test AUROC"), Some(Row::Number { label: "test AUROC".into(), a: Some(0.90), b: Some(0.95), unlike: None }));
        // A metric only one run has is listed, with no difference.
        assert_eq!(find("test AUPR"), Some(Row::Number { label: "test AUPR".into(), a: Some(0.88), b: None, unlike: None }));
        assert!(rows.contains(&Row::Setting { label: "model", a: "cnn-dist (relu)".into(), b: "cnn-dist (exp)".into() }), "{rows:?}");

        let csv = compare_csv(&a, &b);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], "metric,\"relu\",\"exp\",difference (B - A)");
        let auroc = lines.iter().find(|l| l.starts_with("\"test AUROC\"")).unwrap();
        let d: f64 = auroc.rsplit(',').next().unwrap().parse().unwrap();
        assert!((d - 0.05).abs() < 1e-9, "{auroc}");
        let aupr = lines.iter().find(|l| l.starts_with("\"test AUPR\"")).unwrap();
        assert!(aupr.ends_with(",0.88,,"), "{aupr}");
        assert!(lines.iter().any(|l| l.starts_with("\"model\",") && l.ends_with(",differs")), "{csv}");
        assert!(lines.iter().any(|l| l.starts_with("\"data\",") && l.ends_with(",same")), "{csv}");
    }

    #[test]
    fn a_regression_has_no_auroc_row_and_names_quote_safely() {
        let mut m = meta(ModelKind::Cnn, Activation::Relu, &[3.0], &[("r_squared", 0.91)]);
        m.history[0].val_auroc = None;
        m.match_fractions.clear();
        assert!(!is_classifier(&m));
        let a = compared("say \"hi\", twice", &m);
        let rows = compare_rows(&a, &a);
        assert!(!rows.iter().any(|r| matches!(r, Row::Number { label, .. } if label.contains("AUROC") || label.contains("match"))), "{rows:?}");
        assert!(compare_csv(&a, &a).starts_with("metric,\"say \"\"hi\"\", twice\","), "{}", compare_csv(&a, &a));
        assert_eq!(num(Some(12.0)), "12");
        assert_eq!(num(Some(0.123456)), "0.1235");
        assert_eq!(num(None), "–");
        assert_eq!(diff_text(Some(2.0), Some(1.0)), "-1");
        assert_eq!(diff_text(Some(0.5), Some(0.55)), "+0.0500");
        assert_eq!(diff_text(Some(3.0), Some(3.0)), "same");
        assert_eq!(diff_text(None, Some(3.0)), "–");
    }

    #[test]
    fn a_regression_against_a_classifier_does_not_subtract_their_losses() {
        let mut reg = meta(ModelKind::Cnn, Activation::Relu, &[3.0], &[("r_squared", 0.91)]);
        reg.history[0].val_auroc = None;
        let class = meta(ModelKind::CnnDist, Activation::Exp, &[0.5, 0.3], &[("auroc", 0.95)]);
        let (a, b) = (compared("8-mers", &reg), compared("task3", &class));
        let rows = compare_rows(&a, &b);
        let loss = rows.iter().find(|r| matches!(r, Row::Number { label, .. } if label.starts_with("final validation loss"))).cloned();
        assert_eq!(loss, Some(Row::Number { label: "final validation loss (A: MSE, B: BCE)".into(), a: Some(3.0), b: Some(0.3f32 as f64), unlike: Some(UNLIKE_LOSSES) }));
        // Epochs still subtract.
        assert!(rows.contains(&Row::Number { label: "epochs".into(), a: Some(1.0), b: Some(2.0), unlike: None }), "{rows:?}");
        let csv = compare_csv(&a, &b);
        assert!(csv.lines().any(|l| l.starts_with("\"final train loss (A: MSE, B: BCE)\",3.09") && l.ends_with(",different losses")), "{csv}");
        // Two runs of one kind subtract as before.
        assert!(compare_rows(&b, &b).iter().any(|r| matches!(r, Row::Number { label, unlike: None, .. } if label == "final train loss")));
    }
}
