//! `dnaplay`: train DNA Playground's models from the command line.
//!
//! A thin shell over `dnaplay-model` (training) and `dnaplay-plots` (drawings): it parses
//! arguments, drives the trainer epoch by epoch, prints the seed's per-epoch lines, and writes
//! CSV, JSON, MEME and SVG files.

mod args;
mod explain;
mod outdir;
mod output;
mod resume;
mod sweep;
mod user;

use args::{BenchArgs, Cli, Command, ModelArgs, ScoreArgs, Task, TrainArgs, UsageError, parse_align, refused, usage};

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Result, bail};
use clap::Parser;
use dnaplay_model::checkpoint::{self, CheckpointMeta, META_FILE, WEIGHTS_FILE};
use dnaplay_model::data::{RegressionData, SplitFractions, split};
use dnaplay_model::models::{Activation, ModelConfig, ModelKind};
use dnaplay_model::scoring::ScoringRule;
use dnaplay_model::settings;
use dnaplay_model::sequence::{ALPHABET, one_hot};
use dnaplay_model::matching::MatchConfig;
use dnaplay_model::tasks::{ClassTask, ClassTaskKind, filter_report};
use dnaplay_model::trainer::{EarlyStopping, EpochRecord, OptimizerKind, Phase, ReduceLrOnPlateau, StepOutcome, StepProfile, TrainConfig, Trainer, data_fingerprint};
use dnaplay_model::burn::tensor::Device;
use dnaplay_model::BackendChoice;
use indicatif::{ProgressBar, ProgressStyle};

/// Everything a run needs, parsed and checked.
struct Setup {
    rule: ScoringRule,
    /// The generated 200-nt task, for classification.
    class_task: Option<ClassTask>,
    model_config: ModelConfig,
    train_config: TrainConfig,
    train: RegressionData,
    val: RegressionData,
    test: RegressionData,
}

impl ModelArgs {
    /// Parse and check everything; `num_epochs` overrides the task's default.
    fn setup(&self, num_epochs: Option<usize>) -> Result<Setup> {
        let activation: Activation = self.activation.parse().map_err(usage)?;
        let class_kind = self.task.class_task();
        let kind: ModelKind = match &self.model {
            Some(m) => m.parse().map_err(usage)?,
            None => class_kind.map_or(ModelKind::Cnn, ClassTaskKind::default_model),
        };
        let fits = match class_kind {
            None => !kind.is_classifier(),
            Some(ClassTaskKind::Task1) => kind.is_multitask(),
            Some(_) => kind.is_classifier() && !kind.is_multitask(),
        };
        if !fits {
            let wanted = match class_kind {
                None => "linear or cnn",
                Some(ClassTaskKind::Task1) => "cnn-2, cnn-50, cnn-deep or cnn-deep-code",
                Some(_) => "cnn-local, cnn-dist, cnn-dist-code or multiscale",
            };
            return Err(anyhow::Error::new(UsageError(format!("--model {kind} does not fit --task {}; use {wanted}", self.task.name()))));
        }
        // Options that only one kind of task reads are refused for the other, not ignored.
        let given = |set: bool, flag: &str| set.then(|| flag.to_string());
        let misplaced: Vec<String> = if class_kind.is_some() {
            [
                given(self.k.is_some(), settings::K.flag),
                given(self.num_filters.is_some(), settings::NUM_FILTERS.flag),
                given(self.filter_width.is_some(), settings::FILTER_WIDTH.flag),
                given(self.position_dependent, "--position-dependent"),
            ]
            .into_iter()
            .flatten()
            .collect()
        } else {
            given(self.num_seqs.is_some(), settings::CLASS_SEQS.flag).into_iter().collect()
        };
        if !misplaced.is_empty() {
            let only = if class_kind.is_some() { "the 8-mer task (--task 8mer)" } else { "the 200-nt tasks (task3, keras200)" };
            return Err(anyhow::Error::new(UsageError(format!("{} applies only to {only}, not to --task {}", misplaced.join(", "), self.task.name()))));
        }
        let mut train_config = class_kind.map_or_else(TrainConfig::default, ClassTaskKind::default_training);
        if let Some(o) = &self.optimizer {
            train_config.optimizer = o.parse::<OptimizerKind>().map_err(usage)?;
        }
        train_config.learning_rate = self.lr.unwrap_or(train_config.learning_rate);
        train_config.batch_size = self.batch_size.unwrap_or(train_config.batch_size);
        train_config.num_epochs = num_epochs.unwrap_or(train_config.num_epochs);
        train_config.seed = self.seed;
        train_config.weight_decay = self.l2.unwrap_or(train_config.weight_decay);
        train_config.first_layer_l2 = self.l2_first.unwrap_or(train_config.first_layer_l2);
        train_config.check_model(kind).map_err(usage)?;
        let rule = if self.position_dependent { ScoringRule::position_dependent() } else { ScoringRule::default() };
        let (class_task, model_config, train, val, test) = match class_kind {
            None => {
                let k = self.k.unwrap_or(settings::K.default_usize());
                let data = RegressionData::kmer_task(k, &rule).map_err(usage)?;
                let model_config = ModelConfig {
                    kind,
                    seq_len: k,
                    num_filters: self.num_filters.unwrap_or(settings::NUM_FILTERS.default_usize()),
                    filter_width: self.filter_width.unwrap_or(settings::FILTER_WIDTH.default_usize()),
                    activation,
                    init: self.init,
                    outputs: None,
                };
                model_config.validate().map_err(usage)?;
                let s = split(data.len(), SplitFractions::default(), self.seed).map_err(usage)?;
                (None, model_config, data.subset(&s.train), data.subset(&s.val), data.subset(&s.test))
            }
            Some(ck) => {
                let task = ClassTask::generate(ck, self.num_seqs.unwrap_or(ck.default_num_seqs()), self.seed).map_err(usage)?;
                let model_config = ModelConfig { init: self.init, ..task.model(kind, activation) };
                model_config.validate().map_err(usage)?;
                let (train, val, test) = task.data();
                (Some(task), model_config, train, val, test)
            }
        };
        train_config.validate(train.len()).map_err(usage)?;
        Ok(Setup { rule, class_task, model_config, train_config, train, val, test })
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

/// What `train` trains: the task's data, the model and the training settings with the
/// schedule's options applied. The sweep checks every cell with it before the first run.
///
/// # Errors
/// As [`ModelArgs::setup`].
fn train_setup(args: &TrainArgs) -> Result<Setup> {
    let mut setup = args.model.setup(args.epochs)?;
    if let Some(patience) = args.early_stopping {
        setup.train_config.early_stopping = Some(EarlyStopping { patience, ..EarlyStopping::default() });
    }
    if let Some(patience) = args.reduce_lr {
        let base = setup.train_config.reduce_lr.unwrap_or_default();
        setup.train_config.reduce_lr = Some(ReduceLrOnPlateau { patience, ..base });
    }
    if let Some(min_lr) = args.min_lr {
        let Some(schedule) = setup.train_config.reduce_lr.as_mut() else {
            return Err(anyhow::Error::new(UsageError(format!("{} is the floor of the learning-rate cuts, and --task {} trains without cuts; add --reduce-lr PATIENCE", settings::MIN_LR.flag, args.model.task.name()))));
        };
        schedule.min_lr = min_lr;
    }
    if let Some(monitor) = args.monitor {
        setup.train_config.monitor = monitor;
        setup.train_config.validate(setup.train.len()).map_err(usage)?;
    }
    Ok(setup)
}

fn train(args: TrainArgs) -> Result<()> {
    if let Some(data) = &args.data {
        return user::train_on_data(user::DataArgs {
            data,
            labels: args.labels.as_deref(),
            fit: args.fit.as_deref().map(|f| if f == "pad" { dnaplay_model::upload::Fit::PadWithN } else { dnaplay_model::upload::Fit::Crop }),
            task: args.data_task.as_deref().map(|t| if t == "binary" { dnaplay_model::upload::UserTask::Binary } else { dnaplay_model::upload::UserTask::Regression }),
            model: &args.model,
            epochs: args.epochs,
            device: &args.device,
            out: &args.out,
            save: args.save.as_ref(),
            load: args.load.as_ref(),
            quiet: args.quiet,
        });
    }
    let setup = train_setup(&args)?;
    let default_align = if setup.class_task.is_some() { "max=0.5" } else { "threshold=1" };
    let align = parse_align(args.align.as_deref().unwrap_or(default_align))?;
    let (choice, device) = device(&args.device)?;
    // Read the checkpoint before preparing the folders: --load may name the --out folder.
    let loaded = args.load.as_deref().map(|dir| read_checkpoint(dir, &args.model, &setup)).transpose()?;
    // And a stopped run's state, which preparing the folder clears.
    let stopped = if args.resume { resume::read(&args.out, &setup.model_config, &setup.train_config, data_fingerprint(&setup.train, &setup.val))? } else { None };
    outdir::prepare(&args.out)?;
    if let Some(dir) = args.save.as_deref().filter(|d| *d != args.out) {
        outdir::prepare(dir)?;
    }

    let mut trainer = Trainer::new(setup.model_config.clone(), setup.train_config.clone(), &setup.train, &setup.val, &device).map_err(usage)?;
    // Loaded weights keep their history (seconds unknown: NaN); new epochs are numbered after it.
    let mut history: Vec<(EpochRecord, f64)> = Vec::new();
    let mut match_fractions: Vec<f64> = Vec::new();
    if let Some((meta, weights)) = &loaded {
        trainer.load_weights(weights).map_err(usage)?;
        history = meta.history.iter().map(|r| (r.clone(), f64::NAN)).collect();
        match_fractions = meta.match_fractions.clone();
    }
    let epoch_offset = history.len();
    if let Some(stopped) = stopped {
        let n = stopped.snapshot.epochs();
        trainer.resume(stopped.snapshot).map_err(usage)?;
        (history, match_fractions) = (stopped.history, stopped.match_fractions);
        // Preparing the folder cleared them: written again at once, so a run cut off in its
        // next epoch loses nothing.
        output::write_history(&args.out, &history, &match_fractions)?;
        resume::write(&args.out, &trainer, &history, &match_fractions)?;
        if !args.quiet {
            println!("resuming after epoch {} from {}", n.saturating_sub(1), args.out.join(outdir::RESUME_FILE).display());
        }
    }
    // With --load and no --epochs the model is only evaluated.
    let train_now = loaded.is_none() || args.epochs.is_some();
    let epochs = setup.train_config.num_epochs;
    if !args.quiet {
        println!(
            "{} · {} · {} · {} · {} lr {} · batch {} · {} epochs · seed {} · device {}",
            args.model.task.name(),
            setup.model_config.kind,
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
    let show_bar = train_now && !args.quiet && std::io::stderr().is_terminal();
    let per_epoch = trainer.batches_per_epoch() as u64;
    let bar = progress_bar(per_epoch * epochs as u64, show_bar);
    let val_x = one_hot(&setup.val.seqs)?;
    let started = Instant::now();
    let mut epoch_start = Instant::now();
    bar.set_position(per_epoch * trainer.epoch() as u64);
    bar.set_message(format!("{}/{epochs}", (trainer.epoch() + 1).min(epochs)));
    while train_now && !trainer.is_finished() {
        match pollster::block_on(trainer.step_batch()) {
            Ok(StepOutcome::Batch { .. }) => bar.inc(1),
            Ok(StepOutcome::Epoch(mut record)) => {
                record.epoch += epoch_offset;
                bar.inc(1);
                let seconds = epoch_start.elapsed().as_secs_f64();
                // Seed 003's match fraction on the validation split, every epoch (not timed).
                let mut line = record.to_string();
                if let Some(task) = &setup.class_task {
                    let model = trainer.inference_model();
                    if let Some(report) = pollster::block_on(filter_report(&model, &val_x, align, &task.targets, &MatchConfig::default(), &trainer.device()))? {
                        line.push_str(&format!(" | match fraction: {:.2}", report.match_fraction));
                        match_fractions.push(report.match_fraction);
                    }
                }
                if !args.quiet {
                    bar.suspend(|| println!("{line}"));
                }
                epoch_start = Instant::now();
                bar.set_message(format!("{}/{epochs}", (record.epoch - epoch_offset + 2).min(epochs)));
                history.push((record, seconds));
                // Rewritten every epoch: a long run's progress (a sweep's cells are quiet), and
                // what it did if it is stopped.
                output::write_history(&args.out, &history, &match_fractions)?;
                if args.resume {
                    resume::write(&args.out, &trainer, &history, &match_fractions)?;
                }
            }
            Err(e) => {
                bar.abandon();
                output::write_history(&args.out, &history, &match_fractions)?;
                // A diverged run would diverge again from its last state.
                resume::clear(&args.out)?;
                bail!(e);
            }
        }
    }
    bar.finish_and_clear();
    let total_seconds = started.elapsed().as_secs_f64();
    if trainer.stopped_early() && !args.quiet {
        println!("early stopping after {} epochs", trainer.epoch());
    }
    if let Some(task) = &setup.class_task {
        let run = output::ClassRun { task, model: &setup.model_config, train: &setup.train_config, device: choice, history: &history, match_fractions: &match_fractions, total_seconds, align, val: &setup.val, test: &setup.test };
        let eval = output::write_classification(&args.out, &run, &trainer)?;
        if let Some(dir) = &args.save {
            let metrics = [("auroc", eval.auroc), ("aupr", eval.aupr), ("accuracy", Some(eval.report.accuracy())), ("match_fraction", eval.match_fraction)];
            save_checkpoint(dir, &args.model, &setup, &trainer, &history, &match_fractions, &metrics)?;
        }
        if !args.quiet {
            println!();
            output::print_classification_report(&eval.report);
        }
        println!(
            "test AUROC: {:.3} | test AUPR: {:.3} | test accuracy: {:.3}{}",
            eval.auroc.unwrap_or(f64::NAN),
            eval.aupr.unwrap_or(f64::NAN),
            eval.report.accuracy(),
            eval.match_fraction.map(|m| format!(" | match fraction: {m:.2}")).unwrap_or_default()
        );
        if let Some(a) = eval.motif_scan_aupr {
            println!("the planted motifs' own scans (likelihood summed over windows and strands) reach a test AUPR of {a:.3}");
        }
        if let (Some((t, acc)), false) = (eval.threshold, args.quiet) {
            println!("test accuracy at the threshold that is best on the validation split ({t:.3}): {acc:.3}");
        }
        if !args.quiet {
            println!("wrote {}", args.out.display());
        }
        return resume::clear(&args.out);
    }

    let eval = pollster::block_on(trainer.evaluate(&setup.test))?;
    let spot = if setup.model_config.seq_len == 8 { Some(pollster::block_on(trainer.spot_checks(&setup.rule))?) } else { None };
    if let (Some(rows), false) = (&spot, args.quiet) {
        println!();
        output::print_spot_checks(rows);
    }
    let run = output::Run {
        task: args.model.task.name(),
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
    if let Some(dir) = &args.save {
        let metrics = [("mse", Some(eval.mse)), ("r_squared", Some(eval.r_squared)), ("pearson_r", Some(eval.pearson_r))];
        save_checkpoint(dir, &args.model, &setup, &trainer, &history, &[], &metrics)?;
    }
    println!("test MSE: {:.3} | test R²: {:.3} | Pearson r: {:.3}", eval.mse, eval.r_squared, eval.pearson_r);
    if !args.quiet {
        println!("wrote {}", args.out.display());
    }
    resume::clear(&args.out)
}

/// Read `dir`'s checkpoint and check that its weights fit the model `setup` builds.
///
/// # Errors
/// A [`UsageError`] naming the missing or unreadable file, or the checkpoint's model and the
/// options that would build it.
fn read_checkpoint(dir: &Path, args: &ModelArgs, setup: &Setup) -> Result<(CheckpointMeta, Vec<u8>)> {
    let read = |name: &str| std::fs::read(dir.join(name)).map_err(|e| anyhow::Error::new(UsageError(format!("--load {}: cannot read {name}: {e}", dir.display()))));
    let text = read(META_FILE)?;
    let meta = CheckpointMeta::from_json(&String::from_utf8_lossy(&text)).map_err(|e| anyhow::Error::new(UsageError(format!("--load {}: {e}", dir.display()))))?;
    let weights = read(WEIGHTS_FILE)?;
    let m = &meta.model;
    if !m.same_layers(&setup.model_config) {
        return Err(anyhow::Error::new(UsageError(format!(
            "--load {} holds {} ({}) for {} nt with {} filters of width {}, trained on --task {}; this run builds {} ({}) for --task {}. Give --task {} --model {} --activation {}",
            dir.display(), m.kind, m.activation, m.seq_len, m.num_filters, m.filter_width, meta.task,
            setup.model_config.kind, setup.model_config.activation, args.task.name(), meta.task, m.kind, m.activation
        ))));
    }
    let num_seqs = setup.class_task.as_ref().map(|t| t.seqs.len());
    if meta.seed != args.seed || meta.num_seqs != num_seqs {
        eprintln!(
            "note: the checkpoint was trained on --seed {}{}; this run's splits are other data, so its test set may hold the checkpoint's training sequences",
            meta.seed,
            meta.num_seqs.map(|n| format!(" --num-seqs {n}")).unwrap_or_default()
        );
    }
    Ok((meta, weights))
}

/// Write the trained weights and their description into `dir`.
fn save_checkpoint(dir: &Path, args: &ModelArgs, setup: &Setup, trainer: &Trainer, history: &[(EpochRecord, f64)], match_fractions: &[f64], metrics: &[(&str, Option<f64>)]) -> Result<()> {
    let meta = CheckpointMeta {
        format: checkpoint::FORMAT_VERSION,
        task: args.task.name().to_string(),
        num_seqs: setup.class_task.as_ref().map(|t| t.seqs.len()),
        seed: args.seed,
        model: setup.model_config.clone(),
        train: setup.train_config.clone(),
        history: history.iter().map(|(r, _)| r.clone()).collect(),
        match_fractions: match_fractions.to_vec(),
        test_metrics: metrics.iter().filter_map(|(k, v)| v.map(|v| (k.to_string(), v))).collect(),
    };
    outdir::write_file(&dir.join(WEIGHTS_FILE), checkpoint::save_weights(&trainer.inference_model())?)?;
    outdir::write_file(&dir.join(META_FILE), meta.to_json() + "\n")
}

fn bench(args: BenchArgs) -> Result<()> {
    // One warm-up epoch plus the timed ones, within the epochs' range.
    let total = settings::EPOCHS.check_usize(args.epochs + 1).map_err(refused)?;
    let mut setup = args.model.setup(Some(total))?;
    // Time every epoch: no early stopping.
    setup.train_config.early_stopping = None;
    println!("{} {} ({} first-layer filters, width {}, {}), {} lr {}, batch {}, {} training sequences", args.model.task.name(), setup.model_config.kind, setup.model_config.num_filters, setup.model_config.filter_width, setup.model_config.activation, setup.train_config.optimizer, setup.train_config.learning_rate, setup.train_config.batch_size, setup.train.len());
    println!("{:<10} {:>12} {:>14} {:>14} {:>14}", "device", "epochs timed", "s/epoch mean", "s/epoch min", "first epoch s");
    let devices = if args.device.is_empty() {
        BackendChoice::built()
    } else {
        args.device.iter().map(|d| d.parse::<BackendChoice>().map_err(usage)).collect::<Result<Vec<_>>>()?
    };
    let mut profiles = Vec::new();
    for choice in devices {
        let device = match choice.device() {
            Ok(d) => d,
            Err(e) => {
                println!("{:<10} skipped: {e}", choice.name());
                continue;
            }
        };
        let mut trainer = Trainer::new(setup.model_config.clone(), setup.train_config.clone(), &setup.train, &setup.val, &device).map_err(usage)?;
        if args.profile {
            trainer.profile_with(clock_ms);
        }
        let mut times = Vec::new();
        for epoch in 0..=args.epochs {
            let t = Instant::now();
            pollster::block_on(trainer.step_epoch())?;
            times.push(t.elapsed().as_secs_f64());
            if epoch == 0 {
                trainer.take_profile(); // the warm-up epoch is not profiled
            }
        }
        let timed = &times[1..];
        let mean = timed.iter().sum::<f64>() / timed.len() as f64;
        let min = timed.iter().copied().fold(f64::INFINITY, f64::min);
        println!("{:<10} {:>12} {:>14.3} {:>14.3} {:>14.3}", choice.name(), timed.len(), mean, min, times[0]);
        if args.profile {
            profiles.push((choice.name(), trainer.take_profile(), mean));
        }
    }
    for (name, profile, mean) in &profiles {
        print_profile(name, profile, *mean);
    }
    Ok(())
}

/// Milliseconds since the first call: the clock the trainer's profile is timed with.
fn clock_ms() -> f64 {
    static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_secs_f64() * 1000.0
}

/// The phases of `device`'s timed epochs: milliseconds per batch (per epoch for validation),
/// share of the profiled time, and how much of the epochs' wall time the phases cover.
fn print_profile(device: &str, p: &StepProfile, seconds_per_epoch: f64) {
    let (batches, epochs) = (p.batches.max(1) as f64, p.epochs.max(1) as f64);
    println!();
    println!("{device}: where the time went over {} batches and {} epochs", p.batches, p.epochs);
    println!("{:<18} {:>10} {:>8}", "phase", "ms", "share");
    for (phase, ms, share) in p.rows() {
        let (per, unit) = if phase == Phase::Validation { (ms / epochs, "/epoch") } else { (ms / batches, "/batch") };
        println!("{:<18} {:>10.3} {:>7.1}%  {unit}", phase.label(), per, 100.0 * share);
    }
    let covered = p.total_ms() / 1000.0 / (seconds_per_epoch * epochs);
    println!("{:<18} {:>10.1}%  of the epochs' wall time (the rest: the loop, shuffling's allocation, the epoch's bookkeeping)", "phases cover", 100.0 * covered);
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
        Command::Explain(args) => explain::explain(args),
        Command::Insert(args) => explain::insert(args),
        Command::Sweep(args) => sweep::sweep(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            for cause in e.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            if e.downcast_ref::<UsageError>().is_some() || e.downcast_ref::<outdir::Refused>().is_some() { ExitCode::from(2) } else { ExitCode::FAILURE }
        }
    }
}
