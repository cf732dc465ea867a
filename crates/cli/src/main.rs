//! `dnaplay`: train DNA Playground's models from the command line.
//!
//! A thin shell over `dnaplay-model` (training) and `dnaplay-plots` (drawings): it parses
//! arguments, drives the trainer epoch by epoch, prints the seed's per-epoch lines, and writes
//! CSV, JSON, MEME and SVG files.

mod output;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand, ValueEnum};
use dnaplay_model::data::{RegressionData, SplitFractions, split};
use dnaplay_model::interpret::AlignmentRule;
use dnaplay_model::models::{Activation, ModelConfig, ModelKind};
use dnaplay_model::scoring::{DEFAULT_K, ScoringRule};
use dnaplay_model::sequence::{ALPHABET, one_hot};
use dnaplay_model::trainer::{EarlyStopping, EpochRecord, OptimizerKind, ReduceLrOnPlateau, StepOutcome, TrainConfig, Trainer};
use dnaplay_model::burn::tensor::Device;
use dnaplay_model::{BackendChoice, Error as ModelError};
use indicatif::{ProgressBar, ProgressStyle};

#[derive(Parser)]
#[command(name = "dnaplay", version, about = "Train DNA Playground's models from the command line")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Train a model and write its history, predictions, metrics, filters and plots.
    Train(TrainArgs),
    /// Print seconds per epoch of the seed's CNN run on each device built in.
    Bench(BenchArgs),
    /// Score sequences by seed 002's rule and show their one-hot encoding.
    Score(ScoreArgs),
}

#[derive(Args)]
struct ScoreArgs {
    /// Sequences of equal length (A, C, G, T; lowercase is read as uppercase).
    seqs: Vec<String>,
    /// Score motifs by position (seed 002, Question 1).
    #[arg(long)]
    position_dependent: bool,
    /// Also print each sequence's one-hot matrix, rows A, C, G, T.
    #[arg(long)]
    one_hot: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum Task {
    /// Every k-mer scored by seed 002's rule (Part 1).
    #[value(name = "8mer")]
    Kmer,
}

#[derive(Args, Clone)]
struct ModelArgs {
    /// Task.
    #[arg(long, value_enum, default_value = "8mer")]
    task: Task,
    /// k-mer length (3 to 10).
    #[arg(long, default_value_t = DEFAULT_K)]
    k: usize,
    /// Score motifs by position (1.5× bonus at the start to 0.5× at the end; seed 002, Question 1).
    #[arg(long)]
    position_dependent: bool,
    /// Model: linear or cnn.
    #[arg(long, default_value = "cnn")]
    model: String,
    /// First-layer activation: relu, exp, softplus, sigmoid, tanh, elu, linear.
    #[arg(long, default_value = "relu")]
    activation: String,
    /// Number of first-layer filters.
    #[arg(long, default_value_t = 32)]
    num_filters: usize,
    /// Filter width in bases.
    #[arg(long, default_value_t = 3)]
    filter_width: usize,
    /// Optimizer: sgd or adam.
    #[arg(long, default_value = "sgd")]
    optimizer: String,
    /// Learning rate.
    #[arg(long, default_value_t = 0.01, allow_negative_numbers = true)]
    lr: f64,
    /// Sequences per batch.
    #[arg(long, default_value_t = 128)]
    batch_size: usize,
    /// Seed for the split, the initial weights and the shuffles.
    #[arg(long, default_value_t = 17)]
    seed: u64,
}

#[derive(Args)]
struct TrainArgs {
    #[command(flatten)]
    model: ModelArgs,
    /// Number of epochs.
    #[arg(long, default_value_t = 50)]
    epochs: usize,
    /// Device: cpu (the default CPU backend), flex, ndarray, or wgpu when built with it.
    #[arg(long, default_value = "cpu")]
    device: String,
    /// Stop when the validation loss has not improved for this many epochs (seed 000 uses 10).
    #[arg(long, value_name = "PATIENCE")]
    early_stopping: Option<usize>,
    /// Halve the learning rate when the validation loss has not improved for this many epochs
    /// (seed 000 uses 5).
    #[arg(long, value_name = "PATIENCE")]
    reduce_lr: Option<usize>,
    /// Logo alignment rule: `threshold=T` (seed 002: windows whose convolution output exceeds
    /// T) or `max=F` (seed 003: windows above F × the filter's maximum activation).
    #[arg(long, default_value = "threshold=1")]
    align: String,
    /// Directory for the output files (created if missing).
    #[arg(long, default_value = "out")]
    out: PathBuf,
    /// Print only the final metrics.
    #[arg(long)]
    quiet: bool,
}

#[derive(Args)]
struct BenchArgs {
    #[command(flatten)]
    model: ModelArgs,
    /// Epochs timed per device (after one warm-up epoch).
    #[arg(long, default_value_t = 3)]
    epochs: usize,
    /// Devices to time (default: every device built in).
    #[arg(long, value_delimiter = ',')]
    device: Vec<String>,
}

/// A fault in what the user asked for: exit code 2.
#[derive(Debug)]
struct UsageError(String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

fn usage(e: ModelError) -> anyhow::Error {
    anyhow::Error::new(UsageError(e.to_string()))
}

fn parse_align(s: &str) -> Result<AlignmentRule> {
    let bad = || anyhow::Error::new(UsageError(format!("invalid --align '{s}'; expected threshold=T (e.g. threshold=1) or max=F (e.g. max=0.5)")));
    let (name, value) = s.split_once('=').ok_or_else(bad)?;
    let v: f32 = value.trim().parse().map_err(|_| bad())?;
    if !v.is_finite() {
        return Err(bad());
    }
    match name.trim() {
        "threshold" => Ok(AlignmentRule::Threshold(v)),
        "max" if v > 0.0 && v <= 1.0 => Ok(AlignmentRule::FractionOfMax(v)),
        _ => Err(bad()),
    }
}

/// Everything a run needs, parsed and checked.
struct Setup {
    rule: ScoringRule,
    model_config: ModelConfig,
    train_config: TrainConfig,
    train: RegressionData,
    val: RegressionData,
    test: RegressionData,
}

impl ModelArgs {
    fn setup(&self, num_epochs: usize) -> Result<Setup> {
        let Task::Kmer = self.task;
        let kind: ModelKind = self.model.parse().map_err(usage)?;
        let activation: Activation = self.activation.parse().map_err(usage)?;
        let optimizer: OptimizerKind = self.optimizer.parse().map_err(usage)?;
        let rule = if self.position_dependent { ScoringRule::position_dependent() } else { ScoringRule::default() };
        let data = RegressionData::kmer_task(self.k, &rule).map_err(usage)?;
        let model_config = ModelConfig { kind, seq_len: self.k, num_filters: self.num_filters, filter_width: self.filter_width, activation };
        model_config.validate().map_err(usage)?;
        let s = split(data.len(), SplitFractions::default(), self.seed).map_err(usage)?;
        let train_config = TrainConfig { optimizer, learning_rate: self.lr, batch_size: self.batch_size, num_epochs, seed: self.seed, ..TrainConfig::default() };
        train_config.validate(s.train.len()).map_err(usage)?;
        Ok(Setup { rule, model_config, train_config, train: data.subset(&s.train), val: data.subset(&s.val), test: data.subset(&s.test) })
    }
}

fn device(name: &str) -> Result<(BackendChoice, Device)> {
    let choice: BackendChoice = name.parse().map_err(usage)?;
    let device = choice.device().map_err(usage)?;
    Ok((choice, device))
}

fn progress_bar(total: u64, enabled: bool) -> ProgressBar {
    if !enabled {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template("{spinner} epoch {msg} [{bar:30}] {pos}/{len} batches · {elapsed} elapsed · {eta} left")
            .expect("progress template should parse")
            .progress_chars("=> "),
    );
    bar
}

fn train(args: TrainArgs) -> Result<()> {
    let mut setup = args.model.setup(args.epochs)?;
    setup.train_config.early_stopping = args.early_stopping.map(|patience| EarlyStopping { patience, ..EarlyStopping::default() });
    setup.train_config.reduce_lr = args.reduce_lr.map(|patience| ReduceLrOnPlateau { patience, ..ReduceLrOnPlateau::default() });
    let align = parse_align(&args.align)?;
    let (choice, device) = device(&args.device)?;
    std::fs::create_dir_all(&args.out).with_context(|| format!("cannot create output directory {}", args.out.display()))?;

    let mut trainer = Trainer::new(setup.model_config.clone(), setup.train_config.clone(), &setup.train, &setup.val, &device).map_err(usage)?;
    if !args.quiet {
        println!(
            "{} · {} · {} · {} lr {} · batch {} · {} epochs · seed {} · device {}",
            args.model.model,
            setup.model_config.activation,
            format_args!("{} train / {} val / {} test", setup.train.len(), setup.val.len(), setup.test.len()),
            setup.train_config.optimizer,
            setup.train_config.learning_rate,
            setup.train_config.batch_size,
            setup.train_config.num_epochs,
            setup.train_config.seed,
            choice
        );
    }
    let show_bar = !args.quiet && std::io::stderr().is_terminal();
    let per_epoch = trainer.batches_per_epoch() as u64;
    let bar = progress_bar(per_epoch * args.epochs as u64, show_bar);
    let mut history: Vec<(EpochRecord, f64)> = Vec::new();
    let started = Instant::now();
    let mut epoch_start = Instant::now();
    bar.set_message(format!("1/{}", args.epochs));
    while !trainer.is_finished() {
        match pollster::block_on(trainer.step_batch()) {
            Ok(StepOutcome::Batch { .. }) => bar.inc(1),
            Ok(StepOutcome::Epoch(record)) => {
                bar.inc(1);
                let seconds = epoch_start.elapsed().as_secs_f64();
                epoch_start = Instant::now();
                if !args.quiet {
                    bar.suspend(|| println!("{record}"));
                }
                bar.set_message(format!("{}/{}", (record.epoch + 2).min(args.epochs), args.epochs));
                history.push((record, seconds));
            }
            Err(e) => {
                bar.abandon();
                output::write_history(&args.out, &history)?;
                bail!(e);
            }
        }
    }
    bar.finish_and_clear();
    let total_seconds = started.elapsed().as_secs_f64();
    if trainer.stopped_early() && !args.quiet {
        println!("early stopping after {} epochs", trainer.epoch());
    }

    let eval = pollster::block_on(trainer.evaluate(&setup.test))?;
    let spot = if setup.model_config.seq_len == 8 { Some(pollster::block_on(trainer.spot_checks(&setup.rule))?) } else { None };
    if let (Some(rows), false) = (&spot, args.quiet) {
        println!();
        output::print_spot_checks(rows);
    }
    let run = output::Run {
        task: "8mer",
        model: &setup.model_config,
        train: &setup.train_config,
        device: choice,
        history: &history,
        total_seconds,
        eval: &eval,
        spot_checks: spot.as_deref(),
        align,
    };
    output::write_all(&args.out, &run, &trainer)?;
    println!("test MSE: {:.3} | test R²: {:.3} | Pearson r: {:.3}", eval.mse, eval.r_squared, eval.pearson_r);
    if !args.quiet {
        println!("wrote {}", args.out.display());
    }
    Ok(())
}

fn bench(args: BenchArgs) -> Result<()> {
    if args.epochs == 0 {
        return Err(usage(ModelError::ZeroEpochs));
    }
    let setup = args.model.setup(args.epochs + 1)?;
    println!("seed 002 {} ({} filters, width {}), {} lr {}, batch {}, {} training sequences", setup.model_config.kind, setup.model_config.num_filters, setup.model_config.filter_width, setup.train_config.optimizer, setup.train_config.learning_rate, setup.train_config.batch_size, setup.train.len());
    println!("{:<10} {:>12} {:>14} {:>14} {:>14}", "device", "epochs timed", "s/epoch mean", "s/epoch min", "first epoch s");
    let devices = if args.device.is_empty() {
        BackendChoice::built()
    } else {
        args.device.iter().map(|d| d.parse::<BackendChoice>().map_err(usage)).collect::<Result<Vec<_>>>()?
    };
    for choice in devices {
        let device = match choice.device() {
            Ok(d) => d,
            Err(e) => {
                println!("{:<10} skipped: {e}", choice.name());
                continue;
            }
        };
        let mut trainer = Trainer::new(setup.model_config.clone(), setup.train_config.clone(), &setup.train, &setup.val, &device).map_err(usage)?;
        let mut times = Vec::new();
        for _ in 0..=args.epochs {
            let t = Instant::now();
            pollster::block_on(trainer.step_epoch())?;
            times.push(t.elapsed().as_secs_f64());
        }
        let timed = &times[1..];
        let mean = timed.iter().sum::<f64>() / timed.len() as f64;
        let min = timed.iter().copied().fold(f64::INFINITY, f64::min);
        println!("{:<10} {:>12} {:>14.3} {:>14.3} {:>14.3}", choice.name(), timed.len(), mean, min, times[0]);
    }
    Ok(())
}

fn score(args: ScoreArgs) -> Result<()> {
    let x = one_hot(&args.seqs).map_err(usage)?;
    let rule = if args.position_dependent { ScoringRule::position_dependent() } else { ScoringRule::default() };
    let scores = rule.score_all(&args.seqs).map_err(usage)?;
    for (b, (seq, score)) in args.seqs.iter().zip(scores).enumerate() {
        println!("{}\t{score}", seq.to_ascii_uppercase());
        if args.one_hot {
            let m = x.sequence(b);
            for (c, base) in ALPHABET.iter().enumerate() {
                let row: Vec<String> = m[c * x.length..(c + 1) * x.length].iter().map(|v| format!("{v:.0}")).collect();
                println!("  {base} [{}]", row.join(" "));
            }
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Train(args) => train(args),
        Command::Bench(args) => bench(args),
        Command::Score(args) => score(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            for cause in e.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            if e.downcast_ref::<UsageError>().is_some() { ExitCode::from(2) } else { ExitCode::FAILURE }
        }
    }
}
