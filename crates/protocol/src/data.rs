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

/// Students' uploads a worker keeps ([`Uploads`]): the newest two (lesson 13 trains on one at
/// a time).
pub const UPLOADS_KEPT: usize = 2;

/// The uploads a worker holds, by key, oldest first, at most [`UPLOADS_KEPT`]. The worker keeps
/// its data sets in one (`Uploads<Rc<UserData>>`) and the page mirrors each worker's in another
/// (`Uploads<()>`): both add by this one rule, and commands reach a worker in order, so the page
/// knows which uploads a worker still holds and sends one again only when it was dropped.
#[derive(Debug, Clone, PartialEq)]
pub struct Uploads<T> {
    held: std::collections::VecDeque<(UserDataKey, T)>,
}

impl<T> Default for Uploads<T> {
    fn default() -> Self {
        Uploads { held: Default::default() }
    }
}

impl<T> Uploads<T> {
    /// The upload under `key`, when held.
    pub fn get(&self, key: UserDataKey) -> Option<&T> {
        self.held.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    /// Hold `value` under `key`, newest, unless `key` is held already; the oldest past
    /// [`UPLOADS_KEPT`] go. Returns whether it was added.
    pub fn add(&mut self, key: UserDataKey, value: T) -> bool {
        if self.get(key).is_some() {
            return false;
        }
        self.held.push_back((key, value));
        while self.held.len() > UPLOADS_KEPT {
            self.held.pop_front();
        }
        true
    }

    /// Forget every upload (a fresh worker holds none).
    pub fn clear(&mut self) {
        self.held.clear();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_and_the_worker_keep_the_same_two_newest_uploads() {
        let (a, b, c) = (UserDataKey(1), UserDataKey(2), UserDataKey(3));
        let mut worker: Uploads<&str> = Uploads::default();
        let mut page: Uploads<()> = Uploads::default();
        // The page sends an upload only when its mirror says the worker lacks it.
        fn send(page: &mut Uploads<()>, worker: &mut Uploads<&'static str>, key: UserDataKey, data: &'static str) {
            if page.add(key, ()) {
                assert!(worker.add(key, data), "the worker lacked it");
            }
        }
        send(&mut page, &mut worker, a, "a");
        send(&mut page, &mut worker, b, "b");
        send(&mut page, &mut worker, a, "a");
        send(&mut page, &mut worker, c, "c");
        assert_eq!(worker.get(a), None, "the oldest went past two");
        assert_eq!((worker.get(b), worker.get(c)), (Some(&"b"), Some(&"c")));
        // A third upload dropped `a`, so naming it again sends it again.
        send(&mut page, &mut worker, a, "a");
        assert_eq!(worker.get(a), Some(&"a"));
        assert_eq!(page, Uploads { held: [(c, ()), (a, ())].into() });
    }
}
