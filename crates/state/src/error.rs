//! Why a link's value, or a rule typed into the page, was refused. Each message is the words a
//! notice shows; [`LinkError`]'s are whole notices.

use dnaplay_model::settings::Refusal;
use thiserror::Error;

use crate::hide::HIDEABLE;
use crate::lessons::Lesson;

/// Why a `rule` value ([`parse_rule`](crate::parse_rule)) was refused.
#[derive(Debug, Error)]
pub enum RuleError {
    /// More motifs than [`MAX_MOTIFS`](dnaplay_model::scoring::MAX_MOTIFS).
    #[error("the rule has {count} motifs; at most {} are allowed", dnaplay_model::scoring::MAX_MOTIFS)]
    TooManyMotifs {
        /// Motifs in the value.
        count: usize,
    },
    /// A motif that is not 1 to 8 of A, C, G, T ([`motif_problem`](crate::motif_problem)).
    #[error("motif '{motif}': {problem}")]
    Motif {
        /// The motif as given (shortened).
        motif: String,
        /// What is wrong with it.
        problem: String,
    },
    /// A motif's bonus that is not a finite number.
    #[error("'{bonus}' is not a bonus (a number) for motif {motif}")]
    Bonus {
        /// The bonus as given (shortened).
        bonus: String,
        /// The motif it was given for.
        motif: String,
    },
    /// An item that is neither `<base><number>` nor `<motif>:<number>`.
    #[error("'{item}' is neither a base value like A20 nor a motif like TAT:10")]
    Item {
        /// The item as given (shortened).
        item: String,
    },
    /// A rule the model crate refuses ([`ScoringRule::validate`](dnaplay_model::scoring::ScoringRule::validate)).
    #[error(transparent)]
    Invalid(#[from] dnaplay_model::Error),
}

/// Why one link value was ignored: the middle of its notice ([`LinkError::Ignored`]).
#[derive(Debug, Error)]
pub enum ValueError {
    /// A numeric setting refused the value, in the setting's own words.
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// The `rule` value was refused.
    #[error(transparent)]
    Rule(#[from] RuleError),
    /// A choice outside its list; the text is the list, e.g. "sgd or adam".
    #[error("expected {0}")]
    Expected(&'static str),
    /// A `lesson` no lesson has.
    #[error("not a lesson ({})", Lesson::ALL.map(Lesson::slug).join(", "))]
    UnknownLesson,
    /// A model the 8-mer lessons do not train (a 200-nt model).
    #[error("the 8-mer lessons take linear or cnn")]
    NotAnEightMerModel,
    /// An `xseq` that is not an 8-mer ([`explain_seq_problem`](crate::explain_seq_problem)).
    #[error("{0}")]
    Sequence(String),
    /// A `hide` key that is not in [`HIDEABLE`].
    #[error("'{given}' is not a control that can be hidden ({})", HIDEABLE.map(|h| h.0).join(", "))]
    NotHideable {
        /// The key as given (shortened).
        given: String,
    },
    /// A `lessons` item that is neither a lesson's name nor its number.
    #[error("'{given}' is not a lesson (a name such as train, or a number 1 to {})", Lesson::ALL.len())]
    NotALesson {
        /// The item as given (shortened).
        given: String,
    },
}

/// A notice of [`Settings::from_query`](crate::Settings::from_query): what of a link was not
/// read. Its message is the notice shown.
#[derive(Debug, Error)]
pub enum LinkError {
    /// A key no setting has.
    #[error("Ignored unknown setting {key}.")]
    UnknownKey {
        /// The key (shortened).
        key: String,
    },
    /// A value refused; the default was kept.
    #[error("Ignored {key}={value}: {why}; using {default}.")]
    Ignored {
        /// The key (shortened).
        key: String,
        /// The value as given (shortened).
        value: String,
        /// Why it was refused.
        why: ValueError,
        /// The default used instead, in words.
        default: String,
    },
    /// A query longer than [`MAX_QUERY_BYTES`](crate::MAX_QUERY_BYTES); the rest was not read.
    #[error("The link's settings are {length} characters long; only the first {} were read.", crate::MAX_QUERY_BYTES)]
    TooLong {
        /// The query's length in bytes.
        length: usize,
    },
    /// More pairs than [`MAX_PAIRS`](crate::MAX_PAIRS); the rest were not read.
    #[error("Ignored {rest} more settings: a link reads at most {}.", crate::MAX_PAIRS)]
    TooManyPairs {
        /// Pairs not read.
        rest: usize,
    },
    /// The notices past [`MAX_NOTICES`](crate::MAX_NOTICES), counted.
    #[error("… and {more} more ignored settings.")]
    MoreNotices {
        /// Notices not listed.
        more: usize,
    },
}
