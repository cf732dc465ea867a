//! The data a run trains on, as both sides generate it from a [`DataSpec`](crate::DataSpec):
//! the 8-mer data set ([`Dataset`]), a 200-nt task ([`ClassData`]), and the key of a student's
//! own upload ([`UserDataKey`]), which crosses to the worker once.

use dnaplay_model::Error;
use dnaplay_model::data::{RegressionData, Split, SplitFractions, split};
use dnaplay_model::scoring::ScoringRule;
use dnaplay_model::tasks::{ClassTask, ClassTaskKind};
use dnaplay_model::upload::UserData;
use serde::{Deserialize, Serialize};

/// The 8-mer data under one scoring rule, split by one seed.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    /// The rule that scored the data.
    pub rule: ScoringRule,
    /// All 65,536 8-mers in lexicographic order (A < C < G < T), with their scores.
    pub data: RegressionData,
    /// The seed of the split.
    pub seed: u64,
    /// Train, validation and test indices into `data` (seed 002, Part 2: 0.2 test, then 0.2 of
    /// the rest for validation).
    pub split: Split,
}

impl Dataset {
    /// Score every 8-mer by `rule` and split with `seed`.
    ///
    /// # Errors
    /// The rule's errors ([`ScoringRule::validate`]).
    pub fn new(rule: ScoringRule, seed: u64) -> Result<Dataset, Error> {
        let data = RegressionData::kmer_task(8, &rule)?;
        let split = split(data.len(), SplitFractions::default(), seed)?;
        Ok(Dataset { rule, data, seed, split })
    }

    /// Index of an 8-mer in `data` (the k-mers are sorted), or `None`.
    pub fn index_of(&self, seq: &str) -> Option<usize> {
        self.data.seqs.binary_search_by(|s| s.as_str().cmp(seq)).ok()
    }
}

/// A generated 200-nt task (the training worker one-hot encodes its splits; the page shows
/// its sequences).
#[derive(Debug)]
pub struct ClassData {
    /// The sequences, split and ground truth. Every run on it is evaluated on the test split
    /// when it pauses or ends (lesson 10's report; lesson 11 picks sequences by these
    /// predictions).
    pub task: ClassTask,
}

impl ClassData {
    /// Generate `num_seqs` sequences of `kind` from `seed`.
    ///
    /// # Errors
    /// The generator's errors.
    pub fn generate(kind: ClassTaskKind, num_seqs: usize, seed: u64) -> Result<ClassData, Error> {
        Ok(ClassData { task: ClassTask::generate(kind, num_seqs, seed)? })
    }
}

/// The key of a student's data set (lesson 13): its fingerprint ([`UserData::fingerprint`],
/// FNV-1a over the sequences, labels and task: all the worker trains and evaluates on). A run
/// names its upload by this key ([`DataSpec::User`](crate::DataSpec)), so an upload of 224,000
/// sequences crosses to each worker once ([`Command::UserData`](crate::Command)), not in every
/// start, and the worker finds it by the key rather than comparing it by value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct UserDataKey(pub u64);

impl UserDataKey {
    /// The key of `data`.
    pub fn of(data: &UserData) -> UserDataKey {
        UserDataKey(data.fingerprint())
    }
}
