//! `dnaplay sweep`: train every cell of a grid of settings, one `dnaplay train` run folder each,
//! then compare them: `summary.csv` (one row per run), `summary.md` (medians and quartiles per
//! group), box plots over seeds (seed 003, Fig. 1c) and overlaid loss curves per model.
//!
//! A sweep folder may be filled by several invocations: cells whose folder already holds a
//! finished run (`metrics.json`, or `error.txt` for a run that diverged) are skipped, so an
//! interrupted sweep resumes, `--shard 1/2` and `--shard 2/2` can run side by side, and a second
//! grid (say log-relu with `--l2-first 0.2`) can join the first. The summary covers every run folder.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Args;
use dnaplay_model::settings;
use dnaplay_model::sweep::{BoxStats, Grid, RunSummary, parse_list, parse_seeds};
use dnaplay_plots::{BoxOptions, BoxPanel, BoxSeries, LossOptions, LossSeries, Theme, draw_box_panels, draw_loss_curves};
use serde_json::Value;

use crate::outdir::write_file;
use crate::output::{plot_err, svg};
use crate::{ModelArgs, Task, TrainArgs, UsageError};

/// The marker of a folder `dnaplay sweep` writes.
const SWEEP_MARKER: &str = ".dnaplay-sweep";
/// The cell a run folder holds (its grid values), written after the run.
const CELL_FILE: &str = "cell.json";
/// A run that stopped with an error (a diverging loss): the message.
pub const ERROR_FILE: &str = "error.txt";

#[derive(Args)]
pub struct SweepArgs {
    /// Task.
    #[arg(long, value_enum, default_value = "8mer")]
    task: Task,
    /// Models, comma-separated (e.g. linear,cnn or cnn-2,cnn-50,cnn-deep) [default: the task's].
    #[arg(long)]
    model: Option<String>,
    /// First-layer activations, comma-separated (e.g. relu,exp) [default: relu].
    #[arg(long)]
    activation: Option<String>,
    /// Learning rates, comma-separated (e.g. 0.001,0.005,0.01,0.05,0.1) [default: the task's].
    #[arg(long)]
    lr: Option<String>,
    /// L2 penalties, comma-separated (e.g. 1e-6,1e-4) [default: the task's].
    #[arg(long)]
    l2: Option<String>,
    /// L2 penalties on the first layer's kernel alone, comma-separated (e.g. 0.2) [default: none].
    #[arg(long)]
    l2_first: Option<String>,
    /// Seeds: numbers and ranges, e.g. 1-5 or 1,2,7 [default: 17].
    #[arg(long, default_value = "17")]
    seeds: String,
    /// Epochs of every run [default: the task's].
    #[arg(long, value_parser = |s: &str| dnaplay_model::settings::EPOCHS.parse_usize(s))]
    epochs: Option<usize>,
    /// Sequences to generate for the 200-nt tasks [default: the task's].
    #[arg(long, value_parser = |s: &str| dnaplay_model::settings::CLASS_SEQS.parse_usize(s))]
    num_seqs: Option<usize>,
    /// Sequences per batch [default: the task's].
    #[arg(long, value_parser = |s: &str| dnaplay_model::settings::BATCH_SIZE.parse_usize(s))]
    batch_size: Option<usize>,
    /// Optimizer: sgd or adam [default: the task's].
    #[arg(long)]
    optimizer: Option<String>,
    /// k-mer length, 3 to 10 (8mer only) [default: 8].
    #[arg(long, value_parser = |s: &str| dnaplay_model::settings::K.parse_usize(s))]
    k: Option<usize>,
    /// Score motifs by position (seed 002, Question 1; 8mer only).
    #[arg(long)]
    position_dependent: bool,
    /// Device: cpu, flex, ndarray, or wgpu when built with it.
    #[arg(long, default_value = "cpu")]
    device: String,
    /// Run only every N-th cell starting at the I-th, as `I/N` (e.g. 1/2 and 2/2 in two
    /// processes); the summary is written by whichever finishes with every cell done.
    #[arg(long, value_parser = parse_shard)]
    shard: Option<(usize, usize)>,
    /// Stop each run when the monitored value has not improved for this many epochs [default:
    /// the task's; seed 003's code used 20].
    #[arg(long, value_name = "PATIENCE", value_parser = |s: &str| dnaplay_model::settings::PATIENCE.parse_usize(s))]
    early_stopping: Option<usize>,
    /// The floor of every run's learning-rate cuts [default: 1e-6, seed 000's Keras `min_lr`].
    #[arg(long, value_parser = |s: &str| dnaplay_model::settings::MIN_LR.parse_f64(s))]
    min_lr: Option<f64>,
    /// Initial weights of every run: pytorch or glorot (seed 003's Keras models).
    #[arg(long, default_value = "pytorch", value_parser = |s: &str| s.parse::<dnaplay_model::models::Init>().map_err(|e| e.to_string()))]
    init: dnaplay_model::models::Init,
    /// Also save each run's trained weights (model.bpk, checkpoint.json) in its folder.
    #[arg(long)]
    save: bool,
    /// Sweep folder: one sub-folder per run, plus the summary files.
    #[arg(long, default_value = "sweep")]
    out: PathBuf,
}

/// A `--shard` value that is not `I/N` with 1 ≤ I ≤ N.
#[derive(Debug, thiserror::Error)]
#[error("invalid --shard '{0}'; expected I/N with 1 ≤ I ≤ N, e.g. 1/2")]
pub(crate) struct ShardError(String);

/// Read `--shard I/N`.
///
/// # Errors
/// [`ShardError`] naming the value when it is not two whole numbers `I/N` with 1 ≤ I ≤ N.
fn parse_shard(s: &str) -> std::result::Result<(usize, usize), ShardError> {
    let bad = || ShardError(s.to_string());
    let (i, n) = s.split_once('/').ok_or_else(bad)?;
    let (i, n): (usize, usize) = (i.trim().parse().map_err(|_| bad())?, n.trim().parse().map_err(|_| bad())?);
    if i == 0 || i > n {
        return Err(bad());
    }
    Ok((i, n))
}

fn usage_error(e: impl std::fmt::Display) -> anyhow::Error {
    anyhow::Error::new(UsageError(e.to_string()))
}

/// The grid the flags describe: model × activation × l2 × l2first × lr × seed, each axis present
/// only when given (seeds always).
fn grid(args: &SweepArgs) -> Result<Grid> {
    let mut grid = Grid::new();
    for (key, text) in [("model", &args.model), ("activation", &args.activation), ("l2", &args.l2), (settings::L2_FIRST.key, &args.l2_first), ("lr", &args.lr)] {
        if let Some(text) = text {
            grid = grid.axis(key, parse_list(key, text).map_err(usage_error)?).map_err(usage_error)?;
        }
    }
    let seeds = parse_seeds(&args.seeds).map_err(usage_error)?;
    grid.axis("seed", seeds.iter().map(u64::to_string).collect()).map_err(usage_error)
}

/// Check and prepare the sweep folder: created if missing; a folder that is not empty must be
/// one a sweep wrote.
fn prepare(dir: &Path) -> Result<()> {
    if dir.exists() && !dir.is_dir() {
        return Err(crate::outdir::Refused(format!("--out {} is a file, not a folder", dir.display())).into());
    }
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    if !dir.join(SWEEP_MARKER).is_file() {
        if let Some(entry) = std::fs::read_dir(dir)?.next() {
            let name = entry?.file_name().to_string_lossy().into_owned();
            return Err(crate::outdir::Refused(format!("--out {} is not empty and was not written by dnaplay sweep (it holds '{name}'); choose a new or empty folder", dir.display())).into());
        }
        write_file(&dir.join(SWEEP_MARKER), "This folder holds a `dnaplay sweep`: one folder per run and the summary files.\n")?;
    }
    Ok(())
}

/// The floor of the learning-rate cuts a finished run in `dir` was made with (metrics.json's
/// `reduce_lr.min_lr`; [`settings::MIN_LR`]'s default for runs written before it was recorded,
/// which is what every run with cuts had then); `None` when it has no metrics.json. Asked only
/// for cells whose settings have cuts.
fn kept_min_lr(dir: &Path) -> Option<f64> {
    let text = std::fs::read_to_string(dir.join("metrics.json")).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    Some(json.get("reduce_lr").and_then(|r| r.get("min_lr")?.as_f64()).unwrap_or(settings::MIN_LR.default))
}

/// The initialisation a finished run in `dir` was made with (`pytorch` for runs written before
/// the setting existed); `None` when it has no metrics.json.
fn kept_init(dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(dir.join("metrics.json")).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    Some(json.get("init").and_then(|v| v.as_str()).unwrap_or("pytorch").to_string())
}

/// Run the sweep.
///
/// # Errors
/// A [`UsageError`] for a bad grid or a setting `dnaplay train` refuses (checked on every cell
/// before any run starts); I/O errors. A run that diverges does not stop the sweep: its folder
/// gets `error.txt` and the summary marks it.
pub fn sweep(args: SweepArgs) -> Result<()> {
    let grid = grid(&args)?;
    let cells = grid.cells();
    let train_args = |cell: &dnaplay_model::sweep::Cell| -> Result<TrainArgs> {
        let parse_f64 = |key: &str, s: &str| s.parse::<f64>().map_err(|_| usage_error(format!("--{key} value '{s}' is not a number")));
        let model = ModelArgs {
            task: args.task,
            k: args.k,
            position_dependent: args.position_dependent,
            num_seqs: args.num_seqs,
            model: cell.get("model").map(str::to_string),
            activation: cell.get("activation").unwrap_or("relu").to_string(),
            num_filters: None,
            filter_width: None,
            optimizer: args.optimizer.clone(),
            lr: cell.get("lr").map(|s| parse_f64("lr", s)).transpose()?,
            batch_size: args.batch_size,
            l2: cell.get("l2").map(|s| parse_f64("l2", s)).transpose()?,
            l2_first: cell.get(settings::L2_FIRST.key).map(|s| settings::L2_FIRST.parse_f64(s).map_err(usage_error)).transpose()?,
            seed: cell.get("seed").expect("seeds are always an axis").parse().map_err(usage_error)?,
            init: args.init,
        };
        let out = args.out.join(cell.folder());
        Ok(TrainArgs {
            model,
            epochs: args.epochs,
            device: args.device.clone(),
            early_stopping: args.early_stopping,
            reduce_lr: None,
            min_lr: args.min_lr,
            monitor: None,
            align: None,
            save: args.save.then(|| out.clone()),
            out,
            load: None,
            quiet: true,
            resume: true,
            data: None,
            labels: None,
            fit: None,
            data_task: None,
        })
    };
    // Every cell's settings are checked before the first run, so a typo fails at once.
    let mut runs = Vec::with_capacity(cells.len());
    for cell in &cells {
        let t = train_args(cell)?;
        let setup = crate::train_setup(&t).with_context(|| format!("run {cell}"))?;
        // A cell stopped mid-way must fit the state it kept, or the sweep would stop there.
        let data = dnaplay_model::trainer::data_fingerprint(&setup.train, &setup.val);
        crate::resume::read(&t.out, &setup.model_config, &setup.train_config, data).with_context(|| format!("run {cell}"))?;
        runs.push((cell, t, setup.train_config.reduce_lr.map(|r| r.min_lr)));
    }
    prepare(&args.out)?;
    let (shard, shards) = args.shard.unwrap_or((1, 1));
    let mine: Vec<_> = runs.into_iter().filter(|(c, _, _)| c.index % shards == shard - 1).collect();
    let started = Instant::now();
    let total = mine.len();
    for (i, (cell, t, min_lr)) in mine.into_iter().enumerate() {
        let dir = t.out.clone();
        if let Some(init) = kept_init(&dir) {
            if init != args.init.name() {
                return Err(crate::outdir::Refused(format!("--out {}: run {cell} was made with --init {init}, this sweep asks for --init {}; finish it with --init {init} or choose another folder", args.out.display(), args.init)).into());
            }
        }
        if let Some(wanted) = min_lr {
            if let Some(kept) = kept_min_lr(&dir).filter(|&kept| kept != wanted) {
                return Err(crate::outdir::Refused(format!("--out {}: run {cell} was made with {} {kept}, this sweep asks for {wanted}; choose another folder", args.out.display(), settings::MIN_LR.flag)).into());
            }
        }
        if dir.join("metrics.json").is_file() || dir.join(ERROR_FILE).is_file() {
            println!("[{}/{total}] {cell}: done before, kept", i + 1);
            continue;
        }
        println!("[{}/{total}] {cell} ({:.0} s into the sweep)", i + 1, started.elapsed().as_secs_f64());
        let result = crate::train(t);
        let cell_json = serde_json::to_string_pretty(&cell.values.iter().cloned().collect::<BTreeMap<_, _>>())? + "\n";
        match result {
            Ok(()) => write_file(&dir.join(CELL_FILE), cell_json)?,
            Err(e) if e.downcast_ref::<dnaplay_model::Error>().is_some_and(|m| matches!(m, dnaplay_model::Error::Diverged { .. })) => {
                println!("  stopped: {e}");
                write_file(&dir.join(ERROR_FILE), format!("{e}\n"))?;
                write_file(&dir.join(CELL_FILE), cell_json)?;
            }
            Err(e) => return Err(e.context(format!("run {cell}"))),
        }
    }
    let pending: Vec<_> = cells.iter().filter(|c| {
        let d = args.out.join(c.folder());
        !d.join("metrics.json").is_file() && !d.join(ERROR_FILE).is_file()
    }).collect();
    if !pending.is_empty() {
        println!("{} of {} runs still to do (other shards); the summary waits for them", pending.len(), cells.len());
        return Ok(());
    }
    let rows = summarise(&args.out)?;
    println!("{} runs in {:.0} s; wrote {}", rows.len(), started.elapsed().as_secs_f64(), args.out.join("summary.csv").display());
    Ok(())
}

/// One finished run of a sweep folder.
#[derive(Debug, Clone)]
struct RunRow {
    folder: String,
    cell: BTreeMap<String, String>,
    metrics: Option<Value>,
    error: Option<String>,
    val_loss: Vec<f32>,
    train_loss: Vec<f32>,
}

impl RunRow {
    fn number(&self, key: &str) -> Option<f64> {
        self.metrics.as_ref()?.get(key)?.as_f64()
    }
}

/// The metrics a summary reports, for classification and regression runs.
const METRICS: [&str; 7] = ["test_auroc", "test_aupr", "match_fraction", "test_mse", "test_r2", "final_val_loss", "seconds_per_epoch"];

fn read_runs(dir: &Path) -> Result<Vec<RunRow>> {
    let mut rows = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.filter_map(|e| e.ok()).filter(|e| e.path().join(CELL_FILE).is_file()).collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let cell: BTreeMap<String, String> = serde_json::from_str(&std::fs::read_to_string(path.join(CELL_FILE))?).with_context(|| format!("{}", path.join(CELL_FILE).display()))?;
        let metrics = std::fs::read_to_string(path.join("metrics.json")).ok().map(|t| serde_json::from_str::<Value>(&t)).transpose()?;
        let error = std::fs::read_to_string(path.join(ERROR_FILE)).ok().map(|s| s.trim().to_string());
        let (mut train_loss, mut val_loss) = (Vec::new(), Vec::new());
        if let Ok(mut r) = csv::Reader::from_path(path.join("history.csv")) {
            for rec in r.records().flatten() {
                train_loss.push(rec.get(1).and_then(|v| v.parse().ok()).unwrap_or(f32::NAN));
                val_loss.push(rec.get(2).and_then(|v| v.parse().ok()).unwrap_or(f32::NAN));
            }
        }
        rows.push(RunRow { folder: entry.file_name().to_string_lossy().into_owned(), cell, metrics, error, val_loss, train_loss });
    }
    Ok(rows)
}

/// The paper's words for Fig. 1c, written beside the box plot (seed 003, Fig. 1 caption and
/// Results).
const FIG1C: &str = "Seed 003, Fig. 1c: \"Boxplot of the fraction of filters that match ground truth motifs for CNN-2 (top), CNN-50 (middle), and CNN-deep (bottom) with various first layer activations trained on synthetic sequences of Task 1. Each boxplot represents the performance across 10 models with different random initialisations (box represents first and third quartile and the red line represents the median).\" Results: \"The filters in CNN-50 ... were also able to capture ground truth motifs with other activations, the exceptions being sigmoid and tanh ... CNN-2 and CNN-deep were unable to do so for most activation functions, with the exception being the exponential activation.\"";

/// Where a group's value of one key sorts in the summary: models and activations in their own
/// order (as Fig. 1c: relu, exp, ...), numbers by value, and a key the group's runs do not set
/// (an empty value, as CNN-deep relu without `--l2-first` beside relu with it) before any value.
fn group_rank(key: &str, v: &str) -> (usize, f64, String) {
    let named = match key {
        "model" => dnaplay_model::models::ModelKind::ALL.iter().position(|m| m.name() == v),
        "activation" => dnaplay_model::models::Activation::ALL.iter().position(|m| m.name() == v),
        _ => None,
    };
    let number = if v.is_empty() { f64::NEG_INFINITY } else { v.parse::<f64>().unwrap_or(f64::INFINITY) };
    (named.unwrap_or(usize::MAX), number, v.to_string())
}

/// Write summary.csv, summary.md, the box plots and the loss plots of every run in `dir`.
fn summarise(dir: &Path) -> Result<Vec<RunRow>> {
    let rows = read_runs(dir)?;
    let mut keys: Vec<String> = Vec::new();
    for r in &rows {
        for k in r.cell.keys() {
            if !keys.contains(k) {
                keys.push(k.clone());
            }
        }
    }
    // Grid order: model, activation, l2, l2first, lr, then seed.
    let order = ["model", "activation", "l2", settings::L2_FIRST.key, "lr", "seed"];
    keys.sort_by_key(|k| order.iter().position(|o| o == k).unwrap_or(order.len()));
    let metrics: Vec<&str> = METRICS.iter().copied().filter(|m| rows.iter().any(|r| r.number(m).is_some())).collect();

    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = keys.clone();
    header.extend(["status", "epochs", "folder"].map(String::from));
    header.extend(metrics.iter().map(|m| m.to_string()));
    w.write_record(&header)?;
    for r in &rows {
        let mut rec: Vec<String> = keys.iter().map(|k| r.cell.get(k).cloned().unwrap_or_default()).collect();
        rec.push(if r.error.is_some() { "diverged".into() } else { "finished".into() });
        rec.push(r.val_loss.len().to_string());
        rec.push(r.folder.clone());
        rec.extend(metrics.iter().map(|m| r.number(m).map(|v| format!("{v:.4}")).unwrap_or_default()));
        w.write_record(&rec)?;
    }
    write_file(&dir.join("summary.csv"), w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?)?;
    let json: Vec<RunSummary> = rows
        .iter()
        .map(|r| RunSummary {
            cell: r.cell.clone(),
            status: if r.error.is_some() { "diverged".into() } else { "finished".into() },
            epochs: r.val_loss.len(),
            metrics: metrics.iter().filter_map(|m| r.number(m).map(|v| (m.to_string(), v))).collect(),
        })
        .collect();
    write_file(&dir.join("summary.json"), serde_json::to_string_pretty(&json)? + "\n")?;

    // Groups: every key but the seed.
    let group_keys: Vec<&String> = keys.iter().filter(|k| *k != "seed").collect();
    let group_of = |r: &RunRow| group_keys.iter().map(|k| r.cell.get(*k).cloned().unwrap_or_default()).collect::<Vec<_>>();
    let mut groups: Vec<(Vec<String>, Vec<&RunRow>)> = Vec::new();
    for r in &rows {
        let g = group_of(r);
        match groups.iter_mut().find(|(k, _)| *k == g) {
            Some((_, v)) => v.push(r),
            None => groups.push((g, vec![r])),
        }
    }
    groups.sort_by(|(a, _), (b, _)| {
        let ra: Vec<_> = group_keys.iter().zip(a).map(|(k, v)| group_rank(k, v)).collect();
        let rb: Vec<_> = group_keys.iter().zip(b).map(|(k, v)| group_rank(k, v)).collect();
        ra.partial_cmp(&rb).unwrap_or(std::cmp::Ordering::Equal)
    });
    let mut md = String::from("# Sweep summary\n\nMedian [first quartile, third quartile] over the runs of each group (seeds), NumPy's percentiles; `n` runs, `d` of them diverged.\n\n");
    md.push_str(&format!("| {} | n | {} |\n", group_keys.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(" | "), metrics.join(" | ")));
    md.push_str(&format!("|{}\n", "---|".repeat(group_keys.len() + 1 + metrics.len())));
    for (g, runs) in &groups {
        let diverged = runs.iter().filter(|r| r.error.is_some()).count();
        let n = if diverged > 0 { format!("{} (d {diverged})", runs.len()) } else { runs.len().to_string() };
        let cells: Vec<String> = metrics
            .iter()
            .map(|m| match BoxStats::of(&runs.iter().filter_map(|r| r.number(m)).collect::<Vec<_>>()) {
                Some(b) if b.n > 1 => format!("{:.3} [{:.3}, {:.3}]", b.median, b.q1, b.q3),
                Some(b) => format!("{:.3}", b.median),
                None => "–".into(),
            })
            .collect();
        md.push_str(&format!("| {} | {n} | {} |\n", g.join(" | "), cells.join(" | ")));
    }

    // Box plots: a panel per model, a box per remaining group, for each metric that varies.
    let panel_key = group_keys.iter().position(|k| *k == "model");
    // Only over seeds: with one run per group a box is a dot, and the table says it better.
    let several = groups.iter().any(|(_, runs)| runs.len() > 1);
    let box_metrics: Vec<&str> = metrics.iter().copied().filter(|m| several && ["match_fraction", "test_aupr", "test_auroc", "test_r2", "test_mse"].contains(m)).collect();
    for metric in &box_metrics {
        let mut panels: Vec<BoxPanel> = Vec::new();
        for (g, runs) in &groups {
            let title = panel_key.map(|i| g[i].clone()).unwrap_or_else(|| "all runs".into());
            let label: Vec<String> = g.iter().enumerate().filter(|(i, v)| Some(*i) != panel_key && !v.is_empty()).map(|(_, v)| v.clone()).collect();
            let values: Vec<f64> = runs.iter().filter_map(|r| r.number(metric)).collect();
            let stats = BoxStats::of(&values).map(|b| [b.min, b.q1, b.median, b.q3, b.max]);
            let series = BoxSeries { label: if label.is_empty() { title.clone() } else { label.join(" ") }, stats, values };
            match panels.iter_mut().find(|p| p.title == title) {
                Some(p) => p.boxes.push(series),
                None => panels.push(BoxPanel { title, boxes: vec![series] }),
            }
        }
        let all: Vec<f64> = rows.iter().filter_map(|r| r.number(metric)).collect();
        let y_range = if ["match_fraction", "test_aupr", "test_auroc"].contains(metric) {
            (0.0, 1.0)
        } else {
            let (lo, hi) = all.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| (a.min(v), b.max(v)));
            if lo.is_finite() { (lo.min(0.0), hi * 1.05 + 1e-9) } else { (0.0, 1.0) }
        };
        let widest = panels.iter().map(|p| p.boxes.len()).max().unwrap_or(1) as u32;
        let size = ((160 + 90 * widest).max(600), 60 + 260 * panels.len() as u32);
        let opts = BoxOptions { y_label: metric.replace('_', " "), y_range, theme: Theme::default() };
        let name = format!("boxplot-{metric}.svg");
        svg(&dir.join(&name), size, |a| draw_box_panels(a, &panels, &opts).map_err(plot_err))?;
        md.push_str(&format!("\n![{metric}]({name})\n"));
    }
    if rows.iter().any(|r| r.metrics.as_ref().and_then(|m| m.get("task")).and_then(Value::as_str) == Some("task1")) {
        md.push_str(&format!("\n{FIG1C}\n"));
    }
    write_file(&dir.join("summary.md"), md)?;

    // Loss curves: every run of one model overlaid.
    let mut by_model: BTreeMap<String, Vec<&RunRow>> = BTreeMap::new();
    for r in &rows {
        by_model.entry(r.cell.get("model").cloned().unwrap_or_else(|| "runs".into())).or_default().push(r);
    }
    for (model, runs) in by_model {
        let labels: Vec<String> = runs.iter().map(|r| r.cell.iter().filter(|(k, _)| *k != "model").map(|(k, v)| format!("{k} {v}")).collect::<Vec<_>>().join(" ")).collect();
        let series: Vec<LossSeries> = runs.iter().zip(&labels).map(|(r, l)| LossSeries { label: l, train: &r.train_loss, val: &r.val_loss }).collect();
        let classification = runs.iter().any(|r| r.number("test_auroc").is_some());
        let opts = LossOptions { log_y: !classification, y_label: if classification { "binary cross-entropy".into() } else { "MSE loss".into() }, title: Some(format!("{model}: every run")), theme: Theme::default() };
        svg(&dir.join(format!("loss-{model}.svg")), (900, 560), |a| draw_loss_curves(a, &series, &opts).map_err(plot_err))?;
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::group_rank;

    #[test]
    fn groups_sort_in_the_models_own_order_with_unset_keys_first() {
        let rank = |pairs: &[(&str, &str)]| pairs.iter().map(|(k, v)| group_rank(k, v)).collect::<Vec<_>>();
        // CNN-deep relu without the first-layer penalty, then with it, then exp (docs/fig1c-converged).
        let plain = rank(&[("model", "cnn-deep"), ("activation", "relu"), ("l2first", "")]);
        let penalised = rank(&[("model", "cnn-deep"), ("activation", "relu"), ("l2first", "0.2")]);
        let exp = rank(&[("model", "cnn-deep"), ("activation", "exp"), ("l2first", "")]);
        assert!(plain < penalised && penalised < exp);
        // Numbers by value, not as text; models in their own order.
        assert!(group_rank("lr", "0.05") < group_rank("lr", "0.1") && group_rank("lr", "0.1") < group_rank("lr", "10"));
        assert!(group_rank("model", "cnn-2") < group_rank("model", "cnn-50") && group_rank("model", "cnn-50") < group_rank("model", "cnn-deep"));
    }
}
