//! `dnaplay explain` and `dnaplay insert`: attribution maps of a saved run scored against the
//! planted motifs, and the in-silico insertion experiment. Thin shells over
//! `dnaplay_model::attribution`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Args;
use dnaplay_model::attribution::{self, Insert, Maps, Method, Output, Reference, filter_localisation, pwm_localisation, score_maps, test_positives};
use dnaplay_model::burn::tensor::Device;
use dnaplay_model::checkpoint::{CheckpointMeta, META_FILE, WEIGHTS_FILE, load_weights};
use dnaplay_model::data::{RegressionData, SplitFractions, split};
use dnaplay_model::models::Model;
use dnaplay_model::scoring::ScoringRule;
use dnaplay_model::sequence::OneHot;
use dnaplay_model::tasks::ClassTask;
use dnaplay_plots::{Theme, Track, TrackKind, draw_tracks, motif_ranges};
use plotters::prelude::*;
use serde_json::json;

use crate::outdir::write_file;
use crate::{UsageError, device, usage};

#[derive(Args)]
pub struct ExplainArgs {
    /// A folder `dnaplay train --save` wrote (model.bpk and checkpoint.json), e.g.
    /// assets/checkpoints/lesson9-exp.
    #[arg(long, value_name = "DIR")]
    run: PathBuf,
    /// Attribution methods, comma-separated: saliency, ism, ig, ism-centred, deepshap.
    #[arg(long, value_delimiter = ',', default_value = "saliency,ism,ig,deepshap", value_parser = |s: &str| s.parse::<Method>().map_err(|e| e.to_string()))]
    method: Vec<Method>,
    /// The output a classifier's maps explain: probability (the sigmoid, as seed 003's code) or
    /// logit. Regression runs are always explained by their score.
    #[arg(long, default_value = "probability", value_parser = |s: &str| s.parse::<Output>().map_err(|e| e.to_string()))]
    output: Output,
    /// Reference of integrated gradients and DeepSHAP: shuffle (10 shuffles, seed 003), zero or
    /// uniform.
    #[arg(long, default_value = "shuffle", value_parser = |s: &str| s.parse::<Reference>().map_err(|e| e.to_string()))]
    reference: Reference,
    /// Test sequences to explain (the positive ones of a 200-nt task).
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    n: u64,
    /// Compute device: cpu, flex, ndarray or wgpu.
    #[arg(long, default_value = "cpu")]
    device: String,
    /// Where to write the files (default: DIR/explain).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

#[derive(Args)]
pub struct InsertArgs {
    /// A folder `dnaplay train --save` wrote.
    #[arg(long, value_name = "DIR")]
    run: PathBuf,
    /// The motif: a sequence (A, C, G, T, N) or a JASPAR 2016 ID or name (MA0058.3, MAX),
    /// sampled afresh for each background sequence.
    #[arg(long)]
    motif: String,
    /// Background sequences (uniform random bases, as Task 3's background).
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    n: u64,
    /// 0-based position of the motif's first base (default: centred).
    #[arg(long)]
    position: Option<usize>,
    /// Seed of the backgrounds, the motif's samples and the shuffled control.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Compute device.
    #[arg(long, default_value = "cpu")]
    device: String,
}

/// A saved run: its description and its model on `device`.
fn load_run(dir: &Path, device: &Device) -> Result<(CheckpointMeta, Model)> {
    let read = |name: &str| std::fs::read(dir.join(name)).map_err(|e| anyhow::Error::new(UsageError(format!("--run {}: cannot read {name}: {e}; give a folder `dnaplay train --save` wrote", dir.display()))));
    let meta = CheckpointMeta::from_json(&String::from_utf8_lossy(&read(META_FILE)?)).map_err(|e| anyhow::Error::new(UsageError(format!("--run {}: {e}", dir.display()))))?;
    let model = load_weights(&meta.model, &read(WEIGHTS_FILE)?, device).map_err(|e| anyhow::Error::new(UsageError(format!("--run {}: {e}", dir.display()))))?;
    Ok((meta, model))
}

/// The sequences to explain: positive test sequences of a 200-nt task with their generating
/// model's information, or the first test k-mers of the 8-mer task (no ground truth).
struct Subject {
    task: Option<ClassTask>,
    x: OneHot,
    information: Option<Vec<f32>>,
}

fn subject(meta: &CheckpointMeta, n: usize) -> Result<Subject> {
    if meta.task == "8mer" {
        let data = RegressionData::kmer_task(meta.model.seq_len, &ScoringRule::default()).map_err(usage)?;
        let test = data.subset(&split(data.len(), SplitFractions::default(), meta.seed).map_err(usage)?.test);
        let idx: Vec<usize> = (0..n.min(test.len())).collect();
        let x = test.subset(&idx).one_hot().map_err(usage)?;
        return Ok(Subject { task: None, x, information: None });
    }
    let kind = meta.task.parse().map_err(usage)?;
    let task = ClassTask::generate(kind, meta.num_seqs.unwrap_or(kind.default_num_seqs()), meta.seed).map_err(usage)?;
    let (_, x, information) = test_positives(&task, n).map_err(usage)?;
    Ok(Subject { task: Some(task), x, information: Some(information) })
}

fn write_maps(path: &Path, maps: &Maps, x: &OneHot) -> Result<()> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["sequence", "position", "base", "A", "C", "G", "T"])?;
    let l = maps.length;
    for (b, seq) in x.decode().iter().enumerate() {
        let s = maps.sequence(b);
        for (i, base) in seq.chars().enumerate() {
            let cells = (0..4).map(|j| format!("{:.6}", s[j * l + i]));
            w.write_record([b.to_string(), (i + 1).to_string(), base.to_string()].into_iter().chain(cells))?;
        }
    }
    write_file(path, w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?)
}

pub fn explain(args: ExplainArgs) -> Result<()> {
    let (_, device) = device(&args.device)?;
    let (meta, model) = load_run(&args.run, &device)?;
    let out = args.out.clone().unwrap_or_else(|| args.run.join("explain"));
    std::fs::create_dir_all(&out).with_context(|| format!("cannot create {}", out.display()))?;
    let subject = subject(&meta, args.n as usize)?;
    let x = &subject.x;
    let mut report = serde_json::Map::new();
    report.insert("run".into(), json!(args.run.display().to_string()));
    report.insert("model".into(), json!(format!("{} ({})", meta.model.kind, meta.model.activation)));
    report.insert("sequences".into(), json!(x.batch));
    report.insert("which".into(), json!(if subject.task.is_some() { "positive test sequences" } else { "test k-mers (no ground truth)" }));
    let output = args.output.for_model(subject.task.is_some());
    report.insert("output".into(), json!(output.name()));
    let mut per_sequence: Vec<(Method, Maps, Vec<Option<f64>>)> = Vec::new();
    for &method in &args.method {
        let started = Instant::now();
        let maps = pollster::block_on(attribution::explain(&model, x, method, args.reference, meta.seed, output, &device)).map_err(usage)?;
        let seconds = started.elapsed().as_secs_f64();
        write_maps(&out.join(format!("maps-{method}.csv")), &maps, x)?;
        let mut entry = serde_json::Map::new();
        entry.insert("seconds".into(), json!(seconds));
        if matches!(method, Method::Ig | Method::DeepShap) {
            entry.insert("reference".into(), json!(args.reference.name()));
        }
        let mut aurocs = vec![None; x.batch];
        if let Some(info) = &subject.information {
            if let Some(s) = score_maps(&maps, x, info) {
                for (k, v) in [("auroc_mean", s.auroc.mean), ("auroc_std", s.auroc.std), ("aupr_mean", s.aupr.mean), ("aupr_std", s.aupr.std)] {
                    entry.insert(k.into(), json!(v));
                }
                entry.insert("scored".into(), json!(s.auroc.n));
                println!("{:<28} interpretability AUROC {:.3} ± {:.3}, AUPR {:.3} ± {:.3} over {} sequences ({seconds:.1} s)", method.label(), s.auroc.mean, s.auroc.std, s.aupr.mean, s.aupr.std, s.auroc.n);
            }
            let c = maps.position_scores(x);
            let l = x.length;
            for (b, a) in aurocs.iter_mut().enumerate() {
                *a = attribution::interpretability(&c[b * l..(b + 1) * l], &info[b * l..(b + 1) * l]).map(|(a, _)| a);
            }
        } else {
            println!("{:<28} {} sequences ({seconds:.1} s); no ground truth to score against", method.label(), x.batch);
        }
        report.insert(method.name().into(), serde_json::Value::Object(entry));
        per_sequence.push((method, maps, aurocs));
    }
    if let Some(info) = &subject.information {
        write_truth(&out.join("truth.csv"), info, x)?;
    }
    if let (Some(task), Some(info)) = (&subject.task, &subject.information) {
        let filters = pollster::block_on(filter_localisation(&model, x, info, &device)).map_err(usage)?;
        let pwms = pwm_localisation(x, info, &task.targets);
        println!("localisation AUROC: first-layer scans {}, ground-truth PWMs {}", fmt(filters), fmt(pwms));
        report.insert("localisation_auroc".into(), json!({ "filters": filters, "pwms": pwms }));
    }
    write_file(&out.join("interpretability.json"), serde_json::to_string_pretty(&serde_json::Value::Object(report))? + "\n")?;
    for b in 0..x.batch.min(5) {
        let mut tracks: Vec<Track> = per_sequence
            .iter()
            .map(|(m, maps, aurocs)| Track { title: m.label().into(), label: aurocs[b].map(|a| format!("interpretability AUROC {a:.2}")), kind: TrackKind::Letters(maps.heights(b)) })
            .collect();
        let shaded = match &subject.information {
            Some(info) => {
                let info = &info[b * x.length..(b + 1) * x.length];
                tracks.push(Track { title: "Ground truth: information of the generating model (bits)".into(), label: None, kind: TrackKind::Bars(info.to_vec()) });
                motif_ranges(info, attribution::INFORMATION_THRESHOLD)
            }
            None => Vec::new(),
        };
        let path = out.join(format!("sequence{}.svg", b + 1));
        let mut text = String::new();
        {
            let area = SVGBackend::with_string(&mut text, (1400, 150 * tracks.len() as u32)).into_drawing_area();
            draw_tracks(&area, &tracks, &shaded, &Theme::default()).map_err(|e| anyhow::anyhow!("drawing failed: {e}"))?;
            area.present().map_err(|e| anyhow::anyhow!("{e}"))?;
        }
        write_file(&path, text)?;
    }
    println!("wrote {}", out.display());
    Ok(())
}

/// truth.csv: the generating model's information (bits) at every position of every explained
/// sequence, the ground truth the maps are scored against.
fn write_truth(path: &Path, information: &[f32], x: &OneHot) -> Result<()> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["sequence", "position", "base", "information_bits"])?;
    for (b, seq) in x.decode().iter().enumerate() {
        for (i, base) in seq.chars().enumerate() {
            w.write_record([b.to_string(), (i + 1).to_string(), base.to_string(), format!("{:.4}", information[b * x.length + i])])?;
        }
    }
    write_file(path, w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?)
}

fn fmt(v: Option<f64>) -> String {
    v.map_or("n/a".into(), |v| format!("{v:.3}"))
}

pub fn insert(args: InsertArgs) -> Result<()> {
    let (_, device) = device(&args.device)?;
    let (meta, model) = load_run(&args.run, &device)?;
    let motif = Insert::from_text(&args.motif);
    let length = meta.model.seq_len;
    let width = motif.width();
    if width == 0 || width > length {
        return Err(anyhow::Error::new(UsageError(format!("--motif is {width} nt; the model takes {length} nt"))));
    }
    let position = args.position.unwrap_or((length - width) / 2);
    let backgrounds = attribution::random_backgrounds(args.n as usize, length, args.seed);
    let e = pollster::block_on(attribution::insertion(&model, &backgrounds, &motif, position, args.seed, &device)).map_err(usage)?;
    let what = if meta.model.kind.is_classifier() { "logit" } else { "prediction" };
    println!("{} backgrounds of {length} nt, motif at position {position} (0-based), change in the {what}:", args.n);
    for (name, effect) in [(args.motif.as_str(), &e.motif), (&*format!("shuffled ({})", e.control_text), &e.control)] {
        println!(
            "  {name:<24} mean {:+.3} ± {:.3}   quartiles {:+.3} / {:+.3} / {:+.3}",
            effect.delta.mean, effect.delta.std, effect.quartiles[0], effect.quartiles[1], effect.quartiles[2]
        );
    }
    let gap = e.motif.delta.mean - e.control.delta.mean;
    println!("  motif − control: {gap:+.3} {what} units");
    Ok(())
}
