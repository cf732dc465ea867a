//! DNA sequences as tensors: one-hot encoding, decoding, reverse complement.
//!
//! The alphabet order is A, C, G, T (seed 002, Part 2, `one_hot_encode`). Lowercase is read as
//! uppercase; N is an all-zero column (as in tangermeme's `one_hot_encode`).

use crate::error::{Error, Result};

/// The DNA alphabet in one-hot channel order.
pub const ALPHABET: [char; 4] = ['A', 'C', 'G', 'T'];

/// Channel of a base in [`ALPHABET`], or `None` for N.
///
/// # Errors
/// [`Error::InvalidBase`] for anything but A, C, G, T, N (either case), with `index` 0 and the
/// given `position`.
pub fn base_index(c: char, position: usize) -> Result<Option<usize>> {
    match c.to_ascii_uppercase() {
        'A' => Ok(Some(0)),
        'C' => Ok(Some(1)),
        'G' => Ok(Some(2)),
        'T' => Ok(Some(3)),
        'N' => Ok(None),
        _ => Err(Error::InvalidBase { character: c, position, index: 0 }),
    }
}

/// One-hot encoded sequences in burn's `Conv1d` layout, held on the host.
///
/// `values` is `[batch, 4, length]` in row-major order: `values[(b * 4 + channel) * length + i]`
/// is 1.0 when base `i` of sequence `b` is `ALPHABET[channel]`.
#[derive(Debug, Clone, PartialEq)]
pub struct OneHot {
    /// Flat `[batch, 4, length]` values, 0.0 or 1.0.
    pub values: Vec<f32>,
    /// Number of sequences.
    pub batch: usize,
    /// Bases per sequence.
    pub length: usize,
}

impl OneHot {
    /// The shape `[batch, 4, length]`.
    pub fn shape(&self) -> [usize; 3] {
        [self.batch, 4, self.length]
    }

    /// Values of sequence `b` as a `[4, length]` slice.
    pub fn sequence(&self, b: usize) -> &[f32] {
        let n = 4 * self.length;
        &self.values[b * n..(b + 1) * n]
    }

    /// Gather sequences by index into a new `[indices.len(), 4, length]` batch.
    pub fn gather(&self, indices: &[usize]) -> OneHot {
        let n = 4 * self.length;
        let mut values = Vec::with_capacity(indices.len() * n);
        for &i in indices {
            values.extend_from_slice(self.sequence(i));
        }
        OneHot { values, batch: indices.len(), length: self.length }
    }

    /// Each base's code, `[batch, length]` row-major: its channel (0 to 3 for A, C, G, T) or 4
    /// for N (an all-zero column), as [`crate::models::CnnModel::forward_codes`] reads them.
    /// `None` when a column is neither one 1.0 among 0.0s nor all zero (a soft input, such as
    /// a position probability matrix or an interpolation of integrated gradients).
    pub fn base_codes(&self) -> Option<Vec<u8>> {
        let l = self.length;
        let mut codes = Vec::with_capacity(self.batch * l);
        for b in 0..self.batch {
            let s = self.sequence(b);
            for i in 0..l {
                let mut code = 4u8;
                for c in 0..4u8 {
                    let v = s[usize::from(c) * l + i];
                    if v == 1.0 && code == 4 {
                        code = c;
                    } else if v != 0.0 {
                        return None;
                    }
                }
                codes.push(code);
            }
        }
        Some(codes)
    }

    /// One-hot sequences from their base codes ([`OneHot::base_codes`]): `[batch, length]`
    /// row-major, 0 to 3 for A, C, G, T, anything else an N (an all-zero column).
    pub fn from_codes(codes: &[u8], length: usize) -> OneHot {
        let batch = codes.len() / length.max(1);
        let mut values = vec![0.0; batch * 4 * length];
        for (k, &code) in codes.iter().enumerate().take(batch * length) {
            if code < 4 {
                let (b, i) = (k / length, k % length);
                values[(b * 4 + usize::from(code)) * length + i] = 1.0;
            }
        }
        OneHot { values, batch, length }
    }

    /// Decode back to strings: the base whose channel is largest, N for an all-zero column.
    pub fn decode(&self) -> Vec<String> {
        (0..self.batch)
            .map(|b| {
                let s = self.sequence(b);
                (0..self.length)
                    .map(|i| {
                        let col = [s[i], s[self.length + i], s[2 * self.length + i], s[3 * self.length + i]];
                        let (best, value) = col
                            .iter()
                            .enumerate()
                            .fold((0, 0.0f32), |acc, (c, &v)| if v > acc.1 { (c, v) } else { acc });
                        if value > 0.0 { ALPHABET[best] } else { 'N' }
                    })
                    .collect()
            })
            .collect()
    }
}

/// One-hot encode equal-length sequences.
///
/// Returns `[batch, 4, length]` values (see [`OneHot`]).
///
/// # Errors
/// - [`Error::EmptySequences`] for an empty list;
/// - [`Error::EmptySequence`] for a sequence with no bases;
/// - [`Error::UnequalLengths`] when a sequence's length differs from sequence 0's;
/// - [`Error::InvalidBase`] for a character other than A, C, G, T, N (either case), naming the
///   character, its position and the sequence's index.
pub fn one_hot<S: AsRef<str>>(seqs: &[S]) -> Result<OneHot> {
    let first = seqs.first().ok_or(Error::EmptySequences)?.as_ref();
    let length = first.chars().count();
    let mut values = vec![0.0f32; seqs.len() * 4 * length];
    for (index, seq) in seqs.iter().enumerate() {
        let seq = seq.as_ref();
        let found = seq.chars().count();
        if found == 0 {
            return Err(Error::EmptySequence { index });
        }
        if found != length {
            return Err(Error::UnequalLengths { index, expected: length, found });
        }
        let base = index * 4 * length;
        for (position, c) in seq.chars().enumerate() {
            match base_index(c, position).map_err(|_| Error::InvalidBase { character: c, position, index })? {
                Some(channel) => values[base + channel * length + position] = 1.0,
                None => {}
            }
        }
    }
    Ok(OneHot { values, batch: seqs.len(), length })
}

/// Check one sequence, returning it in uppercase.
///
/// # Errors
/// [`Error::EmptySequence`] or [`Error::InvalidBase`] (with `index` 0).
pub fn normalize(seq: &str) -> Result<String> {
    if seq.is_empty() {
        return Err(Error::EmptySequence { index: 0 });
    }
    seq.chars()
        .enumerate()
        .map(|(position, c)| base_index(c, position).map(|_| c.to_ascii_uppercase()))
        .collect()
}

/// Reverse complement of an uppercase or lowercase sequence (N stays N; case is kept).
///
/// # Errors
/// [`Error::InvalidBase`] (with `index` 0) for a character other than A, C, G, T, N.
pub fn reverse_complement(seq: &str) -> Result<String> {
    let n = seq.chars().count();
    seq.chars()
        .rev()
        .enumerate()
        .map(|(i, c)| {
            let comp = match c {
                'A' => 'T',
                'C' => 'G',
                'G' => 'C',
                'T' => 'A',
                'N' => 'N',
                'a' => 't',
                'c' => 'g',
                'g' => 'c',
                't' => 'a',
                'n' => 'n',
                _ => return Err(Error::InvalidBase { character: c, position: n - 1 - i, index: 0 }),
            };
            Ok(comp)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_hot_matches_seed_002_example() {
        // Seed 002, Part 2: AGGTACCT → rows A, G, G, T, A, C, C, T.
        let oh = one_hot(&["AGGTACCT"]).unwrap();
        assert_eq!(oh.shape(), [1, 4, 8]);
        let expected_channels = [0, 2, 2, 3, 0, 1, 1, 3];
        for (i, &c) in expected_channels.iter().enumerate() {
            for channel in 0..4 {
                let want = if channel == c { 1.0 } else { 0.0 };
                assert_eq!(oh.values[channel * 8 + i], want, "position {i} channel {channel}");
            }
        }
    }

    #[test]
    fn columns_sum_to_one_and_n_is_zero() {
        let oh = one_hot(&["ACGTN", "acgtn"]).unwrap();
        for b in 0..2 {
            let s = oh.sequence(b);
            for i in 0..5 {
                let sum: f32 = (0..4).map(|c| s[c * 5 + i]).sum();
                assert_eq!(sum, if i == 4 { 0.0 } else { 1.0 });
            }
        }
        assert_eq!(oh.sequence(0), oh.sequence(1), "lowercase reads as uppercase");
    }

    #[test]
    fn round_trip() {
        let seqs = ["AAAAAAAA", "CCCCCTAT", "TGCGTTTT", "ACGTNNAC"];
        let oh = one_hot(&seqs).unwrap();
        assert_eq!(oh.decode(), seqs);
        let lower = one_hot(&["acgtnnac"]).unwrap();
        assert_eq!(lower.decode(), vec!["ACGTNNAC"]);
    }

    #[test]
    fn invalid_base_names_character_position_and_sequence() {
        let err = one_hot(&["ACGT", "ACXT"]).unwrap_err();
        assert_eq!(err, Error::InvalidBase { character: 'X', position: 2, index: 1 });
        assert_eq!(
            err.to_string(),
            "invalid base 'X' at position 2 of sequence 1; expected A, C, G, T or N"
        );
    }

    #[test]
    fn empty_and_unequal_inputs_are_refused() {
        let none: [&str; 0] = [];
        assert_eq!(one_hot(&none).unwrap_err(), Error::EmptySequences);
        assert_eq!(one_hot(&["", ""]).unwrap_err(), Error::EmptySequence { index: 0 });
        assert_eq!(
            one_hot(&["ACGT", "ACG"]).unwrap_err(),
            Error::UnequalLengths { index: 1, expected: 4, found: 3 }
        );
    }

    #[test]
    fn reverse_complement_twice_is_identity() {
        for s in ["ACGT", "TATAAA", "GGGCGG", "acgtN"] {
            assert_eq!(reverse_complement(&reverse_complement(s).unwrap()).unwrap(), s);
        }
        assert_eq!(reverse_complement("TATAAA").unwrap(), "TTTATA");
        assert!(matches!(reverse_complement("AXG"), Err(Error::InvalidBase { character: 'X', position: 1, .. })));
    }

    #[test]
    fn base_codes_name_each_channel_and_n_and_refuse_soft_input() {
        let oh = one_hot(&["ACGTN", "TTNAa"]).unwrap();
        assert_eq!(oh.base_codes(), Some(vec![0, 1, 2, 3, 4, 3, 3, 4, 0, 0]));
        assert_eq!(OneHot::from_codes(&oh.base_codes().unwrap(), 5), oh, "and back");
        let mut soft = oh.clone();
        soft.values[0] = 0.5; // sequence 0, A at base 0
        assert_eq!(soft.base_codes(), None);
        let mut two = oh;
        two.values[5] = 1.0; // sequence 0, C at base 0 beside its A
        assert_eq!(two.base_codes(), None);
    }

    #[test]
    fn gather_picks_sequences() {
        let oh = one_hot(&["AAAA", "CCCC", "GGGG"]).unwrap();
        assert_eq!(oh.gather(&[2, 0]).decode(), vec!["GGGG", "AAAA"]);
    }
}
