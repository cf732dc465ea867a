//! The 200-nt classification tasks, ready to train: seed 003's Tasks 1 and 3 and seed 000's data set,
//! each with its split, its seed's model and training settings, and the ground-truth motifs
//! the first-layer filters are matched against.
//!
//! The JASPAR 2016 vertebrate matrices Task 3 samples from are compiled in with the `jaspar`
//! feature ([`JASPAR_2016_VERTEBRATES`], from `assets/motifs/`, with its citation there); the
//! web page fetches the same file and gives it to [`set_jaspar`], so both generate the same data.

use std::fmt;
use std::str::FromStr;

use crate::data::{RegressionData, Split, SplitFractions, split};
use crate::error::{Error, Result};
use crate::interpret::{AlignmentRule, FilterWeights, Pfm};
#[cfg(feature = "burn")]
use crate::interpret::FilterMaps;
use crate::matching::FilterMatch;
#[cfg(feature = "burn")]
use crate::matching::{MatchConfig, match_filters, match_fraction};
use crate::models::{Activation, ModelConfig, ModelKind};
#[cfg(feature = "burn")]
use crate::models::Model;
use crate::motifs::{Motif, parse_jaspar};
use crate::sequence::base_index;
#[cfg(feature = "burn")]
use crate::sequence::OneHot;
use crate::synthetic::{CORE_MOTIF_IDS, KERAS200_POSITIVE, MotifSequence, TASK1_MOTIF_IDS, Task3Config, generate_keras200, generate_task1, generate_task3};
use crate::trainer::TrainConfig;
#[cfg(feature = "burn")]
use crate::trainer::{filter_maps, filter_weights};

/// JASPAR 2016 CORE vertebrates, non-redundant: the 519 matrices seed 003 samples Task 3 from
/// (Mathelier et al., Nucleic Acids Research 44, D110–D115, 2016; `assets/motifs/README.md`).
/// Built in with the `jaspar` feature (the default); see [`jaspar_2016`].
#[cfg(feature = "jaspar")]
pub static JASPAR_2016_VERTEBRATES: &str = include_str!("../../../assets/motifs/JASPAR2016_CORE_vertebrates_non-redundant.jaspar");

/// The JASPAR 2016 file's text given to [`set_jaspar`] (without the `jaspar` feature).
static JASPAR_GIVEN: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// Give the crate the JASPAR 2016 file's text (`assets/motifs/JASPAR2016_CORE_vertebrates_non-redundant.jaspar`),
/// for a build without the `jaspar` feature: the web page fetches it before it mounts. The
/// first text given is kept; with the feature, the built-in text is used and this one ignored.
pub fn set_jaspar(text: String) {
    let _ = JASPAR_GIVEN.set(text);
}

/// The JASPAR 2016 file's text: [`JASPAR_2016_VERTEBRATES`] with the `jaspar` feature, else
/// the text given to [`set_jaspar`].
///
/// # Errors
/// [`Error::Synthetic`] without the feature when no text was given (the page's fetch failed).
pub fn jaspar_2016() -> Result<&'static str> {
    #[cfg(feature = "jaspar")]
    return Ok(JASPAR_2016_VERTEBRATES);
    #[cfg(not(feature = "jaspar"))]
    JASPAR_GIVEN.get().map(String::as_str).ok_or_else(|| Error::Synthetic("the JASPAR 2016 motif file did not load (motifs/JASPAR2016_CORE_vertebrates_non-redundant.jaspar, beside the page): reload the page".into()))
}

/// Which classification task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum ClassTaskKind {
    /// Seed 003's Task 1: 30,000 sequences, 1 to 5 of 12 TF motifs, one label per motif.
    Task1,
    /// Seed 003's Task 3: 20,000 sequences, core motifs vs background motifs.
    Task3,
    /// Seed 000's data set: 10,000 sequences, four planted k-mers vs homopolymer decoys.
    Keras200,
}

impl ClassTaskKind {
    /// The short name used on the command line and in links.
    pub fn name(self) -> &'static str {
        match self {
            ClassTaskKind::Task1 => "task1",
            ClassTaskKind::Task3 => "task3",
            ClassTaskKind::Keras200 => "keras200",
        }
    }

    /// The seed's number of sequences.
    pub fn default_num_seqs(self) -> usize {
        match self {
            ClassTaskKind::Task1 => 30_000,
            ClassTaskKind::Task3 => 20_000,
            ClassTaskKind::Keras200 => 10_000,
        }
    }

    /// The seed's model: CNN-deep for Task 1, CNN-dist for Task 3, the multi-scale CNN for
    /// seed 000.
    pub fn default_model(self) -> ModelKind {
        match self {
            ClassTaskKind::Task1 => ModelKind::CnnDeep,
            ClassTaskKind::Task3 => ModelKind::CnnDist,
            ClassTaskKind::Keras200 => ModelKind::MultiScale,
        }
    }

    /// The seed's training settings ([`TrainConfig::seed003`] or [`TrainConfig::seed000`]).
    pub fn default_training(self) -> TrainConfig {
        match self {
            ClassTaskKind::Task1 => TrainConfig::seed003_task1(),
            ClassTaskKind::Task3 => TrainConfig::seed003(),
            ClassTaskKind::Keras200 => TrainConfig::seed000(),
        }
    }

    /// The seed's split: 0.7 / 0.1 / 0.2 (seed 003) or 0.64 / 0.16 / 0.2 (seed 000's two
    /// `train_test_split` calls with `test_size=0.2`).
    pub fn fractions(self) -> SplitFractions {
        match self {
            ClassTaskKind::Task1 | ClassTaskKind::Task3 => SplitFractions::SEED003,
            ClassTaskKind::Keras200 => SplitFractions::default(),
        }
    }
}

impl fmt::Display for ClassTaskKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for ClassTaskKind {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "task1" => Ok(ClassTaskKind::Task1),
            "task3" => Ok(ClassTaskKind::Task3),
            "keras200" => Ok(ClassTaskKind::Keras200),
            other => Err(Error::UnknownName { what: "task", given: other.into(), expected: "task1, task3, keras200".into() }),
        }
    }
}

/// A generated classification data set with its split and ground truth.
#[derive(Debug, Clone)]
pub struct ClassTask {
    /// Which task.
    pub kind: ClassTaskKind,
    /// Every sequence with its label, placements and information content.
    pub seqs: Vec<MotifSequence>,
    /// Indices of the train / validation / test splits.
    pub split: Split,
    /// Motifs the first-layer filters are matched against: Task 3's five core JASPAR matrices,
    /// or seed 000's four positive k-mers as one-hot count matrices.
    pub targets: Vec<Motif>,
    /// Seed of the data and the split.
    pub seed: u64,
}

impl ClassTask {
    /// Generate the task: `num_seqs` sequences of 200 nt from `seed`, split by the seed's
    /// fractions with the same seed.
    ///
    /// # Errors
    /// [`Error::Synthetic`] or [`Error::Split`] for too few sequences.
    pub fn generate(kind: ClassTaskKind, num_seqs: usize, seed: u64) -> Result<Self> {
        let (seqs, targets) = match kind {
            ClassTaskKind::Task1 => {
                let motifs = parse_jaspar(jaspar_2016()?)?;
                let seqs = generate_task1(&motifs, num_seqs, 200, seed)?;
                let targets = TASK1_MOTIF_IDS.iter().filter_map(|id| motifs.iter().find(|m| m.id == *id).cloned()).collect();
                (seqs, targets)
            }
            ClassTaskKind::Task3 => {
                let motifs = parse_jaspar(jaspar_2016()?)?;
                let config = Task3Config { num_seqs, seed, ..Task3Config::default() };
                let seqs = generate_task3(&motifs, &config)?;
                let targets = CORE_MOTIF_IDS.iter().filter_map(|id| motifs.iter().find(|m| m.id == *id).cloned()).collect();
                (seqs, targets)
            }
            ClassTaskKind::Keras200 => {
                let seqs = generate_keras200(num_seqs, 200, seed)?;
                let targets = KERAS200_POSITIVE.iter().map(|k| kmer_motif(k)).collect();
                (seqs, targets)
            }
        };
        let split = split(seqs.len(), kind.fractions(), seed)?;
        Ok(ClassTask { kind, seqs, split, targets, seed })
    }

    /// The sequences at `indices` as 0/1-labelled training data: one label per sequence, or
    /// for Task 1 one per target motif (row-major `[sequences, 12]`).
    pub fn subset(&self, indices: &[usize]) -> RegressionData {
        let picked: Vec<MotifSequence> = indices.iter().map(|&i| self.seqs[i].clone()).collect();
        match self.kind {
            ClassTaskKind::Task1 => {
                let names: Vec<&str> = self.targets.iter().map(|m| m.name.as_str()).collect();
                RegressionData::from_multilabel(&picked, &names)
            }
            _ => RegressionData::from_labelled(&picked),
        }
    }

    /// Training, validation and test data.
    pub fn data(&self) -> (RegressionData, RegressionData, RegressionData) {
        (self.subset(&self.split.train), self.subset(&self.split.val), self.subset(&self.split.test))
    }

    /// The seed's model for this task with the first-layer `activation`.
    pub fn model(&self, kind: ModelKind, activation: Activation) -> ModelConfig {
        ModelConfig::of_kind(kind, 200, activation)
    }
}

/// A k-mer as a motif: one count for its base at each position (an N column stays empty).
fn kmer_motif(kmer: &str) -> Motif {
    let counts = kmer
        .chars()
        .enumerate()
        .map(|(i, b)| {
            let mut c = [0.0; 4];
            if let Ok(Some(k)) = base_index(b, i) {
                c[k] = 1.0;
            }
            c
        })
        .collect();
    Motif { id: kmer.into(), name: kmer.into(), pfm: Pfm { counts } }
}

/// What the first-layer filters learned: seed 003's logos and their matches.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FilterReport {
    /// First-layer weights.
    pub weights: FilterWeights,
    /// One count matrix per filter: the windows the alignment rule selected.
    pub pfms: Vec<Pfm>,
    /// Each filter's best match among the targets (`None` when it aligned no site).
    pub matches: Vec<Option<FilterMatch>>,
    /// Share of filters with a significant match.
    pub match_fraction: f64,
}

/// Seed 003's alignment rule (Methods, "Filter visualization"): windows whose activation
/// reaches 50% of the filter's maximum.
pub const SEED003_ALIGNMENT: AlignmentRule = AlignmentRule::FractionOfMax(0.5);

/// Seed 003's filter analysis (Fig. 1c): align each filter's windows over `x` by `rule` (the
/// paper: [`SEED003_ALIGNMENT`], on the test set), and match the resulting logos against
/// `targets` ([`crate::matching`]). `None` for models without one first layer of filters.
///
/// # Errors
/// [`crate::Error::Device`] when a read-back fails.
#[cfg(feature = "burn")]
pub async fn filter_report(model: &Model, x: &OneHot, rule: AlignmentRule, targets: &[Motif], config: &MatchConfig, device: &burn::tensor::Device) -> Result<Option<FilterReport>> {
    let Some(weights) = filter_weights(model).await? else { return Ok(None) };
    let Some(maps): Option<FilterMaps> = filter_maps(model, x, device).await? else { return Ok(None) };
    let pfms = maps.align(x, weights.width, rule);
    // Filters with no site stay unmatched rather than matching as uniform columns.
    let ppms: Vec<_> = pfms.iter().map(|p| p.to_ppm(0.0)).collect();
    let mut matches = match_filters(&ppms, targets, config);
    for (m, p) in matches.iter_mut().zip(&pfms) {
        if p.num_sites() == 0.0 {
            *m = None;
        }
    }
    let match_fraction = match_fraction(&matches);
    Ok(Some(FilterReport { weights, pfms, matches, match_fraction }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tasks_generate_with_the_seeds_sizes() {
        let t = ClassTask::generate(ClassTaskKind::Task3, 2000, 5).unwrap();
        assert_eq!((t.split.train.len(), t.split.val.len(), t.split.test.len()), (1400, 200, 400));
        assert_eq!(t.targets.iter().map(|m| m.name.as_str()).collect::<Vec<_>>(), ["CEBPB", "Gabpa", "MAX", "SP1", "YY1"]);
        let (train, _, _) = t.data();
        assert!(train.targets.iter().all(|&y| y == 0.0 || y == 1.0));
        assert!(train.seqs.iter().all(|s| s.len() == 200));
        let t1 = ClassTask::generate(ClassTaskKind::Task1, 1000, 5).unwrap();
        assert_eq!((t1.split.train.len(), t1.split.val.len(), t1.split.test.len()), (700, 100, 200));
        assert_eq!(t1.targets.len(), 12);
        assert_eq!(t1.targets[0].name, "Arid3a");
        let (train1, _, _) = t1.data();
        assert_eq!(train1.targets.len(), 700 * 12);
        for (i, s) in t1.seqs.iter().enumerate().take(50) {
            assert!((1..=5).contains(&s.placements.len()), "sequence {i} has {} motifs", s.placements.len());
            assert_eq!(s.seq.len(), 200);
        }
        // Each sequence's labels are exactly the motifs placed in it, and every label occurs.
        let all = t1.subset(&(0..1000).collect::<Vec<_>>());
        for (i, s) in t1.seqs.iter().enumerate() {
            for (k, m) in t1.targets.iter().enumerate() {
                assert_eq!(all.targets[i * 12 + k] == 1.0, s.placements.iter().any(|p| p.name == m.name));
            }
        }
        let per_label: Vec<f32> = (0..12).map(|k| all.targets.iter().skip(k).step_by(12).sum()).collect();
        assert!(per_label.iter().all(|&c| c > 100.0 && c < 300.0), "{per_label:?}");
        let k = ClassTask::generate(ClassTaskKind::Keras200, 1000, 5).unwrap();
        assert_eq!((k.split.train.len(), k.split.val.len(), k.split.test.len()), (640, 160, 200));
        assert_eq!(k.targets[0].pfm.to_ppm(0.0).consensus(), "TATAAA");
        assert_eq!("TASK3".parse::<ClassTaskKind>().unwrap(), ClassTaskKind::Task3);
        assert!("task9".parse::<ClassTaskKind>().unwrap_err().to_string().contains("task3, keras200"));
    }
}
