//! Tangermeme's marginalisation experiment, without the model: the motif inserted (a sequence
//! or a sampled matrix), its shuffled control, random backgrounds, and the effect on the output
//! read from predictions before and after ([`insertion`](super::insertion) runs the model).

use rand::rngs::ChaCha8Rng;
use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};
use serde::{Deserialize, Serialize};

use super::scores::Spread;
use crate::error::{Error, Result};
use crate::sequence::ALPHABET;

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
    /// case; the JASPAR 2016 file, [`crate::tasks::jaspar_2016`], as probabilities), else
    /// `text` itself as a sequence, uppercased (checked when inserted, [`insert_into`]).
    pub fn from_text(text: &str) -> Insert {
        let t = text.trim();
        let motifs = crate::tasks::jaspar_2016().and_then(crate::motifs::parse_jaspar).unwrap_or_default();
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
