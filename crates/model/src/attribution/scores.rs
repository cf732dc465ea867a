//! Attribution maps scored against the truth (seed 003, Methods, "Quantifying
//! interpretability" and "Motif localisation analysis"): per-sequence interpretability, and
//! localisation over first-layer or PWM scans. Plain (no burn), so the page can score what the
//! worker computed.

use std::ops::Range;

use serde::{Deserialize, Serialize};

use super::{INFORMATION_THRESHOLD, LOCALISATION_BUFFER, Maps};
use crate::error::{Error, Result};
use crate::metrics::{aupr, auroc};
use crate::sequence::OneHot;

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
        let windows = window_scores(x, length, pwm);
        if windows.is_empty() {
            continue;
        }
        for (o, v) in out.iter_mut().zip(centre_windows(&windows, pwm.len(), length)) {
            *o = o.max(v);
        }
    }
    out
}

/// The log-odds score of `pwm` (`[width][base]`, bits) at every window of one one-hot sequence
/// (`[4, length]`), in window order; empty when the PWM is empty or longer than the sequence.
fn window_scores(x: &[f32], length: usize, pwm: &[[f32; 4]]) -> Vec<f32> {
    let w = pwm.len();
    if w == 0 || w > length {
        return Vec::new();
    }
    (0..=length - w).map(|p| (0..w).map(|k| (0..4).map(|j| pwm[k][j] * x[j * length + p + k]).sum::<f32>()).sum()).collect()
}

/// Position weight matrix in bits, `log2(p / 0.25)`, from a probability matrix; probabilities
/// are floored at `1e-3` so an unseen base scores about −8 bits rather than −∞.
pub fn pwm_from_ppm(probs: &[[f32; 4]]) -> Vec<[f32; 4]> {
    probs.iter().map(|c| c.map(|p| (p.max(1e-3) / 0.25).log2())).collect()
}

/// A motif's PWMs on both strands ([`pwm_from_ppm`] of its counts, no pseudocount): its own and
/// its reverse complement's.
fn strand_pwms(m: &crate::motifs::Motif) -> [Vec<[f32; 4]>; 2] {
    [m.pfm.to_ppm(0.0).probs, m.reverse_complement().pfm.to_ppm(0.0).probs].map(|p| pwm_from_ppm(&p))
}

/// The planted motifs as classifiers, the yardstick for a multi-label model such as seed 003's
/// Task 1: for each sequence of `x` (`[batch, 4, length]`) and each of `targets`, the natural log
/// of the motif's likelihood ratio against the uniform background summed over every window on
/// both strands, `ln Σ_windows Σ_strands Π_k (p_k(x_k) / 0.25)`, in nats. Probabilities are
/// floored at `1e-3` as in [`pwm_from_ppm`]. Returns `[batch, targets]` row-major (computed in
/// f64 with a log-sum-exp, so no window overflows); a motif longer than the sequences scores
/// −∞ everywhere.
///
/// With one site drawn from a motif per positive sequence and none planted in the rest, this
/// sum is proportional to the likelihood ratio of "a site somewhere" against "background only":
/// a strong yardstick for a model (not a proven optimum: it ignores the count of motifs, their
/// spacing and the other labels). A chance site of a short, low-information motif (Arid3a's
/// `ATTAAA`-like core) scores as high as a planted one.
pub fn motif_likelihood_scores(x: &OneHot, targets: &[crate::motifs::Motif]) -> Vec<f32> {
    let l = x.length;
    let per_strand: Vec<[Vec<[f32; 4]>; 2]> = targets.iter().map(strand_pwms).collect();
    let mut out = Vec::with_capacity(x.batch * targets.len());
    for b in 0..x.batch {
        let seq = x.sequence(b);
        for strands in &per_strand {
            // Window scores in nats (the PWMs are in bits).
            let windows: Vec<f64> = strands.iter().flat_map(|pwm| window_scores(seq, l, pwm)).map(|bits| f64::from(bits) * std::f64::consts::LN_2).collect();
            let top = windows.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let score = if top.is_finite() { top + windows.iter().map(|w| (w - top).exp()).sum::<f64>().ln() } else { top };
            out.push(score as f32);
        }
    }
    out
}

/// Test AUPR of [`motif_likelihood_scores`] for each label of multi-label `labels`
/// (`[batch, targets]` row-major, 0/1, the order of `targets`): how well the true motifs
/// themselves separate each class. `None` for a label with no positive.
///
/// # Errors
/// [`Error::Attribution`] when `labels` is not `x.batch × targets.len()` long.
pub fn motif_scan_aupr(x: &OneHot, labels: &[f32], targets: &[crate::motifs::Motif]) -> Result<Vec<Option<f64>>> {
    let k = targets.len();
    if labels.len() != x.batch * k {
        return Err(Error::Attribution(format!("{} labels for {} sequences × {k} motifs", labels.len(), x.batch)));
    }
    let scores = motif_likelihood_scores(x, targets);
    Ok((0..k)
        .map(|t| {
            let y: Vec<bool> = (0..x.batch).map(|b| labels[b * k + t] >= 0.5).collect();
            let s: Vec<f32> = (0..x.batch).map(|b| scores[b * k + t]).collect();
            aupr(&y, &s)
        })
        .collect())
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
    let pwms: Vec<Vec<[f32; 4]>> = targets.iter().flat_map(strand_pwms).collect();
    let mut loc = Localisation::default();
    let l = x.length;
    for b in 0..x.batch {
        loc.add(&pwm_scan(x.sequence(b), l, &pwms), &information[b * l..(b + 1) * l]);
    }
    loc.auroc()
}
