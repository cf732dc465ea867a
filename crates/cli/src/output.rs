//! The files `dnaplay train` writes: history.csv, predictions.csv, metrics.json, filters.meme,
//! loss.svg, parity.svg, logos.svg and filters.svg.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result};
use dnaplay_model::BackendChoice;
use dnaplay_model::interpret::{AlignmentRule, LOGOMAKER_PSEUDOCOUNT, Pfm};
use dnaplay_model::metrics::SpotCheck;
use dnaplay_model::models::{ModelConfig, ModelKind};
use dnaplay_model::sequence::one_hot;
use dnaplay_model::trainer::{EpochRecord, Evaluation, TrainConfig, Trainer, filter_maps, filter_weights};
use dnaplay_plots::{Logo, LossOptions, LossSeries, ParityOptions, Theme, draw_filter_heatmaps, draw_logos, draw_loss_curves, draw_parity};
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

#[derive(Serialize)]
struct Metrics<'a> {
    task: &'a str,
    model: &'a str,
    activation: &'a str,
    device: &'a str,
    epochs: usize,
    seconds_per_epoch: f64,
    final_train_loss: f32,
    final_val_loss: f32,
    test_mse: f64,
    test_r2: f64,
    test_pearson_r: f64,
    k: usize,
    optimizer: &'a str,
    learning_rate: f64,
    batch_size: usize,
    seed: u64,
    num_params: usize,
    total_seconds: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    spot_checks: Option<&'a [SpotCheck]>,
}

/// history.csv: epoch, train_loss, val_loss, seconds.
pub fn write_history(dir: &Path, history: &[(EpochRecord, f64)]) -> Result<()> {
    let path = dir.join("history.csv");
    let mut w = csv::Writer::from_path(&path).with_context(|| format!("cannot write {}", path.display()))?;
    w.write_record(["epoch", "train_loss", "val_loss", "seconds"])?;
    for (r, s) in history {
        w.write_record([r.epoch.to_string(), r.train_loss.to_string(), r.val_loss.to_string(), format!("{s:.4}")])?;
    }
    w.flush().with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

fn write_predictions(dir: &Path, eval: &Evaluation) -> Result<()> {
    let path = dir.join("predictions.csv");
    let mut w = csv::Writer::from_path(&path).with_context(|| format!("cannot write {}", path.display()))?;
    w.write_record(["seq", "truth", "pred"])?;
    for ((s, t), p) in eval.seqs.iter().zip(&eval.truth).zip(&eval.predictions) {
        w.write_record([s.as_str(), &t.to_string(), &p.to_string()])?;
    }
    w.flush().with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// MEME motif format (version 4), one letter-probability matrix per filter.
pub fn meme(pfms: &[Pfm]) -> String {
    let mut s = String::from("MEME version 4\n\nALPHABET= ACGT\n\nstrands: + -\n\nBackground letter frequencies\nA 0.25 C 0.25 G 0.25 T 0.25\n\n");
    for (i, pfm) in pfms.iter().enumerate() {
        let ppm = pfm.to_ppm(0.0);
        let sites = pfm.num_sites();
        let _ = writeln!(s, "MOTIF filter{i} {}", ppm.consensus());
        let _ = writeln!(s, "letter-probability matrix: alength= 4 w= {} nsites= {} E= 0", pfm.width(), sites.round() as u64);
        for row in &ppm.probs {
            let _ = writeln!(s, "{:.6} {:.6} {:.6} {:.6}", row[0], row[1], row[2], row[3]);
        }
        s.push('\n');
    }
    s
}

fn svg(path: &Path, size: (u32, u32), draw: impl FnOnce(&DrawingArea<SVGBackend, plotters::coord::Shift>) -> Result<()>) -> Result<()> {
    let area = SVGBackend::new(path, size).into_drawing_area();
    draw(&area)?;
    area.present().map_err(|e| anyhow::anyhow!("{e}")).with_context(|| format!("cannot write {}", path.display()))
}

fn plot_err<E: std::error::Error + Send + Sync + 'static>(e: DrawingAreaErrorKind<E>) -> anyhow::Error {
    anyhow::anyhow!("drawing failed: {e}")
}

/// Write every output file of a finished run into `dir`.
pub fn write_all(dir: &Path, run: &Run, trainer: &Trainer) -> Result<()> {
    write_history(dir, run.history)?;
    write_predictions(dir, run.eval)?;
    let last = run.history.last().map(|(r, _)| r.clone());
    let seconds_per_epoch = run.history.iter().map(|(_, s)| s).sum::<f64>() / run.history.len().max(1) as f64;
    let metrics = Metrics {
        task: run.task,
        model: run.model.kind.name(),
        activation: run.model.activation.name(),
        device: run.device.name(),
        epochs: run.history.len(),
        seconds_per_epoch,
        final_train_loss: last.as_ref().map_or(f32::NAN, |r| r.train_loss),
        final_val_loss: last.as_ref().map_or(f32::NAN, |r| r.val_loss),
        test_mse: run.eval.mse,
        test_r2: run.eval.r_squared,
        test_pearson_r: run.eval.pearson_r,
        k: run.model.seq_len,
        optimizer: run.train.optimizer.name(),
        learning_rate: run.train.learning_rate,
        batch_size: run.train.batch_size,
        seed: run.train.seed,
        num_params: run.model.num_params(),
        total_seconds: run.total_seconds,
        spot_checks: run.spot_checks,
    };
    let path = dir.join("metrics.json");
    std::fs::write(&path, serde_json::to_string_pretty(&metrics)? + "\n").with_context(|| format!("cannot write {}", path.display()))?;

    let label = match run.model.kind {
        ModelKind::Linear => "Linear".to_string(),
        ModelKind::Cnn => format!("CNN ({})", run.model.activation),
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
        std::fs::write(&path, meme(&pfms)).with_context(|| format!("cannot write {}", path.display()))?;
        let logos: Vec<Logo> = pfms
            .iter()
            .enumerate()
            .map(|(i, pfm)| {
                let ppm = pfm.to_ppm(LOGOMAKER_PSEUDOCOUNT);
                let sites = pfm.num_sites().round() as u64;
                let subtitle = if sites == 0 { "no sites".to_string() } else { format!("{} · {} sites", ppm.consensus(), sites) };
                Logo { title: format!("Filter {i}"), subtitle: Some(subtitle), heights: ppm.letter_heights() }
            })
            .collect();
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
