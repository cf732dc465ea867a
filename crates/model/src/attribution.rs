//! Attribution maps: which bases drove a prediction, and how well that agrees with the motifs
//! that were really planted.
//!
//! Three methods, for any model of this crate and one-hot input `[batch, 4, length]`, each
//! returning scores `[batch, 4, length]` ([`Maps`]); for classifiers they attribute the logit:
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
//!
//! And the scores against the truth (seed 003, Methods, "Quantifying interpretability" and
//! "Motif localisation analysis"): [`interpretability`] per sequence, [`Localisation`] over
//! first-layer or PWM scans; and tangermeme's marginalisation experiment, [`insertion`].
//!
//! The scoring half is plain (no burn), so the page can score what the worker computed.

use std::ops::Range;

use rand::rngs::ChaCha8Rng;
use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};
use serde::{Deserialize, Serialize};

use crate::choice::named_choice;
use crate::error::{Error, Result};
use crate::metrics::{aupr, auroc};
use crate::sequence::{ALPHABET, OneHot};

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
}

named_choice!(Method, "attribution method", {
    Saliency => "saliency",
    Ism => "ism",
    Ig => "ig",
    IsmCentred => "ism-centred",
});

impl Method {
    /// What the page and the reports call it.
    pub fn label(self) -> &'static str {
        match self {
            Method::Saliency => "Saliency × input",
            Method::Ism => "In silico mutagenesis (L2)",
            Method::Ig => "Integrated gradients",
            Method::IsmCentred => "In silico mutagenesis (mean-centred)",
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

/// Interpretability AUROC and AUPR of one sequence's map (seed 003, "Quantifying
/// interpretability"): `position_scores` (`C_i`, from [`Maps::position_scores`]) at positions
/// whose generating-model information (`information`, bits) exceeds [`INFORMATION_THRESHOLD`]
/// against those elsewhere. `None` when either class is empty.
pub fn interpretability(position_scores: &[f32], information: &[f32]) -> Option<(f64, f64)> {
    let labels: Vec<bool> = information.iter().map(|&i| i > INFORMATION_THRESHOLD).collect();
    Some((auroc(&labels, position_scores)?, aupr(&labels, position_scores)?))
}

/// Mean and standard deviation (n − 1) of a set of per-sequence scores.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Spread {
    /// Mean.
    pub mean: f64,
    /// Sample standard deviation (0 for one value).
    pub std: f64,
    /// Number of values.
    pub n: usize,
}

impl Spread {
    /// Summarise `values`; `None` when empty.
    pub fn of(values: &[f64]) -> Option<Spread> {
        let n = values.len();
        if n == 0 {
            return None;
        }
        let mean = values.iter().sum::<f64>() / n as f64;
        let std = if n > 1 { (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt() } else { 0.0 };
        Some(Spread { mean, std, n })
    }
}

/// Interpretability of a batch of maps: the spread of the per-sequence AUROC and AUPR.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Interpretability {
    /// Interpretability AUROC over the sequences.
    pub auroc: Spread,
    /// Interpretability AUPR over the sequences.
    pub aupr: Spread,
}

/// Score every sequence of `maps` against `information` (flat `[batch, length]`, bits);
/// sequences with no motif position or no background position are left out. `None` when none
/// is left.
pub fn score_maps(maps: &Maps, x: &OneHot, information: &[f32]) -> Option<Interpretability> {
    let c = maps.position_scores(x);
    let l = maps.length;
    let (aurocs, auprs): (Vec<f64>, Vec<f64>) =
        (0..maps.batch).filter_map(|b| interpretability(&c[b * l..(b + 1) * l], &information[b * l..(b + 1) * l])).unzip();
    Some(Interpretability { auroc: Spread::of(&aurocs)?, aupr: Spread::of(&auprs)? })
}

/// The motif and background regions of one sequence for the localisation AUROC (seed 003,
/// "Motif localisation analysis"): runs of positions with information above 0, each widened by
/// `buffer` nt on both sides (overlaps merged), and the runs between them. `(range, is_motif)`,
/// left to right.
pub fn regions(information: &[f32], buffer: usize) -> Vec<(Range<usize>, bool)> {
    let l = information.len();
    let mut motif = vec![false; l];
    for (i, _) in information.iter().enumerate().filter(|(_, b)| **b > 0.0) {
        for m in &mut motif[i.saturating_sub(buffer)..(i + buffer + 1).min(l)] {
            *m = true;
        }
    }
    let mut out: Vec<(Range<usize>, bool)> = Vec::new();
    for (i, &m) in motif.iter().enumerate() {
        match out.last_mut() {
            Some((r, kind)) if *kind == m => r.end = i + 1,
            _ => out.push((i..i + 1, m)),
        }
    }
    out
}

/// Localisation AUROC (seed 003, Extended Data Fig. 1c): every region of every sequence is
/// scored by the largest scan value inside it, and motif regions are ranked against background
/// regions, pooled over the sequences.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Localisation {
    labels: Vec<bool>,
    scores: Vec<f32>,
}

impl Localisation {
    /// Add one sequence: `scan` has one value per position (use `f32::NEG_INFINITY` where the
    /// scan has no window centred), `information` its generating model's bits.
    pub fn add(&mut self, scan: &[f32], information: &[f32]) {
        for (range, is_motif) in regions(information, LOCALISATION_BUFFER) {
            let best = scan[range].iter().copied().fold(f32::NEG_INFINITY, f32::max);
            self.labels.push(is_motif);
            self.scores.push(best);
        }
    }

    /// The AUROC over every region added; `None` without both kinds of region.
    pub fn auroc(&self) -> Option<f64> {
        auroc(&self.labels, &self.scores)
    }
}

/// Place window scores on the positions they are centred on: `windows[p]` (a window starting at
/// `p`, `width` wide) goes to position `p + (width − 1) / 2` of a `length`-long track; positions
/// no window is centred on get `f32::NEG_INFINITY`.
pub fn centre_windows(windows: &[f32], width: usize, length: usize) -> Vec<f32> {
    let mut out = vec![f32::NEG_INFINITY; length];
    let offset = (width.max(1) - 1) / 2;
    for (p, &v) in windows.iter().enumerate() {
        if let Some(o) = out.get_mut(p + offset) {
            *o = v;
        }
    }
    out
}

/// The largest first-layer response over filters at each window, centred (for the
/// localisation AUROC of "first-layer scans"): `post` is `[num_filters, positions]` of one
/// sequence (after the activation), `width` the filters' width.
pub fn filter_scan(post: &[f32], num_filters: usize, positions: usize, width: usize, length: usize) -> Vec<f32> {
    let windows: Vec<f32> = (0..positions).map(|p| (0..num_filters).map(|f| post[f * positions + p]).fold(f32::NEG_INFINITY, f32::max)).collect();
    centre_windows(&windows, width, length)
}

/// The largest log-odds score of any of `pwms` (each `[width][base]`, bits against a uniform
/// background, as [`pwm_from_ppm`] makes) at each window of one one-hot sequence (`[4, length]`),
/// centred on the window as [`centre_windows`].
pub fn pwm_scan(x: &[f32], length: usize, pwms: &[Vec<[f32; 4]>]) -> Vec<f32> {
    let mut out = vec![f32::NEG_INFINITY; length];
    for pwm in pwms {
        let w = pwm.len();
        if w == 0 || w > length {
            continue;
        }
        let windows: Vec<f32> = (0..=length - w).map(|p| (0..w).map(|k| (0..4).map(|j| pwm[k][j] * x[j * length + p + k]).sum::<f32>()).sum()).collect();
        for (o, v) in out.iter_mut().zip(centre_windows(&windows, w, length)) {
            *o = o.max(v);
        }
    }
    out
}

/// Position weight matrix in bits, `log2(p / 0.25)`, from a probability matrix; probabilities
/// are floored at `1e-3` so an unseen base scores about −8 bits rather than −∞.
pub fn pwm_from_ppm(probs: &[[f32; 4]]) -> Vec<[f32; 4]> {
    probs.iter().map(|c| c.map(|p| (p.max(1e-3) / 0.25).log2())).collect()
}

/// The motif inserted by the in-silico experiment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Insert {
    /// A typed sequence, inserted as it is (A, C, G, T; N leaves the background base).
    Sequence(String),
    /// A probability matrix (`[width][base]`), sampled afresh for every background sequence.
    Matrix(Vec<[f32; 4]>),
}

impl Insert {
    /// The motif `text` names: a JASPAR 2016 matrix by ID or name (`MA0058.3`, `MAX`, any
    /// case; the bundled [`crate::tasks::JASPAR_2016_VERTEBRATES`], as probabilities), else
    /// `text` itself as a sequence, uppercased (checked when inserted, [`insert_into`]).
    pub fn from_text(text: &str) -> Insert {
        let t = text.trim();
        let motifs = crate::motifs::parse_jaspar(crate::tasks::JASPAR_2016_VERTEBRATES).unwrap_or_default();
        match motifs.iter().find(|m| m.id.eq_ignore_ascii_case(t) || m.name.eq_ignore_ascii_case(t)) {
            Some(m) => Insert::Matrix(m.pfm.to_ppm(0.0).probs),
            None => Insert::Sequence(t.to_ascii_uppercase()),
        }
    }

    /// Width in nt.
    pub fn width(&self) -> usize {
        match self {
            Insert::Sequence(s) => s.chars().count(),
            Insert::Matrix(m) => m.len(),
        }
    }

    /// The control: the same motif with its positions shuffled (the same bases, no motif), drawn
    /// from `rng`.
    pub fn shuffled(&self, rng: &mut ChaCha8Rng) -> Insert {
        match self {
            Insert::Sequence(s) => {
                let mut c: Vec<char> = s.chars().collect();
                c.shuffle(rng);
                Insert::Sequence(c.into_iter().collect())
            }
            Insert::Matrix(m) => {
                let mut m = m.clone();
                m.shuffle(rng);
                Insert::Matrix(m)
            }
        }
    }

    /// One instance of the motif as text, drawn from `rng` for a matrix.
    fn instance(&self, rng: &mut ChaCha8Rng) -> String {
        match self {
            Insert::Sequence(s) => s.to_ascii_uppercase(),
            Insert::Matrix(m) => m
                .iter()
                .map(|col| {
                    let mut u: f32 = rng.random();
                    for (j, &p) in col.iter().enumerate() {
                        if u < p || j == 3 {
                            return ALPHABET[j];
                        }
                        u -= p;
                    }
                    'N'
                })
                .collect(),
        }
    }
}

/// Insert `motif` at `position` (0-based) of every background sequence, writing over the bases
/// there (tangermeme's `substitute`); an N in a typed motif keeps the background base.
///
/// # Errors
/// [`Error::Attribution`] when the motif is empty, has a character other than A, C, G, T or N
/// (naming it and its position), or does not fit at `position` in a background sequence.
pub fn insert_into(backgrounds: &[String], motif: &Insert, position: usize, seed: u64) -> Result<Vec<String>> {
    let w = motif.width();
    if w == 0 {
        return Err(Error::Attribution("the motif to insert is empty".into()));
    }
    if let Insert::Sequence(s) = motif {
        if let Some((i, c)) = s.chars().enumerate().find(|(_, c)| !"ACGTNacgtn".contains(*c)) {
            return Err(Error::Attribution(format!("the motif has '{c}' at position {}; use A, C, G, T or N", i + 1)));
        }
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    backgrounds
        .iter()
        .map(|bg| {
            let mut chars: Vec<char> = bg.chars().collect();
            if position + w > chars.len() {
                return Err(Error::Attribution(format!("a {w}-nt motif at position {position} does not fit in a {}-nt sequence", chars.len())));
            }
            for (k, c) in motif.instance(&mut rng).chars().enumerate() {
                if c != 'N' {
                    chars[position + k] = c;
                }
            }
            Ok(chars.into_iter().collect())
        })
        .collect()
}

/// Uniform random background sequences (Task 3's background: each base 0.25), seeded.
pub fn random_backgrounds(n: usize, length: usize, seed: u64) -> Vec<String> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..n).map(|_| (0..length).map(|_| ALPHABET[rng.random_range(0..4)]).collect()).collect()
}

/// The distribution of the change in output when a motif is inserted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Effect {
    /// Mean and spread of `output(with motif) − output(background)`, per sequence.
    pub delta: Spread,
    /// Quartiles of the change: 25th, 50th and 75th percentiles.
    pub quartiles: [f64; 3],
    /// Every sequence's change, in background order.
    pub deltas: Vec<f32>,
}

impl Effect {
    /// From the outputs before and after (one per sequence, same order).
    ///
    /// # Errors
    /// [`Error::Attribution`] when the two differ in length or are empty.
    pub fn new(before: &[f32], after: &[f32]) -> Result<Effect> {
        if before.len() != after.len() || before.is_empty() {
            return Err(Error::Attribution(format!("{} outputs before the insertion but {} after", before.len(), after.len())));
        }
        let deltas: Vec<f32> = after.iter().zip(before).map(|(a, b)| a - b).collect();
        let wide: Vec<f64> = deltas.iter().map(|&d| d as f64).collect();
        let mut sorted = wide.clone();
        sorted.sort_by(f64::total_cmp);
        let q = |p: f64| {
            let at = p * (sorted.len() - 1) as f64;
            let (lo, hi) = (at.floor() as usize, at.ceil() as usize);
            sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo as f64)
        };
        Ok(Effect { delta: Spread::of(&wide).expect("not empty"), quartiles: [q(0.25), q(0.5), q(0.75)], deltas })
    }
}

/// Up to `n` positive test sequences of a 200-nt task, with their generating models'
/// information: the sequences attribution is scored on (seed 003 scores the positive class,
/// whose planted motifs are all core motifs). Returns the task's sequence indices, the one-hot
/// batch and the information, flat `[batch, length]` bits.
///
/// # Errors
/// [`Error::Attribution`] when the test split has no positive sequence.
pub fn test_positives(task: &crate::tasks::ClassTask, n: usize) -> Result<(Vec<usize>, OneHot, Vec<f32>)> {
    let picked: Vec<usize> = task.split.test.iter().copied().filter(|&i| task.seqs[i].label).take(n).collect();
    if picked.is_empty() {
        return Err(Error::Attribution("the test split has no positive sequence to explain".into()));
    }
    let seqs: Vec<&str> = picked.iter().map(|&i| task.seqs[i].seq.as_str()).collect();
    let information = picked.iter().flat_map(|&i| task.seqs[i].information.iter().copied()).collect();
    Ok((picked, crate::sequence::one_hot(&seqs)?, information))
}

/// Localisation AUROC of scans with the ground-truth PWMs (`targets`, each in both
/// orientations; [`pwm_from_ppm`] of the matrices the generator samples from) over `x`
/// (`[batch, 4, length]`) with `information` (`[batch, length]`, bits).
pub fn pwm_localisation(x: &OneHot, information: &[f32], targets: &[crate::motifs::Motif]) -> Option<f64> {
    let pwms: Vec<Vec<[f32; 4]>> = targets.iter().flat_map(|m| [m.pfm.to_ppm(0.0).probs, m.reverse_complement().pfm.to_ppm(0.0).probs]).map(|p| pwm_from_ppm(&p)).collect();
    let mut loc = Localisation::default();
    let l = x.length;
    for b in 0..x.batch {
        loc.add(&pwm_scan(x.sequence(b), l, &pwms), &information[b * l..(b + 1) * l]);
    }
    loc.auroc()
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

#[cfg(feature = "burn")]
mod compute;
#[cfg(feature = "burn")]
pub use compute::{IntegratedGradients, explain, filter_localisation, gauss_legendre, gradients, insertion, integrated_gradients, ism, saliency};

#[cfg(test)]
mod tests {
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
    fn effect_quartiles() {
        let e = Effect::new(&[0.0; 5], &[1.0, 2.0, 3.0, 4.0, 5.0]).unwrap();
        assert_eq!(e.quartiles, [2.0, 3.0, 4.0]);
        assert_eq!(e.delta.mean, 3.0);
        assert!(Effect::new(&[0.0], &[]).is_err());
    }
}
