//! The checks of one sequence and one label, and [`UploadError`], the words of what is wrong.

use thiserror::Error;

use super::MAX_LENGTH;
use crate::settings::shortened;

/// What is wrong with one sequence or one label of a student's text. The message is the
/// problem a row gets ([`Problem::message`](super::Problem::message)).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum UploadError {
    /// A sequence with no bases.
    #[error("the sequence is empty")]
    EmptySequence,
    /// A character that is not A, C, G, T or N, at a 1-based position of a row's sequence.
    #[error("'{}' at position {position} of the sequence is not A, C, G, T or N", .base.escape_debug())]
    InvalidBase {
        /// The character found.
        base: char,
        /// Its 1-based position.
        position: usize,
    },
    /// A character that is not A, C, G, T or N, at a 1-based position of a FASTA record.
    #[error("'{}' at position {position} of '{}' is not A, C, G, T or N", .base.escape_debug(), shortened(.id))]
    InvalidBaseIn {
        /// The character found.
        base: char,
        /// Its 1-based position in the record's sequence.
        position: usize,
        /// The record's id.
        id: String,
    },
    /// A sequence longer than [`MAX_LENGTH`].
    #[error("the sequence is longer than {MAX_LENGTH} bases, the longest accepted")]
    TooLong,
    /// An empty label.
    #[error("the label is missing")]
    MissingLabel,
    /// A label that reads as infinite or NaN.
    #[error("label '{}' is not a finite number", shortened(.label))]
    NotFinite {
        /// The label as given.
        label: String,
    },
    /// A label that is not a number.
    #[error("label '{}' is not a number", shortened(.label))]
    NotANumber {
        /// The label as given.
        label: String,
    },
}

/// Check one sequence: uppercase A/C/G/T/N of 1 to [`MAX_LENGTH`] bases.
///
/// # Errors
/// [`UploadError::InvalidBase`] naming the first invalid character and its 1-based position,
/// [`UploadError::EmptySequence`], or [`UploadError::TooLong`] for one longer than
/// [`MAX_LENGTH`].
pub fn check_sequence(seq: &str) -> Result<String, UploadError> {
    if seq.is_empty() {
        return Err(UploadError::EmptySequence);
    }
    let mut out = String::with_capacity(seq.len());
    for (i, c) in seq.chars().enumerate() {
        match c.to_ascii_uppercase() {
            b @ ('A' | 'C' | 'G' | 'T' | 'N') => out.push(b),
            _ => return Err(UploadError::InvalidBase { base: c, position: i + 1 }),
        }
        if i + 1 > MAX_LENGTH {
            return Err(UploadError::TooLong);
        }
    }
    Ok(out)
}

/// Read a label: a finite number.
///
/// # Errors
/// [`UploadError::MissingLabel`], [`UploadError::NotFinite`] or [`UploadError::NotANumber`].
pub(super) fn check_label(text: &str) -> Result<f32, UploadError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(UploadError::MissingLabel);
    }
    match t.parse::<f32>() {
        Ok(x) if x.is_finite() => Ok(x),
        Ok(_) => Err(UploadError::NotFinite { label: t.to_string() }),
        Err(_) => Err(UploadError::NotANumber { label: t.to_string() }),
    }
}
