//! A student's data set made of the good rows: the task its labels say, its lengths, and the
//! CSV it exports.

use serde::{Deserialize, Serialize};

use super::Record;
use crate::data::{RegressionData, Split, SplitFractions, split};
use crate::error::{Error, Result};
use crate::models::ModelKind;
use crate::trainer::{LossKind, Monitor, TrainConfig};

/// What the labels say the task is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum UserTask {
    /// Any numbers: mean squared error, R², a parity plot.
    #[default]
    Regression,
    /// Labels 0 and 1 only: binary cross-entropy, AUROC and AUPR.
    Binary,
}

impl UserTask {
    /// Regression, unless every label is 0 or 1 and both occur.
    pub fn detect(labels: &[f32]) -> UserTask {
        let binary = labels.iter().all(|&y| y == 0.0 || y == 1.0) && labels.contains(&0.0) && labels.contains(&1.0);
        if binary { UserTask::Binary } else { UserTask::Regression }
    }

    /// "regression", "binary classification".
    pub fn name(self) -> &'static str {
        match self {
            UserTask::Regression => "regression",
            UserTask::Binary => "binary classification",
        }
    }

    /// The training settings a data set of this task starts from: seed 002's (SGD, lr 0.01,
    /// batch 128, 50 epochs, MSE) for regression; for binary classification seed 003's
    /// ([`TrainConfig::seed003`]: Adam, batch 100, binary cross-entropy, the learning rate cut
    /// after 5 epochs without a better validation AUROC, the best validation epoch's weights
    /// kept), with lesson 9's learning rate (0.01, `elr`) and 10 epochs (`cepochs`), as lesson 9
    /// trains, and the batch norms recalibrated before each validation
    /// ([`TrainConfig::recalibrate_norms`]). Uploads are small: on the JASPAR example (1,280
    /// training sequences, CNN-dist, 10 epochs) the validation loss had jumped between epochs
    /// (0.61 to 1.85 for seed 17) and the last epoch's test accuracy was 0.57 to 0.79 over seeds
    /// 1, 2, 7, 17 and 42 (0.57 for 17, the page's); recalibrated, 0.78 to 0.82, at the same
    /// test AUROC (0.87 to 0.89).
    pub fn default_training(self) -> TrainConfig {
        match self {
            UserTask::Regression => TrainConfig::default(),
            UserTask::Binary => TrainConfig {
                learning_rate: crate::settings::EXP_LR.default,
                num_epochs: crate::settings::CLASS_EPOCHS.default_usize(),
                loss: LossKind::BinaryCrossEntropy,
                monitor: Monitor::ValAuroc,
                recalibrate_norms: true,
                ..TrainConfig::seed003()
            },
        }
    }

    /// Why `records` cannot be this task, naming the first row that does not fit.
    pub fn problem(self, records: &[Record]) -> Option<String> {
        match self {
            UserTask::Regression => None,
            UserTask::Binary => records
                .iter()
                .find(|r| r.label != 0.0 && r.label != 1.0)
                .map(|r| format!("binary classification needs labels 0 or 1; line {} has {}", r.line, r.label)),
        }
    }
}

/// The lengths of the sequences.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lengths {
    /// Shortest.
    pub min: usize,
    /// Longest.
    pub max: usize,
    /// Sequences shorter than the longest: what padding changes.
    pub shorter_than_max: usize,
    /// Sequences longer than the shortest: what cropping changes.
    pub longer_than_min: usize,
}

impl Lengths {
    /// The lengths of `records`.
    pub fn of(records: &[Record]) -> Lengths {
        let min = records.iter().map(|r| r.seq.len()).min().unwrap_or(0);
        let max = records.iter().map(|r| r.seq.len()).max().unwrap_or(0);
        Lengths { min, max, shorter_than_max: records.iter().filter(|r| r.seq.len() < max).count(), longer_than_min: records.iter().filter(|r| r.seq.len() > min).count() }
    }

    /// Every sequence has one length.
    pub fn equal(&self) -> bool {
        self.min == self.max
    }
}

/// How to make unequal lengths equal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Fit {
    /// Pad every sequence with N on the right to the longest.
    PadWithN,
    /// Crop every sequence on the right to the shortest.
    Crop,
}

/// A student's data set, ready to split and train on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserData {
    /// The file's name, or "pasted text".
    pub name: String,
    /// One id per sequence.
    pub ids: Vec<String>,
    /// Uppercase sequences of one length.
    pub seqs: Vec<String>,
    /// One label per sequence.
    pub labels: Vec<f32>,
    /// The task the labels are trained as.
    pub task: UserTask,
}

/// Fewest sequences accepted: enough for three non-empty splits with room to learn.
pub const MIN_SEQS: usize = 20;

impl UserData {
    /// The data set of `records`, with unequal lengths made equal by `fit`, trained as `task`.
    ///
    /// # Errors
    /// [`Error::UserData`] for fewer than [`MIN_SEQS`] sequences, unequal lengths and no `fit`,
    /// or labels that do not fit `task` ([`UserTask::problem`]).
    pub fn new(name: &str, records: &[Record], fit: Option<Fit>, task: UserTask) -> Result<UserData> {
        if records.len() < MIN_SEQS {
            return Err(Error::UserData(format!("{} good sequences are too few; give at least {MIN_SEQS}", records.len())));
        }
        if let Some(p) = task.problem(records) {
            return Err(Error::UserData(p));
        }
        let lengths = Lengths::of(records);
        let seqs: Vec<String> = match (lengths.equal(), fit) {
            (true, _) => records.iter().map(|r| r.seq.clone()).collect(),
            (false, None) => {
                return Err(Error::UserData(format!(
                    "the sequences have lengths {} to {}; pad with N ({} change) or crop ({} change)",
                    lengths.min, lengths.max, lengths.shorter_than_max, lengths.longer_than_min
                )));
            }
            (false, Some(Fit::PadWithN)) => records.iter().map(|r| format!("{:N<width$}", r.seq, width = lengths.max)).collect(),
            (false, Some(Fit::Crop)) => records.iter().map(|r| r.seq[..lengths.min].to_string()).collect(),
        };
        Ok(UserData { name: name.into(), ids: records.iter().map(|r| r.id.clone()).collect(), seqs, labels: records.iter().map(|r| r.label).collect(), task })
    }

    /// The model a data set gets by default: seed 002's CNN (32 filters of width 3) for
    /// sequences under 100 nt, seed 003's CNN-dist for longer ones.
    pub fn default_model(&self) -> ModelKind {
        if self.length() >= 100 { ModelKind::CnnDist } else { ModelKind::Cnn }
    }

    /// Bases per sequence.
    pub fn length(&self) -> usize {
        self.seqs.first().map_or(0, String::len)
    }

    /// Number of sequences.
    pub fn len(&self) -> usize {
        self.seqs.len()
    }

    /// No sequences.
    pub fn is_empty(&self) -> bool {
        self.seqs.is_empty()
    }

    /// Seed 002's split (64 / 16 / 20, [`SplitFractions::default`]) by `seed`.
    ///
    /// # Errors
    /// As [`split`].
    pub fn split(&self, seed: u64) -> Result<Split> {
        split(self.len(), SplitFractions::default(), seed)
    }

    /// The sequences at `indices` as training data.
    pub fn subset(&self, indices: &[usize]) -> RegressionData {
        RegressionData { seqs: indices.iter().map(|&i| self.seqs[i].clone()).collect(), targets: indices.iter().map(|&i| self.labels[i]).collect() }
    }

    /// A cheap fingerprint of the data (FNV-1a over names, sequences and labels), to tell two
    /// data sets apart in saved work and checkpoints.
    pub fn fingerprint(&self) -> u64 {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        let mut eat = |bytes: &[u8]| {
            for &b in bytes {
                h ^= b as u64;
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
        };
        for (s, y) in self.seqs.iter().zip(&self.labels) {
            eat(s.as_bytes());
            eat(&y.to_le_bytes());
        }
        eat(&[self.task as u8]);
        h
    }

    /// The data as CSV, `id,sequence,label`: what [`parse`](super::parse) reads back.
    pub fn to_csv(&self) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        let _ = w.write_record(["id", "sequence", "label"]);
        for ((id, s), y) in self.ids.iter().zip(&self.seqs).zip(&self.labels) {
            let _ = w.write_record([id.as_str(), s.as_str(), &y.to_string()]);
        }
        String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
    }
}

/// The data as CSV with a `split` column (`id,sequence,label,split`, split `train`, `val` or
/// `test`): what the exported PyTorch script reads ([`crate::pytorch::script`]), and what
/// [`parse`](super::parse) reads back (the extra column is ignored).
pub fn data_csv_with_split(data: &UserData, split: &Split) -> String {
    let mut which = vec!["train"; data.len()];
    for &i in &split.val {
        which[i] = "val";
    }
    for &i in &split.test {
        which[i] = "test";
    }
    let mut out = String::from("id,sequence,label,split\n");
    for i in 0..data.len() {
        let id = data.ids[i].replace([',', '"', '\n'], "_");
        out.push_str(&format!("{id},{},{},{}\n", data.seqs[i], data.labels[i], which[i]));
    }
    out
}

/// Predictions as CSV: `id,sequence,label,prediction`, one row per `indices` entry (e.g. the
/// test split), predictions in the same order.
pub fn predictions_csv(data: &UserData, indices: &[usize], predictions: &[f32]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(["id", "sequence", "label", "prediction"]);
    for (&i, p) in indices.iter().zip(predictions) {
        let _ = w.write_record([data.ids[i].as_str(), data.seqs[i].as_str(), &data.labels[i].to_string(), &p.to_string()]);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}
