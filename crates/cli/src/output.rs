//! The files `dnaplay train` writes: history.csv, predictions.csv, metrics.json, filters.meme,
//! loss.svg, logos.svg and filters.svg; parity.svg for the 8-mer regression; match.json,
//! roc.csv and pr.csv for the 200-nt classifiers, roc.svg and pr.svg for those with one output, and attention.csv for the
//! multi-scale model.

use std::path::Path;

use anyhow::{Context, Result};

use crate::outdir::write_file;
use dnaplay_model::BackendChoice;
use dnaplay_model::attribution::motif_scan_aupr;
use dnaplay_model::interpret::{AlignmentRule, Pfm, filter_logos};
use dnaplay_model::data::RegressionData;
use dnaplay_model::deep::MULTISCALE_WIDTHS;
use dnaplay_model::matching::MatchConfig;
use dnaplay_model::motifs::{filter_motifs, to_meme};
use dnaplay_model::metrics::{Classification, SpotCheck, best_accuracy_threshold, mean_of_defined, pr_curve, roc_curve};
use dnaplay_model::synthetic::MotifSequence;
use dnaplay_model::tasks::{ClassTask, filter_report};
use dnaplay_model::models::{ModelConfig, ModelKind};
use dnaplay_model::sequence::one_hot;
use dnaplay_model::trainer::{ClassEvaluation, EpochRecord, Evaluation, ReduceLrOnPlateau, TrainConfig, Trainer, attention_maps, filter_maps, filter_weights, predict};
use dnaplay_plots::{Logo, LossOptions, LossSeries, ParityOptions, Theme, draw_filter_heatmaps, draw_logos, draw_loss_curves, draw_parity, draw_pr, draw_roc};
use plotters::prelude::*;
use serde::Serialize;

/// What one training run produced.
pub struct Run<'a> {
    pub task: &'static str,
    pub model: &'a ModelConfig,
    pub train: &'a TrainConfig,
    pub device: BackendChoice,
    /// Per-epoch records with their wall-clock seconds.
    pub history: &'a [(EpochRecord, f64)],
    pub total_seconds: f64,
    pub eval: &'a Evaluation,
    pub spot_checks: Option<&'a [SpotCheck]>,
    pub align: AlignmentRule,
}

/// The first keys of every metrics.json: what ran, and how its last epoch ended.
#[derive(Serialize)]
struct RunHead<'a> {
    task: &'a str,
    model: &'a str,
    activation: &'a str,
    device: &'a str,
    epochs: usize,
    seconds_per_epoch: f64,
    final_train_loss: f32,
    final_val_loss: f32,
}

impl<'a> RunHead<'a> {
    fn new(task: &'a str, model: &ModelConfig, device: BackendChoice, history: &[(EpochRecord, f64)]) -> Self {
        let last = history.last().map(|(r, _)| r);
        RunHead {
            task,
            model: model.kind.name(),
            activation: model.activation.name(),
            device: device.name(),
            epochs: history.len(),
            // Epochs loaded from a checkpoint have no time (NaN): the mean is over this run's.
            seconds_per_epoch: {
                let timed: Vec<f64> = history.iter().map(|(_, s)| *s).filter(|s| s.is_finite()).collect();
                timed.iter().sum::<f64>() / timed.len().max(1) as f64
            },
            final_train_loss: last.map_or(f32::NAN, |r| r.train_loss),
            final_val_loss: last.map_or(f32::NAN, |r| r.val_loss),
        }
    }
}

/// The training settings every metrics.json ends with.
#[derive(Serialize)]
struct RunSettings<'a> {
    optimizer: &'a str,
    init: &'a str,
    /// Only when set ([`TrainConfig::first_layer_l2`]).
    #[serde(skip_serializing_if = "is_zero")]
    first_layer_l2: f64,
    learning_rate: f64,
    /// The learning-rate cuts, when the run has them.
    #[serde(skip_serializing_if = "Option::is_none")]
    reduce_lr: Option<ReduceLrOnPlateau>,
    batch_size: usize,
    seed: u64,
    num_params: usize,
    total_seconds: f64,
}

impl<'a> RunSettings<'a> {
    fn new(model: &ModelConfig, train: &TrainConfig, total_seconds: f64) -> Self {
        RunSettings { optimizer: train.optimizer.name(), init: model.init.name(), first_layer_l2: train.first_layer_l2, learning_rate: train.learning_rate, reduce_lr: train.reduce_lr, batch_size: train.batch_size, seed: train.seed, num_params: model.num_params(), total_seconds }
    }
}

#[derive(Serialize)]
struct Metrics<'a> {
    #[serde(flatten)]
    run: RunHead<'a>,
    test_mse: f64,
    test_r2: f64,
    test_pearson_r: f64,
    k: usize,
    #[serde(flatten)]
    settings: RunSettings<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    spot_checks: Option<&'a [SpotCheck]>,
}

/// history.csv: epoch, train_loss, val_loss, seconds; classification adds val_auroc and
/// match_fraction (seed 003's, on the validation split) when there are any; the last column,
/// learning_rate, is the rate the epoch trained at (the cuts act after an epoch).
pub fn write_history(dir: &Path, history: &[(EpochRecord, f64)], match_fractions: &[f64]) -> Result<()> {
    let path = dir.join("history.csv");
    let mut w = csv::Writer::from_writer(Vec::new());
    let classification = history.iter().any(|(r, _)| r.val_auroc.is_some());
    let multitask = history.iter().any(|(r, _)| r.val_aupr.is_some());
    let mut header = vec!["epoch", "train_loss", "val_loss", "seconds"];
    if classification {
        header.push("val_auroc");
    }
    if multitask {
        header.push("val_aupr");
    }
    if !match_fractions.is_empty() {
        header.push("match_fraction");
    }
    header.push("learning_rate");
    w.write_record(&header)?;
    for (i, (r, s)) in history.iter().enumerate() {
        let mut row = vec![r.epoch.to_string(), r.train_loss.to_string(), r.val_loss.to_string(), format!("{s:.4}")];
        if classification {
            row.push(r.val_auroc.map(|a| a.to_string()).unwrap_or_default());
        }
        if multitask {
            row.push(r.val_aupr.map(|a| a.to_string()).unwrap_or_default());
        }
        if !match_fractions.is_empty() {
            row.push(match_fractions.get(i).map(|m| m.to_string()).unwrap_or_default());
        }
        row.push(r.learning_rate.to_string());
        w.write_record(&row)?;
    }
    write_file(&path, w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?)
}

fn write_predictions(dir: &Path, eval: &Evaluation) -> Result<()> {
    let path = dir.join("predictions.csv");
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["seq", "truth", "pred"])?;
    for ((s, t), p) in eval.seqs.iter().zip(&eval.truth).zip(&eval.predictions) {
        w.write_record([s.as_str(), &t.to_string(), &p.to_string()])?;
    }
    write_file(&path, w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?)
}

/// MEME motif format (version 4), one letter-probability matrix per filter, named
/// `filter<i> <consensus>` ([`filter_motifs`], written by [`to_meme`]).
pub fn meme(pfms: &[Pfm]) -> String {
    to_meme(&filter_motifs(pfms))
}

pub(crate) fn svg(path: &Path, size: (u32, u32), draw: impl FnOnce(&DrawingArea<SVGBackend, plotters::coord::Shift>) -> Result<()>) -> Result<()> {
    let mut text = String::new();
    {
        let area = SVGBackend::with_string(&mut text, size).into_drawing_area();
        draw(&area)?;
        area.present().map_err(|e| anyhow::anyhow!("{e}")).with_context(|| format!("cannot draw {}", path.display()))?;
    }
    write_file(path, text)
}

pub(crate) fn plot_err<E: std::error::Error + Send + Sync + 'static>(e: DrawingAreaErrorKind<E>) -> anyhow::Error {
    anyhow::anyhow!("drawing failed: {e}")
}

/// Write every output file of a finished run into `dir`.
pub fn write_all(dir: &Path, run: &Run, trainer: &Trainer) -> Result<()> {
    write_history(dir, run.history, &[])?;
    write_predictions(dir, run.eval)?;
    let metrics = Metrics {
        run: RunHead::new(run.task, run.model, run.device, run.history),
        test_mse: run.eval.mse,
        test_r2: run.eval.r_squared,
        test_pearson_r: run.eval.pearson_r,
        k: run.model.seq_len,
        settings: RunSettings::new(run.model, run.train, run.total_seconds),
        spot_checks: run.spot_checks,
    };
    let path = dir.join("metrics.json");
    write_file(&path, serde_json::to_string_pretty(&metrics)? + "\n")?;

    let label = match run.model.kind {
        ModelKind::Linear => "Linear".to_string(),
        other => format!("{other} ({})", run.model.activation),
    };
    let train: Vec<f32> = run.history.iter().map(|(r, _)| r.train_loss).collect();
    let val: Vec<f32> = run.history.iter().map(|(r, _)| r.val_loss).collect();
    svg(&dir.join("loss.svg"), (800, 500), |a| {
        draw_loss_curves(a, &[LossSeries { label: &label, train: &train, val: &val }], &LossOptions::default()).map_err(plot_err)
    })?;
    let opts = ParityOptions { model_name: label.clone(), r_squared: run.eval.r_squared, alpha: 0.2, theme: Theme::default() };
    svg(&dir.join("parity.svg"), (600, 600), |a| draw_parity(a, &run.eval.truth, &run.eval.predictions, None, &opts).map(|_| ()).map_err(plot_err))?;

    let model = trainer.inference_model();
    if let Some(weights) = pollster::block_on(filter_weights(&model))? {
        let x = one_hot(&run.eval.seqs)?;
        let maps = pollster::block_on(filter_maps(&model, &x, &trainer.device()))?.expect("a CNN should have filter maps");
        let pfms = maps.align(&x, weights.width, run.align);
        let path = dir.join("filters.meme");
        write_file(&path, meme(&pfms))?;
        let logos: Vec<Logo> = filter_logos(&pfms, None).into_iter().map(Logo::from).collect();
        let cols = 8;
        let rows = logos.len().div_ceil(cols) as u32;
        svg(&dir.join("logos.svg"), (cols as u32 * 190, rows * 150), |a| draw_logos(a, &logos, cols, &Theme::default()).map_err(plot_err))?;
        svg(&dir.join("filters.svg"), (cols as u32 * 150, rows * 120), |a| {
            draw_filter_heatmaps(a, &weights.values, weights.num_filters, weights.width, cols, &Theme::default()).map_err(plot_err)
        })?;
    }
    Ok(())
}

/// Print seed 002's spot-check table (Part 5, `quick_8mer_pred`).
pub fn print_spot_checks(rows: &[SpotCheck]) {
    let mut group = "";
    for r in rows {
        if r.group != group {
            if !group.is_empty() {
                println!();
            }
            group = &r.group;
            println!("__{group}__");
        }
        println!("{}: pred:{:.3} actual:{:.3} ({:.3})", r.seq, r.prediction, r.actual, r.difference);
    }
    println!();
}

/// What one classification run produced, for [`write_classification`].
pub struct ClassRun<'a> {
    pub task: &'a ClassTask,
    pub model: &'a ModelConfig,
    pub train: &'a TrainConfig,
    pub device: BackendChoice,
    pub history: &'a [(EpochRecord, f64)],
    /// Match fraction on the validation split after each epoch.
    pub match_fractions: &'a [f64],
    pub total_seconds: f64,
    /// How the logos' windows are chosen (`--align`).
    pub align: AlignmentRule,
    pub val: &'a RegressionData,
    pub test: &'a RegressionData,
}

/// The test metrics [`write_classification`] printed and wrote.
pub struct ClassSummary {
    pub auroc: Option<f64>,
    pub aupr: Option<f64>,
    pub report: Classification,
    pub match_fraction: Option<f64>,
    /// The validation-chosen threshold and the test accuracy at it.
    pub threshold: Option<(f32, f64)>,
    /// Multi-task runs: the mean test AUPR of the planted motifs' own scans.
    pub motif_scan_aupr: Option<f64>,
}

#[derive(Serialize)]
struct ClassMetrics<'a> {
    #[serde(flatten)]
    run: RunHead<'a>,
    best_val_auroc: Option<f32>,
    /// Multi-task runs (Task 1): the best mean validation AUPR.
    #[serde(skip_serializing_if = "Option::is_none")]
    best_val_aupr: Option<f32>,
    /// Multi-task runs: the test AUPR of each target motif (`test_aupr` is their mean).
    #[serde(skip_serializing_if = "Option::is_none")]
    test_aupr_per_task: Option<std::collections::BTreeMap<&'a str, Option<f64>>>,
    /// Multi-task runs: the test AUPR of the planted motifs themselves, each label scored by its
    /// motif's likelihood ratio summed over windows and strands
    /// ([`dnaplay_model::attribution::motif_scan_aupr`]): the yardstick for `test_aupr_per_task`.
    #[serde(skip_serializing_if = "Option::is_none")]
    motif_scan_test_aupr_per_task: Option<std::collections::BTreeMap<&'a str, Option<f64>>>,
    /// Their mean, beside `test_aupr`.
    #[serde(skip_serializing_if = "Option::is_none")]
    motif_scan_test_aupr: Option<f64>,
    test_auroc: Option<f64>,
    test_aupr: Option<f64>,
    test_accuracy: f64,
    /// The threshold that maximises validation accuracy, and the test accuracy at it.
    val_best_threshold: Option<f32>,
    test_accuracy_at_val_threshold: Option<f64>,
    test_precision: f64,
    test_recall: f64,
    test_f1: f64,
    test_bce: f64,
    confusion_matrix: Confusion,
    #[serde(skip_serializing_if = "Option::is_none")]
    match_fraction: Option<f64>,
    num_seqs: usize,
    weight_decay: f64,
    #[serde(flatten)]
    settings: RunSettings<'a>,
}

/// Leaves a setting that is off (0) out of metrics.json.
fn is_zero(v: &f64) -> bool {
    *v == 0.0
}

/// Rows are the true class, columns the predicted one, as scikit-learn's `confusion_matrix`.
#[derive(Serialize)]
struct Confusion {
    true_negative: usize,
    false_positive: usize,
    false_negative: usize,
    true_positive: usize,
}

#[derive(Serialize)]
struct MatchFile<'a> {
    /// Share of filters with a significant match.
    match_fraction: f64,
    method: &'static str,
    p_threshold: f64,
    null_rounds: usize,
    min_overlap: usize,
    targets: Vec<&'a str>,
    filters: Vec<FilterEntry>,
}

#[derive(Serialize)]
struct FilterEntry {
    filter: usize,
    consensus: String,
    sites: u64,
    #[serde(rename = "match")]
    best: Option<MatchEntry>,
}

#[derive(Serialize)]
struct MatchEntry {
    id: String,
    name: String,
    strand: &'static str,
    offset: isize,
    overlap: usize,
    score: f64,
    p_value: f64,
    significant: bool,
}

fn write_csv(path: &Path, header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> Result<()> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header)?;
    for row in rows {
        w.write_record(&row)?;
    }
    write_file(path, w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?)
}

/// Attention rows written for the multi-scale model: this many test sequences.
const ATTENTION_SEQS: usize = 20;

/// Write every file of a classification run into `dir` and return the test metrics.
pub fn write_classification(dir: &Path, run: &ClassRun, trainer: &Trainer) -> Result<ClassSummary> {
    write_history(dir, run.history, run.match_fractions)?;
    let model = trainer.inference_model();
    let x = one_hot(&run.test.seqs)?;
    let tasks = run.model.num_outputs();
    let eval = ClassEvaluation::multitask(&run.test.targets, &pollster::block_on(predict(&model, &x, &trainer.device()))?, tasks);
    if tasks == 1 {
        write_csv(
            &dir.join("predictions.csv"),
            &["seq", "label", "probability"],
            run.test.seqs.iter().zip(&eval.labels).zip(&eval.probabilities).map(|((s, l), p)| vec![s.clone(), u8::from(*l).to_string(), p.to_string()]),
        )?;
    } else {
        // Multi-task (Task 1): a label and a probability column per target motif.
        let mut header = vec!["seq".to_string()];
        for m in &run.task.targets {
            header.push(format!("label_{}", m.name));
            header.push(format!("probability_{}", m.name));
        }
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        let rows = run.test.seqs.iter().enumerate().map(|(i, s)| {
            let mut row = vec![s.clone()];
            for t in 0..tasks {
                row.push(u8::from(eval.labels[i * tasks + t]).to_string());
                row.push(eval.probabilities[i * tasks + t].to_string());
            }
            row
        });
        write_csv(&dir.join("predictions.csv"), &header, rows)?;
    }
    write_csv(&dir.join("roc.csv"), &["fpr", "tpr"], roc_curve(&eval.labels, &eval.probabilities).into_iter().map(|(x, y)| vec![x.to_string(), y.to_string()]))?;
    write_csv(&dir.join("pr.csv"), &["recall", "precision"], pr_curve(&eval.labels, &eval.probabilities).into_iter().map(|(x, y)| vec![x.to_string(), y.to_string()]))?;
    if tasks == 1 {
        // The page's report draws the same curves (lessons 10 and 13).
        let positives = eval.labels.iter().filter(|l| **l).count() as f64 / eval.labels.len().max(1) as f64;
        let roc = roc_curve(&eval.labels, &eval.probabilities);
        svg(&dir.join("roc.svg"), (500, 500), |a| draw_roc(a, &roc, eval.auroc, &Theme::default()).map_err(plot_err))?;
        let pr = pr_curve(&eval.labels, &eval.probabilities);
        svg(&dir.join("pr.svg"), (500, 500), |a| draw_pr(a, &pr, eval.aupr, positives, &Theme::default()).map_err(plot_err))?;
    }

    let config = MatchConfig::default();
    let report = pollster::block_on(filter_report(&model, &x, run.align, &run.task.targets, &config, &trainer.device()))?;
    if let Some(r) = &report {
        let filters = r
            .pfms
            .iter()
            .zip(&r.matches)
            .enumerate()
            .map(|(i, (pfm, m))| FilterEntry {
                filter: i,
                consensus: pfm.to_ppm(0.0).consensus(),
                sites: pfm.num_sites().round() as u64,
                best: m.as_ref().map(|m| MatchEntry {
                    id: m.id.clone(),
                    name: m.name.clone(),
                    strand: if m.reverse { "-" } else { "+" },
                    offset: m.alignment.offset,
                    overlap: m.alignment.overlap,
                    score: m.alignment.score,
                    p_value: m.p_value,
                    significant: m.significant,
                }),
            })
            .collect();
        let file = MatchFile {
            match_fraction: r.match_fraction,
            method: "best alignment over offsets and strands, summed column Pearson correlation; p-value from column-shuffled targets (crates/model/src/matching.rs)",
            p_threshold: config.p_threshold,
            null_rounds: config.null_rounds,
            min_overlap: config.min_overlap,
            targets: run.task.targets.iter().map(|m| m.name.as_str()).collect(),
            filters,
        };
        let path = dir.join("match.json");
        write_file(&path, serde_json::to_string_pretty(&file)? + "\n")?;
        let path = dir.join("filters.meme");
        write_file(&path, meme(&r.pfms))?;
        let logos: Vec<Logo> = filter_logos(&r.pfms, Some(&r.matches)).into_iter().map(Logo::from).collect();
        let cols = 6;
        let rows = logos.len().div_ceil(cols) as u32;
        svg(&dir.join("logos.svg"), (cols as u32 * 220, rows * 150), |a| draw_logos(a, &logos, cols, &Theme::default()).map_err(plot_err))?;
        svg(&dir.join("filters.svg"), (cols as u32 * 180, rows * 120), |a| {
            draw_filter_heatmaps(a, &r.weights.values, r.weights.num_filters, r.weights.width, cols, &Theme::default()).map_err(plot_err)
        })?;
    }

    // attention.csv: the first test sequences, one row per position, a column per branch.
    let sample: Vec<usize> = (0..run.test.len().min(ATTENTION_SEQS)).collect();
    let xs = x.gather(&sample);
    if let Some(att) = pollster::block_on(attention_maps(&model, &xs, &trainer.device()))? {
        let (n, len) = (sample.len(), xs.length);
        let truth: Vec<&MotifSequence> = sample.iter().map(|&i| &run.task.seqs[run.task.split.test[i]]).collect();
        let mut header = vec!["test_index".to_string(), "position".into(), "base".into(), "label".into(), "in_motif".into()];
        header.extend(MULTISCALE_WIDTHS.iter().map(|w| format!("width_{w}")));
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        let rows = (0..n).flat_map(|b| {
            let t = truth[b];
            let att = &att;
            (0..len).map(move |p| {
                let mut row = vec![b.to_string(), p.to_string(), t.seq[p..p + 1].to_string(), u8::from(t.label).to_string(), u8::from(t.placements.iter().any(|m| (m.start..m.start + m.width).contains(&p))).to_string()];
                row.extend((0..MULTISCALE_WIDTHS.len()).map(|k| att[(k * n + b) * len + p].to_string()));
                row
            })
        });
        write_csv(&dir.join("attention.csv"), &header, rows)?;
    }

    let label = format!("{} ({})", run.model.kind, run.model.activation);
    let train: Vec<f32> = run.history.iter().map(|(r, _)| r.train_loss).collect();
    let val: Vec<f32> = run.history.iter().map(|(r, _)| r.val_loss).collect();
    svg(&dir.join("loss.svg"), (800, 500), |a| {
        draw_loss_curves(a, &[LossSeries { label: &label, train: &train, val: &val }], &LossOptions { y_label: "binary cross-entropy".into(), ..LossOptions::default() }).map_err(plot_err)
    })?;

    let c = &eval.report;
    let val_eval = pollster::block_on(trainer.evaluate_classification(run.val))?;
    let threshold = best_accuracy_threshold(&val_eval.labels, &val_eval.probabilities).map(|(t, _)| t);
    let at_threshold = threshold.map(|t| Classification::new(&eval.labels, &eval.probabilities, t).accuracy());
    let motif_scan = if tasks > 1 { Some(motif_scan_aupr(&x, &run.test.targets, &run.task.targets)?) } else { None };
    let motif_scan_mean = motif_scan.as_deref().and_then(mean_of_defined);
    let metrics = ClassMetrics {
        run: RunHead::new(run.task.kind.name(), run.model, run.device, run.history),
        best_val_auroc: run.history.iter().filter_map(|(r, _)| r.val_auroc).reduce(f32::max),
        best_val_aupr: run.history.iter().filter_map(|(r, _)| r.val_aupr).reduce(f32::max),
        test_aupr_per_task: (tasks > 1).then(|| run.task.targets.iter().map(|m| m.name.as_str()).zip(eval.task_aupr.iter().copied()).collect()),
        motif_scan_test_aupr_per_task: motif_scan.as_ref().map(|a| run.task.targets.iter().map(|m| m.name.as_str()).zip(a.iter().copied()).collect()),
        motif_scan_test_aupr: motif_scan_mean,
        test_auroc: eval.auroc,
        test_aupr: eval.aupr,
        test_accuracy: c.accuracy(),
        val_best_threshold: threshold,
        test_accuracy_at_val_threshold: at_threshold,
        test_precision: c.precision(),
        test_recall: c.recall(),
        test_f1: c.f1(),
        test_bce: eval.bce,
        confusion_matrix: Confusion { true_negative: c.true_negatives, false_positive: c.false_positives, false_negative: c.false_negatives, true_positive: c.true_positives },
        match_fraction: report.as_ref().map(|r| r.match_fraction),
        num_seqs: run.task.seqs.len(),
        weight_decay: run.train.weight_decay,
        settings: RunSettings::new(run.model, run.train, run.total_seconds),
    };
    let path = dir.join("metrics.json");
    write_file(&path, serde_json::to_string_pretty(&metrics)? + "\n")?;
    Ok(ClassSummary { auroc: eval.auroc, aupr: eval.aupr, report: eval.report, match_fraction: report.map(|r| r.match_fraction), threshold: threshold.zip(at_threshold), motif_scan_aupr: motif_scan_mean })
}

/// Print seed 000's classification report (scikit-learn's `classification_report` layout).
pub fn print_classification_report(c: &Classification) {
    println!("              precision    recall  f1-score   support");
    println!();
    for (name, row) in [("0", c.for_negative_class()), ("1", *c)] {
        println!("           {name}       {:.2}      {:.2}      {:.2}      {:>5}", row.precision(), row.recall(), row.f1(), row.support());
    }
    println!();
    println!("    accuracy                           {:.2}      {:>5}", c.accuracy(), c.support() + c.for_negative_class().support());
    println!("confusion matrix (rows true 0/1, columns predicted 0/1): [[{}, {}], [{}, {}]]", c.true_negatives, c.false_positives, c.false_negatives, c.true_positives);
}
