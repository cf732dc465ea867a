//! Data sets and the seeded train / validation / test split.
//!
//! The split follows seed 002, Part 2: `train_test_split(test_size=0.2)` and then
//! `train_test_split(test_size=0.2)` of what is left, i.e. 64 / 16 / 20. Sizes use scikit-learn's
//! rule (`n_test = ceil(test_size · n)`), so the 65,536 8-mers split 41,942 / 10,486 / 13,108 as
//! in the seed. The permutation is our own (ChaCha8 from `rand`, portable across native and
//! wasm32), not numpy's, so the members of each split differ from the seed's.

use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::scoring::{ScoringRule, kmers};
use crate::sequence::{OneHot, one_hot};
use crate::synthetic::MotifSequence;

/// Sequences with one real-valued target each: a score (regression) or a 0/1 label
/// (classification, [`RegressionData::from_labelled`]).
#[derive(Debug, Clone, PartialEq)]
pub struct RegressionData {
    /// Uppercase sequences, all of one length.
    pub seqs: Vec<String>,
    /// One target per sequence, in score units; or, for multi-task data (seed 003's Task 1),
    /// `k` 0/1 labels per sequence, row-major `[sequences, k]`.
    pub targets: Vec<f32>,
}

impl RegressionData {
    /// The 8-mer task of seed 002, Part 1: all 4^k k-mers scored by `rule`.
    ///
    /// # Errors
    /// [`Error::KOutOfRange`], or the rule's own errors from [`ScoringRule::validate`].
    pub fn kmer_task(k: usize, rule: &ScoringRule) -> Result<Self> {
        rule.validate()?;
        let seqs = kmers(k)?;
        let targets = rule.score_all(&seqs)?;
        Ok(RegressionData { seqs, targets })
    }

    /// A classification task from generated sequences ([`crate::synthetic`]): targets 1.0 for
    /// the positive class and 0.0 for the negative.
    pub fn from_labelled(seqs: &[MotifSequence]) -> Self {
        RegressionData {
            seqs: seqs.iter().map(|s| s.seq.clone()).collect(),
            targets: seqs.iter().map(|s| if s.label { 1.0 } else { 0.0 }).collect(),
        }
    }

    /// Number of sequences.
    pub fn len(&self) -> usize {
        self.seqs.len()
    }

    /// True when there are no sequences.
    pub fn is_empty(&self) -> bool {
        self.seqs.is_empty()
    }

    /// The sequences at `indices`, in that order.
    pub fn subset(&self, indices: &[usize]) -> RegressionData {
        let k = self.targets_per_seq();
        RegressionData {
            seqs: indices.iter().map(|&i| self.seqs[i].clone()).collect(),
            targets: indices.iter().flat_map(|&i| self.targets[i * k..(i + 1) * k].iter().copied()).collect(),
        }
    }

    /// Targets per sequence: 1, or the number of tasks of multi-task data.
    pub fn targets_per_seq(&self) -> usize {
        if self.seqs.is_empty() { 1 } else { (self.targets.len() / self.seqs.len()).max(1) }
    }

    /// Multi-task data from generated sequences: for each sequence, label `k` is 1.0 when a
    /// motif named `names[k]` was embedded in it (either strand) and 0.0 otherwise (seed 003,
    /// Task 1: one label per transcription factor).
    pub fn from_multilabel(seqs: &[MotifSequence], names: &[&str]) -> Self {
        RegressionData {
            seqs: seqs.iter().map(|s| s.seq.clone()).collect(),
            targets: seqs.iter().flat_map(|s| names.iter().map(move |n| if s.placements.iter().any(|p| p.name == *n) { 1.0 } else { 0.0 })).collect(),
        }
    }

    /// One-hot encode all sequences, `[len, 4, length]`.
    ///
    /// # Errors
    /// As [`one_hot`].
    pub fn one_hot(&self) -> Result<OneHot> {
        one_hot(&self.seqs)
    }
}

/// Fractions of the data held out for validation and test, applied as scikit-learn's two
/// successive `train_test_split` calls do.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SplitFractions {
    /// Fraction of all data that goes to the test split (seed: 0.2).
    pub test: f64,
    /// Fraction of the remaining data that goes to validation (seed: 0.2).
    pub val_of_rest: f64,
}

impl Default for SplitFractions {
    /// Seed 002, Part 2: 20% test, then 20% of the rest for validation (64 / 16 / 20).
    fn default() -> Self {
        SplitFractions { test: 0.2, val_of_rest: 0.2 }
    }
}

impl SplitFractions {
    /// Seed 003, Methods ("Task 3"): 0.7 / 0.1 / 0.2 of all data (20% test, then 12.5% of the
    /// rest), i.e. 14,000 / 2,000 / 4,000 of 20,000.
    pub const SEED003: SplitFractions = SplitFractions { test: 0.2, val_of_rest: 0.125 };
}

/// Indices of the train, validation and test splits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    /// Training indices.
    pub train: Vec<usize>,
    /// Validation indices.
    pub val: Vec<usize>,
    /// Test indices.
    pub test: Vec<usize>,
}

/// Split sizes `(train, val, test)` for `n` items, by scikit-learn's `ceil` rule.
///
/// # Errors
/// [`Error::Split`] if a fraction is outside (0, 1) or a split would be empty.
pub fn split_sizes(n: usize, fractions: SplitFractions) -> Result<(usize, usize, usize)> {
    for (name, f) in [("test", fractions.test), ("validation", fractions.val_of_rest)] {
        if !(f > 0.0 && f < 1.0) {
            return Err(Error::Split(format!("the {name} fraction must be between 0 and 1 (exclusive), got {f}")));
        }
    }
    let test = (fractions.test * n as f64).ceil() as usize;
    let rest = n.saturating_sub(test);
    let val = (fractions.val_of_rest * rest as f64).ceil() as usize;
    let train = rest.saturating_sub(val);
    if train == 0 || val == 0 || test == 0 {
        return Err(Error::Split(format!(
            "{n} sequences are too few to split into train ({train}), validation ({val}) and test ({test})"
        )));
    }
    Ok((train, val, test))
}

/// A seeded split of `n` items: the same `seed` gives the same split on every platform.
///
/// # Errors
/// As [`split_sizes`].
pub fn split(n: usize, fractions: SplitFractions, seed: u64) -> Result<Split> {
    let (n_train, n_val, _) = split_sizes(n, fractions)?;
    let mut order: Vec<usize> = (0..n).collect();
    order.shuffle(&mut ChaCha8Rng::seed_from_u64(seed));
    let test = order.split_off(n_train + n_val);
    let val = order.split_off(n_train);
    Ok(Split { train: order, val, test })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_split_sizes() {
        // Seed 002, Part 2: Train (41942, 2), Val (10486, 2), Test (13108, 2).
        assert_eq!(split_sizes(65_536, SplitFractions::default()).unwrap(), (41_942, 10_486, 13_108));
        let s = split(65_536, SplitFractions::default(), 42).unwrap();
        assert_eq!((s.train.len(), s.val.len(), s.test.len()), (41_942, 10_486, 13_108));
        let mut all: Vec<usize> = s.train.iter().chain(&s.val).chain(&s.test).copied().collect();
        all.sort_unstable();
        assert_eq!(all, (0..65_536).collect::<Vec<_>>(), "a partition of all indices");
    }

    #[test]
    fn seed003_split_sizes() {
        assert_eq!(split_sizes(20_000, SplitFractions::SEED003).unwrap(), (14_000, 2_000, 4_000));
    }

    #[test]
    fn split_is_seeded() {
        let a = split(1000, SplitFractions::default(), 7).unwrap();
        assert_eq!(a, split(1000, SplitFractions::default(), 7).unwrap());
        assert_ne!(a, split(1000, SplitFractions::default(), 8).unwrap());
    }

    #[test]
    fn split_golden_values() {
        // Pinned so that a change of RNG or shuffle is noticed; the wasm test asserts the same.
        let s = split(65_536, SplitFractions::default(), 17).unwrap();
        assert_eq!(&s.train[..5], crate::data::GOLDEN_TRAIN_SEED_17);
    }

    #[test]
    fn too_small_or_bad_fractions() {
        assert!(matches!(split_sizes(2, SplitFractions::default()), Err(Error::Split(_))));
        assert_eq!(split_sizes(3, SplitFractions::default()).unwrap(), (1, 1, 1));
        assert!(split_sizes(100, SplitFractions { test: 1.0, val_of_rest: 0.2 }).is_err());
        assert!(split_sizes(100, SplitFractions { test: f64::NAN, val_of_rest: 0.2 }).is_err());
    }

    #[test]
    fn kmer_task_matches_rule() {
        let data = RegressionData::kmer_task(8, &ScoringRule::default()).unwrap();
        assert_eq!(data.len(), 65_536);
        assert_eq!(data.targets[21_875], 25.875);
    }
}

/// The first five training indices of `split(65_536, default, 17)`; pinned in tests so that
/// native and wasm builds are checked against the same split.
#[doc(hidden)]
pub const GOLDEN_TRAIN_SEED_17: &[usize] = &[23803, 57842, 50463, 49798, 65150];
