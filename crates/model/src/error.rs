//! Errors for input a user gave: sequences, rules, settings. Each message names the value and
//! where it was found, so the CLI and the web app can show it as it is.

use thiserror::Error;

/// Everything the model crate can refuse.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum Error {
    /// A sequence holds a character that is not a base.
    #[error(
        "invalid base '{character}' at position {position} of sequence {index}; expected A, C, G, T or N"
    )]
    InvalidBase {
        /// The offending character, as typed.
        character: char,
        /// 0-based position inside the sequence.
        position: usize,
        /// 0-based index of the sequence in its list.
        index: usize,
    },
    /// No sequences were given.
    #[error("the sequence list is empty; give at least one sequence")]
    EmptySequences,
    /// A sequence has no bases.
    #[error("sequence {index} is empty; every sequence needs at least one base")]
    EmptySequence {
        /// 0-based index of the sequence in its list.
        index: usize,
    },
    /// Sequences of different lengths cannot share one `[batch, 4, length]` tensor.
    #[error(
        "sequence {index} has length {found}, but sequence 0 has length {expected}; all sequences must have the same length"
    )]
    UnequalLengths {
        /// 0-based index of the first sequence whose length differs.
        index: usize,
        /// Length of sequence 0.
        expected: usize,
        /// Length of sequence `index`.
        found: usize,
    },
    /// Sequences whose length is not the one the model takes.
    #[error("the sequences have length {found}, but the model takes sequences of length {expected}")]
    ModelLength {
        /// Length the model was built for.
        expected: usize,
        /// Length of the sequences given.
        found: usize,
    },
    /// k outside the range the 8-mer task supports.
    #[error("k = {k} is out of range; k must be between {min} and {max}")]
    KOutOfRange {
        /// The k that was asked for.
        k: usize,
        /// Smallest k allowed.
        min: usize,
        /// Largest k allowed.
        max: usize,
    },
    /// A scoring-rule motif is empty or holds a character other than A, C, G, T.
    #[error("motif {index} ('{motif}') is invalid: {reason}")]
    InvalidMotif {
        /// 0-based index of the motif in the rule.
        index: usize,
        /// The motif as given.
        motif: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A number in a rule is NaN, infinite, or beyond ±1000 ([`crate::scoring::MAX_MAGNITUDE`]).
    #[error("{name} must be a finite number between -1000 and 1000, got {value}")]
    NotFinite {
        /// The setting's name.
        name: &'static str,
        /// The value given.
        value: f64,
    },
    /// More items than a limit allows.
    #[error("{count} {what} is too many; at most {max} are allowed")]
    TooMany {
        /// What was counted, e.g. "motifs in a rule".
        what: &'static str,
        /// How many were given.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// The batch size is 0 or larger than the training split.
    #[error("batch size {batch_size} is invalid; it must be between 1 and {max} (the number of training sequences)")]
    BatchSize {
        /// The batch size given.
        batch_size: usize,
        /// Number of training sequences.
        max: usize,
    },
    /// A setting's value is out of its range ([`crate::settings`]: the same words in the link,
    /// the page, the CLI and the trainer).
    #[error("{0}")]
    Refused(#[from] crate::settings::Refusal),
    /// A model hyperparameter is out of range.
    #[error("{name} = {value} is invalid: {reason}")]
    Hyperparameter {
        /// The hyperparameter's name.
        name: &'static str,
        /// The value given.
        value: usize,
        /// The valid range.
        reason: String,
    },
    /// A split fraction is invalid or leaves a split empty.
    #[error("invalid split: {0}")]
    Split(String),
    /// A student's own data set cannot be trained on as given ([`crate::upload`]).
    #[error("{0}")]
    UserData(String),
    /// A training setting is invalid or does not fit the others (the schedule, the L2 penalty,
    /// the monitored value, the labels the loss needs).
    #[error("invalid training setting: {0}")]
    Setting(String),
    /// Training produced a NaN or infinite loss.
    #[error(
        "training diverged: the {which} loss became {value} {}epoch {epoch}; try a lower learning rate (now {learning_rate})",
        batch.map(|b| format!("at batch {} of ", b + 1)).unwrap_or_else(|| "in ".into())
    )]
    Diverged {
        /// "train" or "validation".
        which: &'static str,
        /// The non-finite value (NaN or inf).
        value: f32,
        /// 0-based epoch in which it happened.
        epoch: usize,
        /// 0-based batch of that epoch, when a batch's loss diverged.
        batch: Option<usize>,
        /// Learning rate in force.
        learning_rate: f64,
    },
    /// An unknown name for an activation, optimizer, model or device.
    #[error("unknown {what} '{given}'; expected one of: {expected}")]
    UnknownName {
        /// What kind of name it is.
        what: &'static str,
        /// The name given.
        given: String,
        /// The accepted names, comma-separated.
        expected: String,
    },
    /// Synthetic data cannot be generated with these motifs or settings.
    #[error("cannot generate the data: {0}")]
    Synthetic(String),
    /// A motif file (JASPAR or MEME format) is malformed.
    #[error("invalid {format} file, line {line}: {reason}")]
    MotifFile {
        /// "JASPAR" or "MEME".
        format: &'static str,
        /// 1-based line number.
        line: usize,
        /// What is wrong there.
        reason: String,
    },
    /// The compute device failed (lost GPU, failed read-back).
    #[error("the compute device failed: {0}")]
    Device(String),
    /// Saved weights or their description cannot be read, or do not fit the model.
    #[error("cannot load the checkpoint: {0}")]
    Checkpoint(String),
    /// A run's state between epochs cannot be taken, read or resumed
    /// ([`crate::trainer::Snapshot`]).
    #[error("cannot save or resume the run: {0}")]
    Snapshot(String),
    /// An attribution or in-silico experiment cannot run with these inputs.
    #[error("cannot explain the model: {0}")]
    Attribution(String),
    /// Training has already finished; nothing is left to step.
    #[error("training is finished; reset to train again")]
    Finished,
}

/// Result with the model crate's [`Error`].
pub type Result<T, E = Error> = core::result::Result<T, E>;
