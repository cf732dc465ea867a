//! The command line: every subcommand's arguments (clap), and the usage error (exit code 2) a
//! bad argument gives. Settings shared with the page parse through [`dnaplay_model::settings`].

use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, Parser, Subcommand, ValueEnum};
use dnaplay_model::Error as ModelError;
use dnaplay_model::interpret::AlignmentRule;
use dnaplay_model::models::Init;
use dnaplay_model::settings::{self, Refusal};
use dnaplay_model::tasks::ClassTaskKind;
use dnaplay_model::trainer::Monitor;

use crate::{explain, sweep};

#[derive(Parser)]
#[command(name = "dnaplay", version, about = "Train DNA Playground's models from the command line")]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Subcommand)]
pub(crate) enum Command {
    /// Train a model and write its history, predictions, metrics, filters and plots.
    Train(TrainArgs),
    /// Print seconds per epoch of the seed's CNN run on each device built in.
    Bench(BenchArgs),
    /// Score sequences by seed 002's rule and show their one-hot encoding.
    Score(ScoreArgs),
    /// Attribution maps (saliency, ISM, integrated gradients) of a saved run, scored against
    /// the planted motifs; writes the maps, interpretability.json and logos of 5 sequences.
    Explain(explain::ExplainArgs),
    /// Insert a motif into random backgrounds and print the change in prediction against a
    /// shuffled copy of the motif (tangermeme's marginalisation).
    Insert(explain::InsertArgs),
    /// Train a grid of runs (models × activations × learning rates × seeds ...), one folder
    /// each, then write summary.csv, box plots and overlaid loss curves.
    Sweep(sweep::SweepArgs),
}

#[derive(Args)]
pub(crate) struct ScoreArgs {
    /// Sequences of equal length (A, C, G, T; lowercase is read as uppercase).
    pub(crate) seqs: Vec<String>,
    /// Score motifs by position (seed 002, Question 1).
    #[arg(long)]
    pub(crate) position_dependent: bool,
    /// Also print each sequence's one-hot matrix, rows A, C, G, T.
    #[arg(long)]
    pub(crate) one_hot: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Task {
    /// Every k-mer scored by seed 002's rule (Part 1): regression.
    #[value(name = "8mer")]
    Kmer,
    /// Seed 003's Task 1: 200-nt sequences with 1 to 5 of 12 JASPAR motifs, one label each.
    #[value(name = "task1")]
    Task1,
    /// Seed 003's Task 3: 200-nt sequences with core vs background JASPAR motifs.
    #[value(name = "task3")]
    Task3,
    /// Seed 000's 200-nt data: planted TATAAA/CAAT/GGGCGG/TTGACA vs homopolymer decoys.
    #[value(name = "keras200")]
    Keras200,
}

impl Task {
    pub(crate) fn class_task(self) -> Option<ClassTaskKind> {
        match self {
            Task::Kmer => None,
            Task::Task1 => Some(ClassTaskKind::Task1),
            Task::Task3 => Some(ClassTaskKind::Task3),
            Task::Keras200 => Some(ClassTaskKind::Keras200),
        }
    }

    pub(crate) fn name(self) -> &'static str {
        self.class_task().map_or("8mer", ClassTaskKind::name)
    }
}

#[derive(Args, Clone)]
pub(crate) struct ModelArgs {
    /// Task.
    #[arg(long, value_enum, default_value = "8mer")]
    pub(crate) task: Task,
    /// k-mer length, 3 to 10 (8mer only) [default: 8].
    #[arg(long, value_parser = |s: &str| settings::K.parse_usize(s))]
    pub(crate) k: Option<usize>,
    /// Score motifs by position (1.5× bonus at the start to 0.5× at the end; seed 002, Question 1;
    /// 8mer only).
    #[arg(long)]
    pub(crate) position_dependent: bool,
    /// Sequences to generate for task1, task3 or keras200, 1,000 to 30,000 [default: 30000,
    /// 20000 and 10000, the seeds'].
    #[arg(long, value_parser = |s: &str| settings::CLASS_SEQS.parse_usize(s))]
    pub(crate) num_seqs: Option<usize>,
    /// Model: linear or cnn (8mer); cnn-2, cnn-50, cnn-deep or cnn-deep-code (CNN-deep as seed
    /// 003's code builds it) (task1); cnn-local, cnn-dist,
    /// cnn-dist-code (CNN-dist as seed 003's code builds it) or multiscale (task3, keras200)
    /// [default: cnn, cnn-deep for task1, cnn-dist for task3, multiscale for keras200].
    #[arg(long)]
    pub(crate) model: Option<String>,
    /// First-layer activation: relu, exp, sigmoid, tanh, softplus, linear, elu, log-relu.
    #[arg(long, default_value = "relu")]
    pub(crate) activation: String,
    /// Number of first-layer filters of the 8-mer CNN (8mer only) [default: 32].
    #[arg(long, value_parser = |s: &str| settings::NUM_FILTERS.parse_usize(s))]
    pub(crate) num_filters: Option<usize>,
    /// Filter width in bases of the 8-mer CNN (8mer only) [default: 3].
    #[arg(long, value_parser = |s: &str| settings::FILTER_WIDTH.parse_usize(s))]
    pub(crate) filter_width: Option<usize>,
    /// Optimizer: sgd or adam [default: sgd for 8mer (seed 002), adam otherwise (seeds 000, 003)].
    #[arg(long)]
    pub(crate) optimizer: Option<String>,
    /// Learning rate [default: 0.01 for 8mer, 0.001 otherwise].
    #[arg(long, allow_negative_numbers = true, value_parser = |s: &str| settings::LEARNING_RATE.parse_f64(s))]
    pub(crate) lr: Option<f64>,
    /// Sequences per batch [default: 128 for 8mer, 100 for task3, 64 for keras200].
    #[arg(long, value_parser = |s: &str| settings::BATCH_SIZE.parse_usize(s))]
    pub(crate) batch_size: Option<usize>,
    /// L2 penalty on every parameter, above 0 and at most 1 [default: 0 for 8mer, 1e-6 for the
    /// 200-nt tasks (seed 003)].
    #[arg(long, value_parser = |s: &str| settings::L2.parse_f64(s))]
    pub(crate) l2: Option<f64>,
    /// L2 penalty on the first convolution's kernel alone, on top of --l2, above 0 and at most
    /// 10 [default: none]; seed 003 trains log-relu with 0.2 there (Extended Data Fig. 1e).
    #[arg(long, value_parser = |s: &str| settings::L2_FIRST.parse_f64(s))]
    pub(crate) l2_first: Option<f64>,
    /// Seed for the split, the initial weights and the shuffles.
    #[arg(long, default_value_t = 17, allow_negative_numbers = true, value_parser = |s: &str| settings::SEED.parse_u64(s))]
    pub(crate) seed: u64,
    /// Initial weights: pytorch (uniform ±1/√fan_in, the default) or glorot (Glorot uniform
    /// kernels and zero biases, as seed 003's Keras models).
    #[arg(long, default_value = "pytorch", value_parser = |s: &str| s.parse::<Init>().map_err(|e| e.to_string()))]
    pub(crate) init: Init,
}

#[derive(Args)]
pub(crate) struct TrainArgs {
    #[command(flatten)]
    pub(crate) model: ModelArgs,
    /// Number of epochs, 1 to 1,000 [default: 50 for 8mer, 100 for task3, 30 for keras200].
    #[arg(long, value_parser = |s: &str| settings::EPOCHS.parse_usize(s))]
    pub(crate) epochs: Option<usize>,
    /// Device: cpu (the default CPU backend), flex, ndarray, or wgpu when built with it.
    #[arg(long, default_value = "cpu")]
    pub(crate) device: String,
    /// Stop when the monitored value (--monitor) has not improved for this many epochs (seed 000
    /// uses 10).
    #[arg(long, value_name = "PATIENCE", value_parser = |s: &str| settings::PATIENCE.parse_usize(s))]
    pub(crate) early_stopping: Option<usize>,
    /// Cut the learning rate when the monitored value has not improved for this many epochs
    /// (seed 000 halves it after 5).
    #[arg(long, value_name = "PATIENCE", value_parser = |s: &str| settings::PATIENCE.parse_usize(s))]
    pub(crate) reduce_lr: Option<usize>,
    /// The floor of the learning-rate cuts [default: 1e-6, seed 000's Keras `min_lr`]; needs a
    /// task whose training cuts the rate (task1, task3, keras200) or --reduce-lr.
    #[arg(long, value_parser = |s: &str| settings::MIN_LR.parse_f64(s))]
    pub(crate) min_lr: Option<f64>,
    /// What early stopping, the learning-rate cuts and the kept weights follow: val-loss,
    /// val-auroc (binary tasks) or val-aupr (Task 1) [default: val-loss for 8mer and keras200
    /// (seed 000), val-auroc for task3, val-aupr for task1 (seed 003)].
    #[arg(long, value_parser = |s: &str| s.parse::<Monitor>().map_err(|e| e.to_string()))]
    pub(crate) monitor: Option<Monitor>,
    /// Logo alignment rule: `threshold=T` (seed 002: windows whose convolution output exceeds
    /// T) or `max=F` (seed 003: windows above F × the filter's maximum activation)
    /// [default: threshold=1 for 8mer, max=0.5 otherwise].
    #[arg(long)]
    pub(crate) align: Option<String>,
    /// Directory for the output files: created if missing; a previous run's files in it are
    /// replaced; a folder with other files is refused.
    #[arg(long, default_value = "out")]
    pub(crate) out: PathBuf,
    /// Save the trained weights (model.bpk, burn's record format) and how they were made
    /// (checkpoint.json) in this folder; it may be the --out folder.
    #[arg(long, value_name = "DIR")]
    pub(crate) save: Option<PathBuf>,
    /// Start from the weights saved in this folder by --save. The task, model and activation
    /// must match the checkpoint's. Without --epochs the model is only evaluated; with it,
    /// training goes on for that many epochs.
    #[arg(long, value_name = "DIR")]
    pub(crate) load: Option<PathBuf>,
    /// Print only the final metrics.
    #[arg(long)]
    pub(crate) quiet: bool,
    /// Keep the run's whole state in --out after every epoch (resume.bin, resume.json), and go
    /// on from the state found there, if any, when run again with the same settings: a stopped
    /// long run picks up at its next epoch, the same run as one that never stopped. The state
    /// is removed when the run ends. `dnaplay sweep` always does this.
    #[arg(long, conflicts_with_all = ["load", "data"])]
    pub(crate) resume: bool,
    /// Train on your own sequences instead of a generated task: a CSV or TSV file
    /// (`sequence,label` or `id,sequence,label`) or FASTA (`>id label=3.2`), read as lesson 13
    /// reads it. Every bad row is listed by line. The split, the model and the training settings
    /// default as in the page: seed 002's for regression, seed 003's for 0/1 labels.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["k", "position_dependent", "num_seqs"])]
    pub(crate) data: Option<PathBuf>,
    /// With a FASTA --data whose headers have no labels: `id,label` lines.
    #[arg(long, value_name = "FILE", requires = "data")]
    pub(crate) labels: Option<PathBuf>,
    /// Make unequal lengths equal: pad (with N, to the longest) or crop (to the shortest).
    #[arg(long, value_parser = ["pad", "crop"], requires = "data")]
    pub(crate) fit: Option<String>,
    /// Train the labels as regression or binary [default: binary when every label is 0 or 1].
    #[arg(long, value_parser = ["regression", "binary"], requires = "data")]
    pub(crate) data_task: Option<String>,
}

#[derive(Args)]
pub(crate) struct BenchArgs {
    #[command(flatten)]
    pub(crate) model: ModelArgs,
    /// Epochs timed per device (after one warm-up epoch), 1 to 999.
    #[arg(long, default_value_t = 3, value_parser = |s: &str| settings::EPOCHS.parse_usize(s))]
    pub(crate) epochs: usize,
    /// Devices to time (default: every device built in).
    #[arg(long, value_delimiter = ',')]
    pub(crate) device: Vec<String>,
    /// Also print where the timed epochs' time went, per batch: data, forward + loss, loss
    /// read-back, backward, optimizer step, and validation per epoch (the trainer's phases).
    #[arg(long)]
    pub(crate) profile: bool,
}

/// A fault in what the user asked for: exit code 2.
#[derive(Debug)]
pub(crate) struct UsageError(pub(crate) String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

pub(crate) fn usage(e: ModelError) -> anyhow::Error {
    anyhow::Error::new(UsageError(e.to_string()))
}

pub(crate) fn refused(e: Refusal) -> anyhow::Error {
    anyhow::Error::new(UsageError(e.to_string()))
}

pub(crate) fn parse_align(s: &str) -> Result<AlignmentRule> {
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

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn every_settings_flag_is_a_flag_of_train() {
        let cli = Cli::command();
        let train = cli.find_subcommand("train").expect("dnaplay has a train subcommand");
        for s in settings::ALL.iter().chain([&settings::L2, &settings::L2_FIRST]) {
            let long = s.flag.strip_prefix("--").expect("a flag starts with --");
            assert!(train.get_arguments().any(|a| a.get_long() == Some(long)), "{} names {}, which dnaplay train does not take", s.label, s.flag);
        }
    }
}
