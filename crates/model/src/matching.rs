//! Match first-layer filters to known motifs: the "fraction of filters that match a ground-truth
//! motif" of seed 003 (Koo and Ploenzke 2021, Fig. 1c and Methods, which used Tomtom).
//!
//! The method, a simplified Tomtom (Gupta et al., Genome Biology 8, R24, 2007):
//! - A filter's logo (a [`Ppm`]) is aligned against each target motif and its reverse
//!   complement at every offset where at least `min_overlap` columns overlap.
//! - Each overlapping pair of columns is scored by [`ColumnSimilarity`]: the Pearson correlation
//!   of the two 4-vectors (Tomtom's PCC), or minus their Euclidean distance (Tomtom's ED). The
//!   alignment score is the sum over the overlap; the best over offsets and strands is the
//!   target's score.
//! - Significance is empirical: the filter is also aligned against column-shuffled copies of
//!   every target (same columns, random order, so the same composition and information), and
//!   the p-value is the share of those null scores (best over all targets, per shuffle round)
//!   at least as high as the observed best: `(1 + #null ≥ observed) / (1 + rounds)`.
//!
//! Differences from Tomtom: Tomtom computes exact p-values per offset from the score
//! distribution of the query's columns against all target columns, and corrects for multiple
//! targets with q-values; here the null comes from shuffling, and taking the best over all
//! targets in each round already corrects for the number of targets.

use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;
use rand::seq::SliceRandom;

use crate::interpret::Ppm;
use crate::motifs::Motif;

/// How two columns (probabilities of A, C, G, T) are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnSimilarity {
    /// Pearson correlation, −1 to 1; 0 when either column is uniform.
    Pearson,
    /// Minus the Euclidean distance, −√2 to 0.
    Euclidean,
}

impl ColumnSimilarity {
    /// Similarity of two columns.
    pub fn score(self, a: &[f32; 4], b: &[f32; 4]) -> f64 {
        match self {
            ColumnSimilarity::Pearson => {
                let ma = a.iter().map(|&v| v as f64).sum::<f64>() / 4.0;
                let mb = b.iter().map(|&v| v as f64).sum::<f64>() / 4.0;
                let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
                for k in 0..4 {
                    let (da, db) = (a[k] as f64 - ma, b[k] as f64 - mb);
                    sab += da * db;
                    saa += da * da;
                    sbb += db * db;
                }
                if saa <= 1e-12 || sbb <= 1e-12 { 0.0 } else { sab / (saa * sbb).sqrt() }
            }
            ColumnSimilarity::Euclidean => -(0..4).map(|k| (a[k] as f64 - b[k] as f64).powi(2)).sum::<f64>().sqrt(),
        }
    }
}

/// Settings of [`match_filters`].
#[derive(Debug, Clone, PartialEq)]
pub struct MatchConfig {
    /// Column similarity.
    pub similarity: ColumnSimilarity,
    /// Fewest overlapping columns an alignment may have.
    pub min_overlap: usize,
    /// Rounds of column shuffling for the null.
    pub null_rounds: usize,
    /// A filter matches when its p-value is at most this.
    pub p_threshold: f64,
    /// Seed of the shuffles.
    pub seed: u64,
}

impl Default for MatchConfig {
    fn default() -> Self {
        MatchConfig { similarity: ColumnSimilarity::Pearson, min_overlap: 5, null_rounds: 200, p_threshold: 0.01, seed: 17 }
    }
}

/// Where and how well a query aligns to a target.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Alignment {
    /// Summed column similarity.
    pub score: f64,
    /// Target column aligned to the query's first column (negative: the query starts before).
    pub offset: isize,
    /// Overlapping columns.
    pub overlap: usize,
}

/// Best alignment of `query` to `target` over all offsets with at least `min_overlap` columns
/// (fewer when a matrix is shorter than that); `None` when either is empty.
pub fn best_alignment(query: &[[f32; 4]], target: &[[f32; 4]], similarity: ColumnSimilarity, min_overlap: usize) -> Option<Alignment> {
    let (q, t) = (query.len() as isize, target.len() as isize);
    if q == 0 || t == 0 {
        return None;
    }
    let need = min_overlap.min(query.len()).min(target.len()).max(1) as isize;
    let mut best: Option<Alignment> = None;
    for offset in (need - q)..=(t - need) {
        let (mut score, mut overlap) = (0.0, 0);
        for i in 0..q {
            let j = offset + i;
            if (0..t).contains(&j) {
                score += similarity.score(&query[i as usize], &target[j as usize]);
                overlap += 1;
            }
        }
        if best.is_none_or(|b| score > b.score) {
            best = Some(Alignment { score, offset, overlap });
        }
    }
    best
}

/// A filter's best match.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FilterMatch {
    /// Index of the target in the list given.
    pub target: usize,
    /// Target ID, e.g. `MA0466.2`.
    pub id: String,
    /// Target name, e.g. `CEBPB`.
    pub name: String,
    /// True when the filter matches the reverse complement.
    pub reverse: bool,
    /// The alignment.
    pub alignment: Alignment,
    /// Empirical p-value (see the module docs).
    pub p_value: f64,
    /// `p_value ≤ p_threshold`.
    pub significant: bool,
}

fn best_over(query: &[[f32; 4]], targets: &[(usize, bool, Vec<[f32; 4]>)], config: &MatchConfig) -> Option<(usize, bool, Alignment)> {
    targets
        .iter()
        .filter_map(|(i, rev, cols)| best_alignment(query, cols, config.similarity, config.min_overlap).map(|a| (*i, *rev, a)))
        .max_by(|a, b| a.2.score.total_cmp(&b.2.score))
}

/// Match every filter to `targets` (both strands). Returns one entry per filter: its best
/// match with a p-value, or `None` when the filter or every target is empty.
pub fn match_filters(filters: &[Ppm], targets: &[Motif], config: &MatchConfig) -> Vec<Option<FilterMatch>> {
    let strands: Vec<(usize, bool, Vec<[f32; 4]>)> = targets
        .iter()
        .enumerate()
        .flat_map(|(i, m)| [(i, false, m.pfm.to_ppm(0.0).probs), (i, true, m.reverse_complement().pfm.to_ppm(0.0).probs)])
        .collect();
    // The null: rounds of every target with its columns shuffled (both strands of a shuffle).
    let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
    let null_rounds: Vec<Vec<(usize, bool, Vec<[f32; 4]>)>> = (0..config.null_rounds)
        .map(|_| {
            targets
                .iter()
                .enumerate()
                .flat_map(|(i, m)| {
                    let mut cols = m.pfm.to_ppm(0.0).probs;
                    cols.shuffle(&mut rng);
                    let rc: Vec<[f32; 4]> = cols.iter().rev().map(|c| [c[3], c[2], c[1], c[0]]).collect();
                    [(i, false, cols), (i, true, rc)]
                })
                .collect()
        })
        .collect();
    filters
        .iter()
        .map(|f| {
            let (target, reverse, alignment) = best_over(&f.probs, &strands, config)?;
            let higher = null_rounds.iter().filter(|round| best_over(&f.probs, round, config).is_some_and(|(_, _, a)| a.score >= alignment.score)).count();
            let p_value = (1 + higher) as f64 / (1 + config.null_rounds) as f64;
            Some(FilterMatch {
                target,
                id: targets[target].id.clone(),
                name: targets[target].name.clone(),
                reverse,
                alignment,
                p_value,
                significant: p_value <= config.p_threshold,
            })
        })
        .collect()
}

/// Number of filters with a significant match.
pub fn significant_matches(matches: &[Option<FilterMatch>]) -> usize {
    matches.iter().filter(|m| m.as_ref().is_some_and(|m| m.significant)).count()
}

/// Share of filters with a significant match (seed 003's "match fraction"); 0 for no filters.
pub fn match_fraction(matches: &[Option<FilterMatch>]) -> f64 {
    if matches.is_empty() {
        return 0.0;
    }
    significant_matches(matches) as f64 / matches.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::motifs::parse_jaspar;
    use crate::synthetic::CORE_MOTIF_IDS;

    const JASPAR_2016: &str = include_str!("../../../assets/motifs/JASPAR2016_CORE_vertebrates_non-redundant.jaspar");

    fn core() -> Vec<Motif> {
        let all = parse_jaspar(JASPAR_2016).unwrap();
        CORE_MOTIF_IDS.iter().map(|id| all.iter().find(|m| m.id == *id).unwrap().clone()).collect()
    }

    #[test]
    fn column_similarities() {
        let a = [1.0, 0.0, 0.0, 0.0];
        assert!((ColumnSimilarity::Pearson.score(&a, &a) - 1.0).abs() < 1e-12);
        assert!((ColumnSimilarity::Pearson.score(&a, &[0.0, 1.0, 0.0, 0.0]) + 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(ColumnSimilarity::Pearson.score(&a, &[0.25; 4]), 0.0, "uniform column");
        assert_eq!(ColumnSimilarity::Euclidean.score(&a, &a), 0.0);
        assert!((ColumnSimilarity::Euclidean.score(&a, &[0.0, 1.0, 0.0, 0.0]) + 2f64.sqrt()).abs() < 1e-12);
    }

    #[test]
    fn a_motif_matches_itself_and_its_reverse_complement_at_offset_0() {
        let targets = core();
        for similarity in [ColumnSimilarity::Pearson, ColumnSimilarity::Euclidean] {
            // 100 rounds: the smallest p-value is 1/101, under the 0.01 threshold.
            let config = MatchConfig { similarity, null_rounds: 100, ..MatchConfig::default() };
            let queries: Vec<Ppm> = targets.iter().flat_map(|m| [m.pfm.to_ppm(0.0), m.reverse_complement().pfm.to_ppm(0.0)]).collect();
            let matches = match_filters(&queries, &targets, &config);
            for (k, m) in matches.iter().enumerate() {
                let m = m.as_ref().unwrap();
                assert_eq!(m.id, CORE_MOTIF_IDS[k / 2], "{similarity:?} query {k}");
                assert_eq!(m.reverse, k % 2 == 1, "{similarity:?} query {k}: strand");
                assert_eq!(m.alignment.offset, 0);
                assert_eq!(m.alignment.overlap, targets[k / 2].pfm.width());
                assert!(m.significant && m.p_value <= 1.0 / 101.0 + 1e-12, "p = {}", m.p_value);
            }
            assert_eq!(match_fraction(&matches), 1.0);
        }
    }

    #[test]
    fn a_part_of_a_motif_matches_at_its_offset() {
        let targets = core();
        let sp1 = targets[3].pfm.to_ppm(0.0);
        let part = Ppm { probs: sp1.probs[2..9].to_vec() };
        let m = match_filters(&[part], &targets, &MatchConfig { null_rounds: 100, ..MatchConfig::default() }).remove(0).unwrap();
        assert_eq!((m.name.as_str(), m.reverse, m.alignment.offset, m.alignment.overlap), ("SP1", false, 2, 7));
        assert!(m.significant);
    }

    #[test]
    fn shuffled_and_uniform_filters_do_not_match() {
        let targets = core();
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        // Each core motif's own columns in a random order: same composition, no motif.
        let shuffled: Vec<Ppm> = targets
            .iter()
            .map(|m| {
                let mut probs = m.pfm.to_ppm(0.0).probs;
                probs.shuffle(&mut rng);
                Ppm { probs }
            })
            .collect();
        let matches = match_filters(&shuffled, &targets, &MatchConfig { null_rounds: 100, ..MatchConfig::default() });
        assert!(matches.iter().all(|m| !m.as_ref().unwrap().significant), "{:?}", matches.iter().map(|m| m.as_ref().unwrap().p_value).collect::<Vec<_>>());
        let uniform = Ppm { probs: vec![[0.25; 4]; 12] };
        let m = match_filters(&[uniform], &targets, &MatchConfig { null_rounds: 20, ..MatchConfig::default() });
        assert!(!m[0].as_ref().unwrap().significant, "a filter that learned nothing matches nothing");
        assert_eq!(match_fraction(&m), 0.0);
    }
}
