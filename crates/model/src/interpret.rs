//! What the first-layer filters learned: count matrices from activation-based alignment,
//! information content and sequence-logo letter heights.
//!
//! Numbers only; the glyphs are drawn by the plots crate.

use serde::{Deserialize, Serialize};

use crate::sequence::OneHot;

/// Uniform background probability of each base.
pub const BACKGROUND: f32 = 0.25;

/// logomaker's default pseudocount for `transform_matrix(from_type='counts', ...)`: 1 count
/// added to every base at every position before normalising.
pub const LOGOMAKER_PSEUDOCOUNT: f32 = 1.0;

/// Position frequency matrix: counts of A, C, G, T at each position (one `[f32; 4]` per position).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pfm {
    /// `counts[position][base]`, bases in A, C, G, T order.
    pub counts: Vec<[f32; 4]>,
}

/// Position probability matrix: probabilities of A, C, G, T at each position; rows sum to 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ppm {
    /// `probs[position][base]`, bases in A, C, G, T order.
    pub probs: Vec<[f32; 4]>,
}

impl Pfm {
    /// An all-zero matrix of `width` positions.
    pub fn zeros(width: usize) -> Self {
        Pfm { counts: vec![[0.0; 4]; width] }
    }

    /// Number of positions.
    pub fn width(&self) -> usize {
        self.counts.len()
    }

    /// Number of aligned sites: the counts of the first position (all positions hold the same
    /// number when the matrix came from whole windows without N).
    pub fn num_sites(&self) -> f32 {
        self.counts.first().map(|c| c.iter().sum()).unwrap_or(0.0)
    }

    /// Normalise to probabilities after adding `pseudocount` to every cell (logomaker's
    /// counts → probability step). A position with no counts and no pseudocount becomes uniform.
    pub fn to_ppm(&self, pseudocount: f32) -> Ppm {
        let probs = self
            .counts
            .iter()
            .map(|col| {
                let shifted = col.map(|c| c + pseudocount);
                let total: f32 = shifted.iter().sum();
                if total > 0.0 { shifted.map(|c| c / total) } else { [BACKGROUND; 4] }
            })
            .collect();
        Ppm { probs }
    }
}

/// Information content of one probability column against a uniform background, in bits
/// (0 to 2): `Σ p · log2(p / 0.25)`, with `0 · log 0 = 0` (logomaker's probability →
/// information transform).
pub fn information_content(column: [f32; 4]) -> f32 {
    column.iter().filter(|&&p| p > 0.0).map(|&p| p * (p / BACKGROUND).log2()).sum()
}

impl Ppm {
    /// Information content of each position, in bits (0 to 2).
    pub fn information_content(&self) -> Vec<f32> {
        self.probs.iter().map(|&c| information_content(c)).collect()
    }

    /// Sequence-logo letter heights in bits: `p(base) × IC(position)` (logomaker's
    /// `to_type='information'`). `heights[position][base]`, bases in A, C, G, T order.
    pub fn letter_heights(&self) -> Vec<[f32; 4]> {
        self.probs.iter().map(|&c| {
            let ic = information_content(c);
            c.map(|p| p * ic)
        }).collect()
    }

    /// The most probable base at each position (a consensus string).
    pub fn consensus(&self) -> String {
        self.probs
            .iter()
            .map(|c| {
                let best = (0..4).fold(0, |b, i| if c[i] > c[b] { i } else { b });
                crate::sequence::ALPHABET[best]
            })
            .collect()
    }

    /// The informative core: from the first to the last position carrying at least `min_bits`
    /// of information, for drawing a filter's logo trimmed (issue 4; the threshold is ours,
    /// [`TRIM_BITS`] by default). The whole matrix when no position reaches it.
    pub fn informative_core(&self, min_bits: f32) -> std::ops::Range<usize> {
        let ic = self.information_content();
        match (ic.iter().position(|&b| b >= min_bits), ic.iter().rposition(|&b| b >= min_bits)) {
            (Some(first), Some(last)) => first..last + 1,
            _ => 0..self.probs.len(),
        }
    }
}

/// Default threshold of [`Ppm::informative_core`]: 0.2 bits, a tenth of a fully specified
/// base; flanks below it read as background in a logo.
pub const TRIM_BITS: f32 = 0.2;

/// A filter's logo as numbers, ready to draw (`dnaplay_plots::Logo` converts from it): the one
/// conversion from a count matrix to a logo, used by every lesson and the CLI. Letter heights
/// are logomaker's counts → information transform with its pseudocount of 1
/// ([`LOGOMAKER_PSEUDOCOUNT`]), in bits.
#[derive(Debug, Clone, PartialEq)]
pub struct FilterLogo {
    /// "Filter 3".
    pub title: String,
    /// The match ("MAX (rc) · p = 0.005", "no match"), or the consensus and sites
    /// ("TAT · 412 sites"), or "no sites".
    pub subtitle: String,
    /// Letter heights in bits, `[position][A, C, G, T]`.
    pub heights: Vec<[f32; 4]>,
    /// 0-based position of the first column (non-zero when trimmed).
    pub start: usize,
}

/// The logos of first-layer filters from their count matrices `pfms`. With `matches` (one per
/// filter, seed 003's matching), each is captioned with its significant match and trimmed to
/// its informative core ([`TRIM_BITS`]); without, with its consensus and number of sites, whole.
pub fn filter_logos(pfms: &[Pfm], matches: Option<&[Option<crate::matching::FilterMatch>]>) -> Vec<FilterLogo> {
    pfms.iter()
        .enumerate()
        .map(|(i, pfm)| {
            let ppm = pfm.to_ppm(LOGOMAKER_PSEUDOCOUNT);
            let sites = pfm.num_sites().round() as u64;
            let subtitle = match matches.map(|m| m.get(i).and_then(Option::as_ref)) {
                _ if sites == 0 => "no sites".to_string(),
                Some(Some(m)) if m.significant => format!("{}{} · p = {:.3}", m.name, if m.reverse { " (rc)" } else { "" }, m.p_value),
                Some(_) => "no match".to_string(),
                None => format!("{} · {sites} sites", ppm.consensus()),
            };
            let core = if matches.is_some() { ppm.informative_core(TRIM_BITS) } else { 0..pfm.width() };
            FilterLogo { title: format!("Filter {i}"), subtitle, heights: ppm.letter_heights()[core.clone()].to_vec(), start: core.start }
        })
        .collect()
}

/// How windows are chosen for a filter's count matrix.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum AlignmentRule {
    /// Seed 002, Part 7 (`get_filter_activations`): every window whose raw convolution output
    /// (before the activation) exceeds the threshold. The seed uses 0 and 1.
    Threshold(f32),
    /// Seed 003, Methods ("filter visualization"): every window whose activation (after the
    /// activation function) exceeds this fraction of the filter's maximum over all sequences
    /// and positions. The paper uses 0.5. A filter whose maximum is ≤ 0 selects no windows.
    FractionOfMax(f32),
}

/// First-layer filter responses for a batch of sequences, read back to the host.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FilterMaps {
    /// Raw convolution output, `[batch, num_filters, positions]` flat.
    pub pre: Vec<f32>,
    /// After the activation, same shape.
    pub post: Vec<f32>,
    /// Number of sequences.
    pub batch: usize,
    /// Number of filters.
    pub num_filters: usize,
    /// Positions per sequence: `length − width + 1`.
    pub positions: usize,
}

impl FilterMaps {
    /// Largest activation (after the activation function) of each filter, over all sequences
    /// and positions.
    pub fn max_per_filter(&self) -> Vec<f32> {
        let mut max = vec![f32::NEG_INFINITY; self.num_filters];
        for b in 0..self.batch {
            for (f, m) in max.iter_mut().enumerate() {
                let start = (b * self.num_filters + f) * self.positions;
                for &v in &self.post[start..start + self.positions] {
                    *m = m.max(v);
                }
            }
        }
        max
    }

    /// One count matrix per filter: the one-hot windows (width `width`) at every position the
    /// rule selects, summed. `seqs` must be the sequences these maps came from.
    pub fn align(&self, seqs: &OneHot, width: usize, rule: AlignmentRule) -> Vec<Pfm> {
        assert_eq!(seqs.batch, self.batch, "maps and sequences should have the same batch");
        assert_eq!(seqs.length + 1 - width, self.positions, "positions should be length − width + 1");
        let (values, threshold): (&[f32], Vec<f32>) = match rule {
            AlignmentRule::Threshold(t) => (&self.pre, vec![t; self.num_filters]),
            AlignmentRule::FractionOfMax(f) => (
                &self.post,
                self.max_per_filter().into_iter().map(|m| if m > 0.0 { m * f } else { f32::INFINITY }).collect(),
            ),
        };
        let len = seqs.length;
        let mut pfms = vec![Pfm::zeros(width); self.num_filters];
        for b in 0..self.batch {
            let seq = seqs.sequence(b);
            for (f, pfm) in pfms.iter_mut().enumerate() {
                let start = (b * self.num_filters + f) * self.positions;
                for (pos, &v) in values[start..start + self.positions].iter().enumerate() {
                    if v > threshold[f] {
                        for (j, col) in pfm.counts.iter_mut().enumerate() {
                            for (base, c) in col.iter_mut().enumerate() {
                                *c += seq[base * len + pos + j];
                            }
                        }
                    }
                }
            }
        }
        pfms
    }
}

/// First-layer weights of a CNN, read back to the host.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FilterWeights {
    /// `[num_filters, 4, width]` flat.
    pub values: Vec<f32>,
    /// Number of filters.
    pub num_filters: usize,
    /// Filter width in bases.
    pub width: usize,
}

impl FilterWeights {
    /// Weights of filter `f` as `[4, width]` flat (row = base A, C, G, T).
    pub fn filter(&self, f: usize) -> &[f32] {
        let n = 4 * self.width;
        &self.values[f * n..(f + 1) * n]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sequence::one_hot;

    #[test]
    fn information_content_bounds() {
        assert_eq!(information_content([0.25; 4]), 0.0, "uniform column is 0 bits");
        assert_eq!(information_content([1.0, 0.0, 0.0, 0.0]), 2.0, "one-hot column is 2 bits");
        assert!((information_content([0.5, 0.5, 0.0, 0.0]) - 1.0).abs() < 1e-6);
    }

    #[test]
    fn logomaker_pseudocount() {
        // logomaker.transform_matrix(counts=[[9,0,0,0]], from 'counts' to 'information'):
        // p = [10, 1, 1, 1] / 13; IC = Σ p log2(4p) = 0.85489 bits; heights = p · IC.
        let pfm = Pfm { counts: vec![[9.0, 0.0, 0.0, 0.0]] };
        let ppm = pfm.to_ppm(LOGOMAKER_PSEUDOCOUNT);
        let p = [10.0f32 / 13.0, 1.0 / 13.0, 1.0 / 13.0, 1.0 / 13.0];
        let ic: f32 = p.iter().map(|&x| x * (4.0 * x).log2()).sum();
        assert!((ppm.information_content()[0] - ic).abs() < 1e-6);
        assert!((ic - 0.854_89).abs() < 1e-4);
        let h = ppm.letter_heights()[0];
        assert!((h[0] - p[0] * ic).abs() < 1e-6);
        // No counts at all: uniform, 0 bits, as logomaker gives for an empty filter.
        assert_eq!(Pfm::zeros(3).to_ppm(1.0).information_content(), vec![0.0; 3]);
        assert_eq!(Pfm::zeros(1).to_ppm(0.0).probs[0], [0.25; 4]);
    }

    #[test]
    fn trimming_keeps_the_informative_core() {
        let u = [0.25f32; 4];
        let t = [0.0, 0.0, 0.0, 1.0];
        let a = [0.97, 0.01, 0.01, 0.01];
        let ppm = Ppm { probs: vec![u, u, t, u, a, u] };
        assert_eq!(ppm.informative_core(TRIM_BITS), 2..5, "T . A, with the uniform middle kept");
        assert_eq!(Ppm { probs: vec![u, u] }.informative_core(TRIM_BITS), 0..2, "nothing informative: all of it");
    }

    #[test]
    fn alignment_collects_windows_by_rule() {
        let seqs = one_hot(&["TATAA", "GCGCC"]).unwrap();
        // One filter, width 3, 3 positions: strong only at position 0 of sequence 0.
        let pre = vec![2.0, 0.5, -1.0, 0.2, -3.0, -3.0];
        let maps = FilterMaps { post: pre.iter().map(|&x: &f32| x.max(0.0)).collect(), pre, batch: 2, num_filters: 1, positions: 3 };
        let t1 = maps.align(&seqs, 3, AlignmentRule::Threshold(1.0));
        assert_eq!(t1[0].to_ppm(0.0).consensus(), "TAT");
        assert_eq!(t1[0].num_sites(), 1.0);
        let t0 = maps.align(&seqs, 3, AlignmentRule::Threshold(0.0));
        assert_eq!(t0[0].num_sites(), 3.0, "windows 0 and 1 of seq 0, window 0 of seq 1");
        let half = maps.align(&seqs, 3, AlignmentRule::FractionOfMax(0.5));
        assert_eq!(half[0].num_sites(), 1.0, "only activations above 1.0 = 50% of 2.0");
        assert_eq!(half[0].counts[1], [1.0, 0.0, 0.0, 0.0]);
    }
}
