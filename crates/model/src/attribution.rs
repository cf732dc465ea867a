//! Attribution maps: which bases drove a prediction, and how well that agrees with the motifs
//! that were really planted.
//!
//! Four methods, for any model of this crate and one-hot input `[batch, 4, length]`, each
//! returning scores `[batch, 4, length]` ([`Maps`]); for classifiers they attribute the
//! probability, as seed 003's code does, or the logit ([`Output`]):
//!
//! - **Saliency** (Simonyan et al. 2013; seed 003, Methods, "Attribution methods"): the gradient
//!   of the output with respect to the input, [`gradients`]; times the input, [`saliency`].
//! - **In silico mutagenesis** (ISM; seed 003 refs. 1, 2, 10): every single-base substitution,
//!   scored by its change in output, [`ism`]. Reduced per position by the L2 norm over the four
//!   bases (seed 003) or centred on the mean of the four bases (tangermeme's `saturation_mutagenesis`
//!   with centring), [`Maps::ism_l2`] and [`Maps::mean_centred`].
//! - **Integrated gradients** (Sundararajan et al. 2017; seed 003): the gradient integrated along
//!   [`IG_STEPS`] Gauss–Legendre points on the straight line from a reference to the input, times
//!   `input − reference`, averaged over references, [`integrated_gradients`]. The references
//!   ([`Reference`]) are [`IG_SHUFFLES`] shuffles of the sequence (seed 003), all zeros, or
//!   0.25 everywhere.
//! - **DeepSHAP** (Lundberg and Lee 2017; seed 003, with 10 shuffled references): DeepLIFT's
//!   rescale rule (Shrikumar et al. 2017) from each reference, `multiplier · (x − r)`, averaged,
//!   [`deepshap`]; the rule is in `deeplift`.
//!
//! And the scores against the truth (seed 003, Methods, "Quantifying interpretability" and
//! "Motif localisation analysis"): [`interpretability`] per sequence, [`Localisation`] over
//! first-layer or PWM scans; and tangermeme's marginalisation experiment, [`insertion`].
//!
//! The scoring half is plain (no burn), so the page can score what the worker computed. The
//! parts: this module (methods, references, maps), `scores` (maps against the truth), `insert`
//! (the marginalisation experiment's inputs and effect) and `compute` (the methods on a model,
//! burn).

use rand::rngs::ChaCha8Rng;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};

use crate::choice::named_choice;
use crate::sequence::OneHot;

/// Interpolation points of integrated gradients between a reference and the input (seed 003:
/// "20 sequences that linearly interpolate between a reference sequence and the query").
pub const IG_STEPS: usize = 20;
/// Shuffled references averaged by integrated gradients (seed 003: 10, "the elbow point").
pub const IG_SHUFFLES: usize = 10;
/// A position is part of a planted motif when the generating model's information content
/// exceeds this, in bits (seed 003, "Quantifying interpretability": `I_i > 0.01`).
pub const INFORMATION_THRESHOLD: f32 = 0.01;
/// Nucleotides added on each side of a planted motif before the regions are scored by a scan
/// (seed 003, "Motif localisation analysis": "a buffer size of 10 nts").
pub const LOCALISATION_BUFFER: usize = 10;

/// An attribution method, as the CLI's `--method` and the page name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// Gradient × input.
    Saliency,
    /// In silico mutagenesis, L2 norm per position.
    Ism,
    /// Integrated gradients.
    Ig,
    /// In silico mutagenesis, mean-centred per position (tangermeme).
    IsmCentred,
    /// DeepSHAP: DeepLIFT's rescale rule averaged over shuffled references.
    DeepShap,
}

named_choice!(Method, "attribution method", {
    Saliency => "saliency",
    Ism => "ism",
    Ig => "ig",
    IsmCentred => "ism-centred",
    DeepShap => "deepshap",
});

/// The output a classifier's map explains.
///
/// Seed 003's code (`task3_step2_attribution_scores.py`, `layer=-1` for saliency, mutagenesis
/// and integrated gradients; shap's `DeepExplainer` on the whole Keras model) explains the
/// probability, the sigmoid of the logit. For gradient methods this only scales each
/// sequence's map (by the sigmoid's slope at its logit); for ISM it does more: near a
/// confident prediction the sigmoid flattens changes that raise the logit and keeps those that
/// lower it. Regression models have no sigmoid and are always explained by their output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Output {
    /// The model's raw output: a classifier's logit, a regression model's score.
    Logit,
    /// A classifier's probability, `sigmoid(logit)` (seed 003's code).
    #[default]
    Probability,
}

named_choice!(Output, "attributed output", {
    Logit => "logit",
    Probability => "probability",
});

impl Output {
    /// What a model trained with `classifier` (binary cross-entropy) or not (MSE) is explained
    /// by: `self` for a classifier, [`Output::Logit`] (the raw score) for regression.
    pub fn for_model(self, classifier: bool) -> Output {
        if classifier { self } else { Output::Logit }
    }
}

impl Method {
    /// What the page and the reports call it.
    pub fn label(self) -> &'static str {
        match self {
            Method::Saliency => "Saliency × input",
            Method::Ism => "In silico mutagenesis (L2)",
            Method::Ig => "Integrated gradients",
            Method::IsmCentred => "In silico mutagenesis (mean-centred)",
            Method::DeepShap => "DeepSHAP",
        }
    }

    /// Two sentences on what it computes, with its source, for the lesson.
    pub fn explanation(self) -> &'static str {
        match self {
            Method::Saliency => {
                "The gradient of the model's output with respect to each one-hot input, times the input: how much the output would move for a small change of that base (Simonyan et al. 2013). It is one backward pass, but it sees only the local slope, so saturated motifs can look flat (seed 003, Methods)."
            }
            Method::Ism => {
                "Every base is mutated to each of the other three and the model is run again; a position's score is the L2 norm of the three changes in output (seed 003, Methods). It needs 3 × length forward passes, but it measures real effects rather than slopes, and seed 003 found it the most reliable method."
            }
            Method::Ig => {
                "The gradient is averaged along 20 steps from a reference to the sequence and multiplied by (sequence − reference), so the scores add up to the change in output from the reference (Sundararajan et al. 2017). The reference is a choice: seed 003 averages 10 shuffles of the sequence; all-zero and uniform 0.25 are the other common ones."
            }
            Method::IsmCentred => {
                "The same substitutions as ISM, but each position's four changes (0 for its own base) minus their mean, so a base scores how much better it is than the average base there (tangermeme). Signed: the observed base of a motif scores high, and bases that would break it score low."
            }
            Method::DeepShap => {
                "The sequence and a reference run through the network side by side, and each layer passes on the difference between them, scaled at every nonlinearity by (f(x) − f(r)) / (x − r) (DeepLIFT's rescale rule, Shrikumar et al. 2017). Averaged over references (DeepSHAP, Lundberg and Lee 2017; seed 003 uses 10 shuffles of the sequence), the scores add up to the change in output from the references; seed 003 ranks it second after ISM."
            }
        }
    }
}

/// The reference of integrated gradients.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Reference {
    /// [`IG_SHUFFLES`] random shuffles of the sequence's own bases, averaged (seed 003).
    Shuffle,
    /// All zeros (no base anywhere).
    Zero,
    /// 0.25 for every base at every position.
    Uniform,
}

named_choice!(Reference, "integrated-gradients reference", {
    Shuffle => "shuffle",
    Zero => "zero",
    Uniform => "uniform",
});

/// Attribution scores, flat `[batch, 4, length]` as [`OneHot`] (`values[(b · 4 + base) · length + i]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Maps {
    /// Flat `[batch, 4, length]` scores.
    pub values: Vec<f32>,
    /// Number of sequences.
    pub batch: usize,
    /// Positions per sequence.
    pub length: usize,
}

impl Maps {
    /// Scores of sequence `b`, `[4, length]`.
    pub fn sequence(&self, b: usize) -> &[f32] {
        let n = 4 * self.length;
        &self.values[b * n..(b + 1) * n]
    }

    /// Sequence `b`'s scores as logo letter heights, `[position][base]` (bases A, C, G, T).
    pub fn heights(&self, b: usize) -> Vec<[f32; 4]> {
        let (s, l) = (self.sequence(b), self.length);
        (0..l).map(|i| [s[i], s[l + i], s[2 * l + i], s[3 * l + i]]).collect()
    }

    /// Element-wise product with the one-hot input (the "× input" of seed 003).
    pub fn times_input(&self, x: &OneHot) -> Maps {
        Maps { values: self.values.iter().zip(&x.values).map(|(s, x)| s * x).collect(), ..*self }
    }

    /// One score per position, `C_i = Σ_j S_ij · X_ij` (seed 003, "Quantifying
    /// interpretability"), flat `[batch, length]`.
    pub fn position_scores(&self, x: &OneHot) -> Vec<f32> {
        let l = self.length;
        let mut out = vec![0.0; self.batch * l];
        for b in 0..self.batch {
            let (s, xs) = (self.sequence(b), x.sequence(b));
            for j in 0..4 {
                for i in 0..l {
                    out[b * l + i] += s[j * l + i] * xs[j * l + i];
                }
            }
        }
        out
    }

    /// From ISM's changes in output (0 at the sequence's own base), the L2 norm over the four
    /// bases at each position, placed on the sequence's own base (seed 003, "Attribution
    /// methods"; its logos draw the observed base this tall).
    pub fn ism_l2(&self, x: &OneHot) -> Maps {
        let l = self.length;
        let mut values = vec![0.0; self.values.len()];
        for b in 0..self.batch {
            let s = self.sequence(b);
            for i in 0..l {
                let norm = (0..4).map(|j| s[j * l + i] * s[j * l + i]).sum::<f32>().sqrt();
                for j in 0..4 {
                    values[(b * 4 + j) * l + i] = norm * x.sequence(b)[j * l + i];
                }
            }
        }
        Maps { values, ..*self }
    }

    /// Each position's four scores minus their mean (tangermeme's centring of ISM): the
    /// sequence's own base then scores how much worse the average substitution is.
    pub fn mean_centred(&self) -> Maps {
        let l = self.length;
        let mut values = self.values.clone();
        for b in 0..self.batch {
            for i in 0..l {
                let mean = (0..4).map(|j| values[(b * 4 + j) * l + i]).sum::<f32>() / 4.0;
                for j in 0..4 {
                    values[(b * 4 + j) * l + i] -= mean;
                }
            }
        }
        Maps { values, ..*self }
    }
}

/// The references of integrated gradients for one sequence (`[4, length]`), each `[4, length]`.
/// Shuffles permute the positions of the sequence (its base composition is kept), drawn from
/// `rng`.
pub fn references(x: &[f32], length: usize, reference: Reference, rng: &mut ChaCha8Rng) -> Vec<Vec<f32>> {
    match reference {
        Reference::Zero => vec![vec![0.0; 4 * length]],
        Reference::Uniform => vec![vec![0.25; 4 * length]],
        Reference::Shuffle => (0..IG_SHUFFLES)
            .map(|_| {
                let mut order: Vec<usize> = (0..length).collect();
                order.shuffle(rng);
                let mut r = vec![0.0; 4 * length];
                for (i, &from) in order.iter().enumerate() {
                    for j in 0..4 {
                        r[j * length + i] = x[j * length + from];
                    }
                }
                r
            })
            .collect(),
    }
}

/// The in-silico experiment's result: the motif's effect and its shuffled control's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Experiment {
    /// The change in output with the motif inserted.
    pub motif: Effect,
    /// The change with the shuffled motif inserted at the same place.
    pub control: Effect,
    /// The shuffled motif, as text (one instance for a matrix).
    pub control_text: String,
}

mod insert;
mod scores;

pub use insert::{Effect, Insert, insert_into, random_backgrounds};
pub use scores::{Interpretability, Localisation, Spread, centre_windows, filter_scan, interpretability, motif_likelihood_scores, motif_scan_aupr, pwm_from_ppm, pwm_localisation, pwm_scan, regions, score_maps, test_positives};

#[cfg(feature = "burn")]
mod compute;
#[cfg(feature = "burn")]
pub(crate) mod deeplift;
#[cfg(feature = "burn")]
pub use compute::{Additive, deepshap, explain, filter_localisation, gauss_legendre, gradients, insertion, integrated_gradients, ism, saliency};

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;
    use crate::sequence::one_hot;

    #[test]
    fn position_scores_pick_the_observed_base() {
        let x = one_hot(&["ACGT"]).unwrap();
        let maps = Maps { values: (0..16).map(|v| v as f32).collect(), batch: 1, length: 4 };
        // A at 0 → row 0 col 0 = 0; C at 1 → row 1 col 1 = 5; G → 10; T → 15.
        assert_eq!(maps.position_scores(&x), vec![0.0, 5.0, 10.0, 15.0]);
    }

    #[test]
    fn ism_reductions() {
        let x = one_hot(&["AC"]).unwrap();
        // Changes at position 0 (A observed): A 0, C 3, G 4, T 0 → L2 5; position 1: all 0 but T = -2.
        let deltas = Maps { values: vec![0.0, 0.0, 3.0, 0.0, 4.0, 0.0, 0.0, -2.0], batch: 1, length: 2 };
        assert_eq!(deltas.ism_l2(&x).values, vec![5.0, 0.0, 0.0, 2.0, 0.0, 0.0, 0.0, 0.0]);
        let c = deltas.mean_centred();
        assert_eq!(c.values, vec![-1.75, 0.5, 1.25, 0.5, 2.25, 0.5, -1.75, -1.5]);
    }

    #[test]
    fn regions_buffer_and_merge() {
        let mut info = vec![0.0; 60];
        for i in 20..25 {
            info[i] = 1.0;
        }
        for i in 30..33 {
            info[i] = 0.5; // within 2 × 10 of the first motif: merged
        }
        let r = regions(&info, 10);
        assert_eq!(r, vec![(0..10, false), (10..43, true), (43..60, false)]);
    }

    #[test]
    fn interpretability_of_a_perfect_and_a_reversed_map() {
        let info = [0.0, 0.0, 1.5, 2.0, 0.0];
        assert_eq!(interpretability(&[0.1, 0.0, 3.0, 2.0, -1.0], &info), Some((1.0, 1.0)));
        let (a, _) = interpretability(&[3.0, 2.0, 0.0, 0.1, 4.0], &info).unwrap();
        assert_eq!(a, 0.0);
        assert_eq!(interpretability(&[1.0; 5], &[0.0; 5]), None);
    }

    #[test]
    fn pwm_scan_finds_the_planted_site() {
        let ppm = vec![[0.97, 0.01, 0.01, 0.01], [0.01, 0.01, 0.01, 0.97], [0.01, 0.01, 0.97, 0.01]];
        let x = one_hot(&["CCCCATGCCC"]).unwrap();
        let scan = pwm_scan(x.sequence(0), 10, &[pwm_from_ppm(&ppm)]);
        let best = (0..10).max_by(|&a, &b| scan[a].total_cmp(&scan[b])).unwrap();
        assert_eq!(best, 5, "ATG starts at 4 and is centred on 5: {scan:?}");
        assert!(scan[0].is_infinite() && scan[9].is_infinite());
    }

    #[test]
    fn motif_likelihood_sums_every_window_of_both_strands() {
        use crate::interpret::Pfm;
        use crate::motifs::Motif;
        // A one-column motif, A for certain: A scores 1 / 0.25 = 4; any other base the 1e-3
        // floor, 0.004. On AC: forward A at 0 (4), C at 1 (0.004); its reverse complement T
        // scores 0.004 at both.
        let a = Motif { id: "a".into(), name: "A".into(), pfm: Pfm { counts: vec![[5.0, 0.0, 0.0, 0.0]] } };
        let x = one_hot(&["AC", "GG"]).unwrap();
        let s = motif_likelihood_scores(&x, &[a.clone()]);
        assert!((f64::from(s[0]) - 4.012f64.ln()).abs() < 1e-5, "{s:?}");
        assert!((f64::from(s[1]) - 0.016f64.ln()).abs() < 1e-4, "{s:?}");
        // Perfect separation; a label count that does not fit is refused.
        assert_eq!(motif_scan_aupr(&x, &[1.0, 0.0], &[a.clone()]).unwrap(), vec![Some(1.0)]);
        assert!(motif_scan_aupr(&x, &[1.0], &[a]).unwrap_err().to_string().contains("1 labels for 2 sequences × 1 motifs"));
    }

    #[test]
    fn task1s_true_motifs_leave_arid3a_far_below_srf() {
        // Seed 003's Task 1 ceiling: Arid3a's short, AT-rich core turns up by chance in many
        // background sequences, so even its own PWM cannot tell planted sites from chance
        // ones; SRF's long CArG box can. This is why no model reaches a mean AUPR near 0.98
        // on this data (docs/fig1c-converged/).
        let task = crate::tasks::ClassTask::generate(crate::tasks::ClassTaskKind::Task1, 2000, 1).unwrap();
        let data = task.subset(&(0..2000).collect::<Vec<_>>());
        let aupr = motif_scan_aupr(&data.one_hot().unwrap(), &data.targets, &task.targets).unwrap();
        let by_name = |n: &str| aupr[task.targets.iter().position(|m| m.name == n).unwrap()].unwrap();
        assert!(by_name("SRF") > 0.97, "{aupr:?}");
        assert!(by_name("Arid3a") < 0.85, "{aupr:?}");
        let mean = aupr.iter().map(|a| a.unwrap()).sum::<f64>() / 12.0;
        assert!((0.85..0.97).contains(&mean), "mean {mean}: {aupr:?}");
        for (t, a) in aupr.iter().enumerate() {
            let prevalence = (0..2000).filter(|&b| data.targets[b * 12 + t] >= 0.5).count() as f64 / 2000.0;
            assert!(a.unwrap() > prevalence + 0.3, "{}: AUPR {a:?} against prevalence {prevalence}", task.targets[t].name);
        }
    }

    #[test]
    fn insertion_writes_over_the_background_and_refuses_what_does_not_fit() {
        let bg = random_backgrounds(3, 20, 1);
        let with = insert_into(&bg, &Insert::Sequence("CACGTG".into()), 7, 0).unwrap();
        for (b, w) in bg.iter().zip(&with) {
            assert_eq!(&w[7..13], "CACGTG");
            assert_eq!(&w[..7], &b[..7]);
            assert_eq!(&w[13..], &b[13..]);
        }
        let err = insert_into(&bg, &Insert::Sequence("CACGTG".into()), 15, 0).unwrap_err().to_string();
        assert_eq!(err, "cannot explain the model: a 6-nt motif at position 15 does not fit in a 20-nt sequence");
        let err = insert_into(&bg, &Insert::Sequence("CAXG".into()), 0, 0).unwrap_err().to_string();
        assert!(err.contains("'X' at position 3"), "{err}");
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let Insert::Sequence(s) = Insert::Sequence("CACGTG".into()).shuffled(&mut rng) else { unreachable!() };
        let mut a: Vec<char> = s.chars().collect();
        a.sort();
        assert_eq!(a, vec!['A', 'C', 'C', 'G', 'G', 'T']);
    }

    #[test]
    fn shuffled_references_keep_the_composition() {
        let x = one_hot(&["AACGTTTG"]).unwrap();
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let refs = references(x.sequence(0), 8, Reference::Shuffle, &mut rng);
        assert_eq!(refs.len(), IG_SHUFFLES);
        for r in &refs {
            for j in 0..4 {
                let count = |v: &[f32]| v[j * 8..(j + 1) * 8].iter().sum::<f32>();
                assert_eq!(count(r), count(x.sequence(0)));
            }
        }
        assert!(refs.iter().any(|r| r != x.sequence(0)));
    }

    #[test]
    fn a_motif_is_named_by_jaspar_id_or_name_else_typed() {
        let Insert::Matrix(max) = Insert::from_text(" ma0058.3 ") else { panic!("MAX's matrix") };
        assert_eq!(Insert::from_text("MAX"), Insert::Matrix(max.clone()));
        assert_eq!(crate::interpret::Ppm { probs: max }.consensus().len(), 10);
        assert_eq!(Insert::from_text("cacgtg"), Insert::Sequence("CACGTG".into()));
        let maps = Maps { values: (0..8).map(|v| v as f32).collect(), batch: 1, length: 2 };
        assert_eq!(maps.heights(0), vec![[0.0, 2.0, 4.0, 6.0], [1.0, 3.0, 5.0, 7.0]]);
    }

    #[test]
    fn regression_is_explained_by_its_score_and_classifiers_as_asked() {
        assert_eq!(Output::default(), Output::Probability, "seed 003's code explains the probability");
        assert_eq!(Output::Probability.for_model(true), Output::Probability);
        assert_eq!(Output::Logit.for_model(true), Output::Logit);
        assert_eq!(Output::Probability.for_model(false), Output::Logit);
        assert_eq!("deepshap".parse::<Method>().unwrap(), Method::DeepShap);
        assert!("shap".parse::<Output>().is_err());
    }

    #[test]
    fn effect_quartiles() {
        let e = Effect::new(&[0.0; 5], &[1.0, 2.0, 3.0, 4.0, 5.0]).unwrap();
        assert_eq!(e.quartiles, [2.0, 3.0, 4.0]);
        assert_eq!(e.delta.mean, 3.0);
        assert!(Effect::new(&[0.0], &[]).is_err());
    }
}
