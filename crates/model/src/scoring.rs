//! The 8-mer scoring task (seed 002, Part 1; seed 001, "Generate synthetic DNA data").
//!
//! A sequence's score is the mean of its per-base values plus, for each motif of the rule that
//! occurs in it, that motif's bonus, counted once per sequence however often the motif occurs.
//! The default rule is the seed's: A = 20, C = 17, G = 14, T = 11; `TAT` +10; `GCG` −10.
//!
//! The rule is data ([`ScoringRule`]) so lessons can edit it. [`PositionEffect`] adds the
//! position-dependent variant of the seed's Question 1.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::sequence::{ALPHABET, base_index};

/// Smallest k for [`kmers`].
pub const MIN_K: usize = 3;
/// Largest k for [`kmers`] (4^10 = 1,048,576 sequences).
pub const MAX_K: usize = 10;
/// The seed's k.
pub const DEFAULT_K: usize = 8;
/// Most motifs a rule may hold: scoring costs one search per motif for each of the 65,536
/// 8-mers, so a link with thousands of motifs would hold the page for seconds.
pub const MAX_MOTIFS: usize = 16;
/// Largest magnitude of a base value, bonus or position multiplier, in score units. Seed 002's
/// values are 10 to 20; this bound keeps every score and its square (the MSE) finite in f32.
pub const MAX_MAGNITUDE: f32 = 1000.0;

/// A motif and the bonus added to a sequence's score when the motif occurs in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MotifBonus {
    /// The motif, in A, C, G, T (uppercase).
    pub motif: String,
    /// Bonus in score units (negative for a penalty).
    pub bonus: f32,
}

/// How a motif's bonus depends on where it starts (seed 002, Question 1).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum PositionEffect {
    /// The seed's rule: the same bonus wherever the motif occurs.
    Uniform,
    /// The bonus is scaled by a factor that falls linearly with the motif's start position:
    /// `first` at position 0 and `last` at the last possible start (`length − motif length`).
    /// Only the leftmost occurrence counts, so the motif is still counted once per sequence.
    /// The default curve is 1.5 → 0.5: a motif at the start is worth three times one at the end,
    /// and a motif in the middle is worth the seed's bonus.
    LinearDecay {
        /// Multiplier of the bonus at start position 0.
        first: f32,
        /// Multiplier of the bonus at the last start position.
        last: f32,
    },
}

impl PositionEffect {
    /// The default position-dependent curve: 1.5× at the start, 0.5× at the end.
    pub const DEFAULT_DECAY: PositionEffect = PositionEffect::LinearDecay { first: 1.5, last: 0.5 };

    /// Multiplier of a bonus for a motif starting at `start`, where `last_start` is the last
    /// possible start position.
    pub fn weight(&self, start: usize, last_start: usize) -> f32 {
        match *self {
            PositionEffect::Uniform => 1.0,
            PositionEffect::LinearDecay { first, last } => {
                if last_start == 0 {
                    first
                } else {
                    let t = start as f32 / last_start as f32;
                    first + (last - first) * t
                }
            }
        }
    }
}

/// The scoring rule: per-base values, motif bonuses and how bonuses depend on position.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoringRule {
    /// Value of A, C, G, T in score units, in that order.
    pub base_values: [f32; 4],
    /// Motifs and their bonuses; each is counted at most once per sequence.
    pub motifs: Vec<MotifBonus>,
    /// Position dependence of the bonuses.
    pub position: PositionEffect,
}

impl Default for ScoringRule {
    /// Seed 002, Part 1: A=20, C=17, G=14, T=11, `TAT` +10, `GCG` −10, position-independent.
    fn default() -> Self {
        ScoringRule {
            base_values: [20.0, 17.0, 14.0, 11.0],
            motifs: vec![
                MotifBonus { motif: "TAT".into(), bonus: 10.0 },
                MotifBonus { motif: "GCG".into(), bonus: -10.0 },
            ],
            position: PositionEffect::Uniform,
        }
    }
}

impl ScoringRule {
    /// The rule's motifs that occur more than once in `seq` (overlapping occurrences count),
    /// with their counts, e.g. `[("TAT", 2)]`. The rule counts each motif once per sequence
    /// ([`MotifBonus`]), which is where seed 002's CNN errs most (Part 6: "sequences with
    /// multiple instances of a motif").
    pub fn repeated_motifs(&self, seq: &str) -> Vec<(String, usize)> {
        self.motifs
            .iter()
            .filter_map(|m| {
                let n = (0..=seq.len().saturating_sub(m.motif.len())).filter(|&i| seq[i..].starts_with(m.motif.as_str())).count();
                (n >= 2).then(|| (m.motif.clone(), n))
            })
            .collect()
    }

    /// The seed's rule with the default position-dependent curve (seed 002, Question 1).
    pub fn position_dependent() -> Self {
        ScoringRule { position: PositionEffect::DEFAULT_DECAY, ..Self::default() }
    }

    /// Check that every value is finite and at most [`MAX_MAGNITUDE`] in size, that the rule
    /// has at most [`MAX_MOTIFS`] motifs, and that every motif is a non-empty A/C/G/T string.
    ///
    /// # Errors
    /// [`Error::NotFinite`], [`Error::TooMany`] or [`Error::InvalidMotif`].
    pub fn validate(&self) -> Result<()> {
        let bounded = |v: f32| v.is_finite() && v.abs() <= MAX_MAGNITUDE;
        for (v, name) in self.base_values.iter().zip(["value of A", "value of C", "value of G", "value of T"]) {
            if !bounded(*v) {
                return Err(Error::NotFinite { name, value: *v as f64 });
            }
        }
        if self.motifs.len() > MAX_MOTIFS {
            return Err(Error::TooMany { what: "motifs in a rule", count: self.motifs.len(), max: MAX_MOTIFS });
        }
        for (index, m) in self.motifs.iter().enumerate() {
            if m.motif.is_empty() {
                return Err(Error::InvalidMotif { index, motif: m.motif.clone(), reason: "it is empty".into() });
            }
            if let Some((position, c)) = m.motif.chars().enumerate().find(|(_, c)| !matches!(c, 'A' | 'C' | 'G' | 'T')) {
                return Err(Error::InvalidMotif {
                    index,
                    motif: m.motif.clone(),
                    reason: format!("character '{c}' at position {position} is not one of A, C, G, T (uppercase)"),
                });
            }
            if !bounded(m.bonus) {
                return Err(Error::NotFinite { name: "motif bonus", value: m.bonus as f64 });
            }
        }
        if let PositionEffect::LinearDecay { first, last } = self.position {
            if !bounded(first) || !bounded(last) {
                return Err(Error::NotFinite { name: "position multiplier", value: if bounded(first) { last } else { first } as f64 });
            }
        }
        Ok(())
    }

    /// Score one sequence (case-insensitive; N is not allowed because it has no value).
    ///
    /// Mean of base values plus each motif's bonus (times its position weight) if it occurs.
    /// `CCCCCTAT` scores 25.875 under the default rule (seed 002, Part 1).
    ///
    /// # Errors
    /// [`Error::EmptySequence`] or [`Error::InvalidBase`] (with `index` 0).
    pub fn score(&self, seq: &str) -> Result<f32> {
        let upper: String = seq.to_ascii_uppercase();
        if upper.is_empty() {
            return Err(Error::EmptySequence { index: 0 });
        }
        let mut sum = 0.0f32;
        for (position, c) in upper.chars().enumerate() {
            match base_index(c, position)? {
                Some(i) => sum += self.base_values[i],
                None => return Err(Error::InvalidBase { character: c, position, index: 0 }),
            }
        }
        let len = upper.len();
        let mut score = sum / len as f32;
        for m in &self.motifs {
            if m.motif.len() > len {
                continue;
            }
            if let Some(start) = upper.find(m.motif.as_str()) {
                score += m.bonus * self.position.weight(start, len - m.motif.len());
            }
        }
        Ok(score)
    }

    /// Score many sequences.
    ///
    /// # Errors
    /// As [`ScoringRule::score`], with the failing sequence's index.
    pub fn score_all<S: AsRef<str>>(&self, seqs: &[S]) -> Result<Vec<f32>> {
        seqs.iter()
            .enumerate()
            .map(|(index, s)| {
                self.score(s.as_ref()).map_err(|e| match e {
                    Error::InvalidBase { character, position, .. } => Error::InvalidBase { character, position, index },
                    Error::EmptySequence { .. } => Error::EmptySequence { index },
                    other => other,
                })
            })
            .collect()
    }
}

/// All 4^k k-mers in lexicographic order (`AAA…A` first, `TTT…T` last), as `itertools.product`
/// enumerates them in seed 002, Part 1.
///
/// # Errors
/// [`Error::KOutOfRange`] unless `MIN_K <= k <= MAX_K`.
pub fn kmers(k: usize) -> Result<Vec<String>> {
    if !(MIN_K..=MAX_K).contains(&k) {
        return Err(Error::KOutOfRange { k, min: MIN_K, max: MAX_K });
    }
    let n = 1usize << (2 * k);
    Ok((0..n)
        .map(|mut i| {
            let mut s = vec![b'A'; k];
            for j in (0..k).rev() {
                s[j] = ALPHABET[i & 3] as u8;
                i >>= 2;
            }
            String::from_utf8(s).expect("k-mer bytes should be ASCII")
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_motifs_count_overlapping_occurrences() {
        let rule = ScoringRule::default();
        assert_eq!(rule.repeated_motifs("TATATAAA"), vec![("TAT".to_string(), 2)]);
        assert_eq!(rule.repeated_motifs("GCGCGTAT"), vec![("GCG".to_string(), 2)]);
        assert!(rule.repeated_motifs("TATAGCGA").is_empty());
        // Seed 002's rule gives TATATAAA one bonus: 3 × 20 + 0 + ... as for one TAT.
        assert_eq!(rule.score("TATATAAA").unwrap(), rule.score("TATAAAAA").unwrap() - 20.0 / 8.0 + 11.0 / 8.0);
    }

    #[test]
    fn seed_values() {
        // Seed 002, Part 1 (the table under `mer8.head()` and the spot check).
        let rule = ScoringRule::default();
        assert_eq!(rule.score("AAAAAAAA").unwrap(), 20.0);
        assert_eq!(rule.score("AAAAAAAC").unwrap(), 19.625);
        assert_eq!(rule.score("ACAAAAAA").unwrap(), 19.625);
        assert_eq!(rule.score("CCCCCTAT").unwrap(), 25.875);
        assert_eq!(rule.score("TGCGTTTT").unwrap(), 2.5);
        // Seed 002, Part 5 spot-check table ("actual" column).
        assert_eq!(rule.score("TATAAAAA").unwrap(), 27.75);
        assert_eq!(rule.score("ATATGCGA").unwrap(), 15.875);
        assert_eq!(rule.score("TGCGTATT").unwrap(), 13.625);
        assert_eq!(rule.score("cccccTAT").unwrap(), 25.875, "lowercase is read as uppercase");
    }

    #[test]
    fn motif_counts_once() {
        let rule = ScoringRule::default();
        // TATAT holds TAT twice; the bonus is added once: mean(T,A,T,A,T,T,T,T)+10.
        let mean = (11.0 * 6.0 + 20.0 * 2.0) / 8.0;
        assert_eq!(rule.score("TATATTTT").unwrap(), mean + 10.0);
    }

    #[test]
    fn kmers_enumerate_in_product_order() {
        let k8 = kmers(8).unwrap();
        assert_eq!(k8.len(), 65_536);
        assert_eq!(&k8[..4], ["AAAAAAAA", "AAAAAAAC", "AAAAAAAG", "AAAAAAAT"]);
        // Seed 002: CCCCCTAT is row 21875, TGCGTTTT row 59135.
        assert_eq!(k8[21_875], "CCCCCTAT");
        assert_eq!(k8[59_135], "TGCGTTTT");
        assert_eq!(kmers(3).unwrap().len(), 64);
        assert_eq!(kmers(2).unwrap_err(), Error::KOutOfRange { k: 2, min: 3, max: 10 });
        assert_eq!(kmers(11).unwrap_err().to_string(), "k = 11 is out of range; k must be between 3 and 10");
    }

    #[test]
    fn three_groups_with_default_rule() {
        let seqs = kmers(8).unwrap();
        let scores = ScoringRule::default().score_all(&seqs).unwrap();
        // Scores without a motif lie in [11, 20]; TAT lifts to ≥ 21, GCG drops to ≤ 7.
        let low = scores.iter().filter(|&&s| s < 9.0).count();
        let high = scores.iter().filter(|&&s| s > 21.0).count();
        assert!(low > 3000 && high > 3000, "low {low}, high {high}");
    }

    #[test]
    fn position_dependent_bonus_falls_along_the_sequence() {
        let rule = ScoringRule::position_dependent();
        let at_start = rule.score("TATAAAAA").unwrap();
        let at_end = rule.score("AAAAATAT").unwrap();
        let base = (11.0 * 2.0 + 20.0 * 6.0) / 8.0;
        assert_eq!(at_start, base + 15.0);
        assert_eq!(at_end, base + 5.0);
        // TAT at position 2 of last start 5: weight 1.5 - 2/5 = 1.1.
        let mid = rule.score("AATATAAA").unwrap();
        assert!((mid - (base + 11.0)).abs() < 1e-5);
    }

    #[test]
    fn rule_validation_names_the_fault() {
        let mut rule = ScoringRule::default();
        rule.motifs.push(MotifBonus { motif: "TAX".into(), bonus: 1.0 });
        let msg = rule.validate().unwrap_err().to_string();
        assert_eq!(msg, "motif 2 ('TAX') is invalid: character 'X' at position 2 is not one of A, C, G, T (uppercase)");
        assert!(ScoringRule::default().validate().is_ok());
    }

    #[test]
    fn score_errors_name_the_sequence() {
        let err = ScoringRule::default().score_all(&["AAAA", "AAZA"]).unwrap_err();
        assert_eq!(err, Error::InvalidBase { character: 'Z', position: 2, index: 1 });
        assert!(ScoringRule::default().score("AANA").is_err(), "N has no value");
    }
}
