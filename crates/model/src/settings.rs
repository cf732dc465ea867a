//! One definition per setting: its link key, command-line flag, label, unit, default, range and
//! the words of its refusal. The URL parser (`dnaplay-state`), the page's fields, the CLI's flags
//! and [`TrainConfig::validate`](crate::trainer::TrainConfig::validate) all check values through
//! these, so a bad value is refused with the same words everywhere.
//!
//! Defaults are seed 002's (Part 4: SGD, learning rate 0.01, batch 128, 50 epochs) unless a
//! setting says otherwise; the 200-nt tasks take their own seeds' training
//! ([`TrainConfig::seed003`](crate::trainer::TrainConfig::seed003),
//! [`TrainConfig::seed000`](crate::trainer::TrainConfig::seed000)).

use std::fmt;

/// Bytes of one-hot data per 200-nt sequence (`[4, 200]` as f32), for the memory a sequence
/// count would need.
const ONE_HOT_BYTES_PER_200NT: f64 = 4.0 * 200.0 * 4.0;

/// The values a setting takes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Range {
    /// A finite number above `above` (exclusive) and at most `max`.
    Positive {
        /// Exclusive lower bound.
        above: f64,
        /// Inclusive upper bound.
        max: f64,
    },
    /// A whole number from `min` to `max`, both included.
    Whole {
        /// Smallest value.
        min: u64,
        /// Largest value.
        max: u64,
    },
}

/// One setting, defined once.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Setting {
    /// Key in a shared link, e.g. `lr`.
    pub key: &'static str,
    /// The CLI flag, e.g. `--lr`: the CLI names it in its messages, and its tests check that
    /// `dnaplay train` takes every setting's flag.
    pub flag: &'static str,
    /// What the page and messages call it, lowercase, e.g. "learning rate".
    pub label: &'static str,
    /// Its unit, e.g. "sequences"; empty when it has none.
    pub unit: &'static str,
    /// The default, seed 002's unless said otherwise.
    pub default: f64,
    /// The values allowed.
    pub range: Range,
    /// Where the default comes from, appended to refusals, e.g. "the seed uses 0.01".
    pub note: &'static str,
    /// Bytes of memory one unit of the value costs, for settings that size data (the message
    /// states what a refused value would need); 0 when it sizes nothing.
    pub bytes_per_unit: f64,
}

/// A value a setting refused, with the setting's own words.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    /// The setting's label.
    pub label: &'static str,
    /// The value as given (shortened to 40 characters).
    pub given: String,
    /// What the setting takes, e.g. "a number above 0 and at most 10".
    pub expected: String,
    /// Where the default comes from, or the memory the value would need.
    pub note: String,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} is invalid; it must be {}", self.label, self.given, self.expected)?;
        if !self.note.is_empty() {
            write!(f, " ({})", self.note)?;
        }
        Ok(())
    }
}

impl std::error::Error for Refusal {}

/// At most 40 characters of `value`, with "…" when cut, so a message never repeats kilobytes.
pub fn shortened(value: &str) -> String {
    let mut v: String = value.chars().take(40).collect();
    if value.chars().count() > 40 {
        v.push('…');
    }
    v
}

/// Thousands separators: 1234567 → "1,234,567".
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// "3.2 GB", "640 kB".
fn bytes(b: f64) -> String {
    match b {
        b if b >= 1e9 => format!("{:.1} GB", b / 1e9),
        b if b >= 1e6 => format!("{:.0} MB", b / 1e6),
        b => format!("{:.0} kB", b / 1e3),
    }
}

impl Setting {
    /// The label as a field's title: "Learning rate".
    pub fn title(&self) -> String {
        let mut c = self.label.chars();
        c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
    }

    /// What the setting takes, in words: "a number above 0 and at most 10", "a whole number
    /// from 1 to 1,000".
    pub fn expected(&self) -> String {
        match self.range {
            Range::Positive { above, max } => format!("a number above {above} and at most {max}"),
            Range::Whole { min, max } if max == u64::MAX => format!("a whole number from {min} up"),
            Range::Whole { min, max } => format!("a whole number from {} to {}", thousands(min), thousands(max)),
        }
    }

    fn refuse(&self, given: &str, value: Option<f64>) -> Refusal {
        let note = match value {
            Some(v) if self.bytes_per_unit > 0.0 && v.is_finite() && v > 0.0 => {
                format!("{} {} would need about {} of memory; {}", shortened(given), self.unit, bytes(v * self.bytes_per_unit), self.note)
            }
            _ => self.note.to_string(),
        };
        Refusal { label: self.label, given: shortened(given), expected: self.expected(), note }
    }

    /// Check a number.
    ///
    /// # Errors
    /// A [`Refusal`] naming the setting, the value and the range.
    pub fn check_f64(&self, value: f64) -> Result<f64, Refusal> {
        let ok = match self.range {
            Range::Positive { above, max } => value.is_finite() && value > above && value <= max,
            Range::Whole { min, max } => value.fract() == 0.0 && value >= min as f64 && value <= max as f64,
        };
        if ok { Ok(value) } else { Err(self.refuse(&value.to_string(), Some(value))) }
    }

    /// Check a whole number.
    ///
    /// # Errors
    /// A [`Refusal`] naming the setting, the value and the range.
    pub fn check_u64(&self, value: u64) -> Result<u64, Refusal> {
        match self.range {
            Range::Whole { min, max } if (min..=max).contains(&value) => Ok(value),
            Range::Positive { above, max } if (value as f64) > above && (value as f64) <= max => Ok(value),
            _ => Err(self.refuse(&value.to_string(), Some(value as f64))),
        }
    }

    /// Check a count (a whole number that sizes something: a batch, an epoch count).
    ///
    /// # Errors
    /// As [`Setting::check_u64`].
    pub fn check_usize(&self, value: usize) -> Result<usize, Refusal> {
        self.check_u64(value as u64).map(|v| v as usize)
    }

    /// Read a number typed by a user (leading and trailing spaces ignored).
    ///
    /// # Errors
    /// A [`Refusal`] when the text is not a number in range.
    pub fn parse_f64(&self, text: &str) -> Result<f64, Refusal> {
        match text.trim().parse::<f64>() {
            Ok(v) => self.check_f64(v).map_err(|mut r| {
                r.given = shortened(text.trim());
                r
            }),
            Err(_) => Err(self.refuse(text.trim(), None)),
        }
    }

    /// Read a whole number typed by a user. Values beyond `u64` (and so beyond every range)
    /// are refused, not wrapped.
    ///
    /// # Errors
    /// A [`Refusal`] when the text is not a whole number in range.
    pub fn parse_u64(&self, text: &str) -> Result<u64, Refusal> {
        let t = text.trim();
        match t.parse::<u64>() {
            Ok(v) => self.check_u64(v).map_err(|mut r| {
                r.given = shortened(t);
                r
            }),
            Err(_) => {
                // A long run of digits is a number too large, and its memory is worth stating.
                let value = (!t.is_empty() && t.bytes().all(|b| b.is_ascii_digit())).then(|| t.parse::<f64>().ok()).flatten();
                Err(self.refuse(t, value))
            }
        }
    }

    /// As [`Setting::parse_u64`], for counts.
    ///
    /// # Errors
    /// As [`Setting::parse_u64`].
    pub fn parse_usize(&self, text: &str) -> Result<usize, Refusal> {
        self.parse_u64(text).and_then(|v| usize::try_from(v).map_err(|_| self.refuse(text.trim(), Some(v as f64))))
    }

    /// The default as a count.
    pub fn default_usize(&self) -> usize {
        self.default as usize
    }
}

/// `lr`, `--lr`: the initial learning rate (seed 002, Part 4: 0.01).
pub const LEARNING_RATE: Setting = Setting {
    key: "lr",
    flag: "--lr",
    label: "learning rate",
    unit: "",
    default: 0.01,
    range: Range::Positive { above: 0.0, max: 10.0 },
    note: "the seed uses 0.01",
    bytes_per_unit: 0.0,
};

/// `bs`, `--batch-size`: sequences per training batch (seed 002: 128). At most the 8-mers'
/// training split (41,942); a trainer also refuses a batch larger than its own training split.
pub const BATCH_SIZE: Setting = Setting {
    key: "bs",
    flag: "--batch-size",
    label: "batch size",
    unit: "sequences",
    default: 128.0,
    range: Range::Whole { min: 1, max: 41_942 },
    note: "the seed uses 128",
    bytes_per_unit: 0.0,
};

/// `epochs`, `--epochs`: passes over the training split (seed 002: 50).
pub const EPOCHS: Setting = Setting {
    key: "epochs",
    flag: "--epochs",
    label: "epochs",
    unit: "epochs",
    default: 50.0,
    range: Range::Whole { min: 1, max: 1000 },
    note: "the seed uses 50",
    bytes_per_unit: 0.0,
};

/// `seed`, `--seed`: the split, the initial weights, the shuffles and generated data.
pub const SEED: Setting = Setting {
    key: "seed",
    flag: "--seed",
    label: "seed",
    unit: "",
    default: 17.0,
    range: Range::Whole { min: 0, max: u64::MAX },
    note: "any whole number; the same seed repeats a run",
    bytes_per_unit: 0.0,
};

/// `n`, `--num-seqs`: 200-nt sequences generated for the classification tasks. Seed 003's Task 3
/// has 20,000, seed 000 10,000; the page's default is smaller so an epoch takes seconds.
pub const CLASS_SEQS: Setting = Setting {
    key: "n",
    flag: "--num-seqs",
    label: "number of 200-nt sequences",
    unit: "sequences",
    default: 6000.0,
    range: Range::Whole { min: 1000, max: 30_000 },
    note: "seed 003 uses 30,000 (Task 1) and 20,000 (Task 3), seed 000 10,000",
    bytes_per_unit: ONE_HOT_BYTES_PER_200NT,
};

/// `cepochs`: epochs of each run in the page's 200-nt lessons (the CLI's `--epochs` is
/// [`EPOCHS`]).
pub const CLASS_EPOCHS: Setting = Setting {
    key: "cepochs",
    flag: "--epochs",
    label: "epochs of the 200-nt runs",
    unit: "epochs",
    default: 10.0,
    range: Range::Whole { min: 1, max: 100 },
    note: "seed 003's best validation AUROC comes within 30",
    bytes_per_unit: 0.0,
};

/// `l2`: the L2 penalty on every parameter, added to the gradients as `l2 · w` (seed 003: 1e-6
/// for every model). Seed 003's 0.2 for log-relu is on the first layer alone: [`L2_FIRST`].
pub const L2: Setting = Setting {
    key: "l2",
    flag: "--l2",
    label: "L2 penalty",
    unit: "",
    default: 1e-6,
    range: Range::Positive { above: 0.0, max: 1.0 },
    note: "seed 003 uses 1e-6 (its log-relu's 0.2 is --l2-first)",
    bytes_per_unit: 0.0,
};

/// `l2first`: an L2 penalty on the first convolution's kernel alone, added to the loss as
/// `l2first / 2 · Σw²` (so `l2first · w` to its gradient), on top of [`L2`]. Seed 003 trains
/// log-relu with "a strong L2-regularisation penalty of 0.2" (Extended Data Fig. 1e); its code
/// (`code/model_zoo/cnn_deep_log.py` in p-koo/exponential_activations) puts it on the first
/// layer's kernel only, as `0.1 · Σw²`, and keeps 1e-6 on every other layer. Off unless given;
/// the default is the value seed 003 uses.
pub const L2_FIRST: Setting = Setting {
    key: "l2first",
    flag: "--l2-first",
    label: "L2 penalty on the first layer",
    unit: "",
    default: 0.2,
    range: Range::Positive { above: 0.0, max: 10.0 },
    note: "seed 003 uses 0.2 on CNN-deep's first layer with log-relu",
    bytes_per_unit: 0.0,
};

/// `elr`: Adam's learning rate in lesson 9 (the CLI's `--lr` is [`LEARNING_RATE`]). Seed 003
/// uses 0.001 over up to 100 epochs. At the lesson's 6,000 sequences and 10 epochs, 0.01 lets it
/// show its result: natively, on seeds 1, 2, 3 and 17, the exp run's match fraction on the
/// validation split after epoch 10 was 0.29 to 0.54 (2026-12-04, docs/performance.md) while
/// relu's stayed at 0.00 to 0.13 (when chosen, exp reached 0.17 and 0.29 at 0.001 and 0.003 on
/// seed 17).
pub const EXP_LR: Setting = Setting {
    key: "elr",
    flag: "--lr",
    label: "lesson 9's learning rate",
    unit: "",
    default: 0.01,
    range: Range::Positive { above: 0.0, max: 10.0 },
    note: "seed 003 uses 0.001 over up to 100 epochs; 0.01 shows the contrast within 10",
    bytes_per_unit: 0.0,
};

/// `klr`: Adam's learning rate in lesson 10 (seed 000's model). Seed 000 uses 0.001 over 30
/// epochs on 6,400 training sequences. Measured before the batch-norm recalibration
/// ([`crate::models::Model::recalibrate_norms`]), at 6,000 sequences and 10 epochs, natively:
/// test AUROC 0.74 at 0.003 against 0.70 at 0.001 (seed 17); at 0.01 the validation loss
/// diverged and early stopping kept the first epoch (0.57). For the lesson's 10,000 sequences
/// and 6 epochs see [`KERAS_EPOCHS`].
pub const KERAS_LR: Setting = Setting {
    key: "klr",
    flag: "--lr",
    label: "lesson 10's learning rate",
    unit: "",
    default: 0.003,
    range: Range::Positive { above: 0.0, max: 10.0 },
    note: "seed 000 uses 0.001 over 30 epochs",
    bytes_per_unit: 0.0,
};

/// `kn`: sequences generated for lesson 10, seed 000's data (the CLI's `--num-seqs` is
/// [`CLASS_SEQS`]). Seed 000 generates 10,000 (`generate_synthetic_data(n_samples=10000)`).
/// At lesson 9's 6,000 the model overfit its 3,840 training sequences within 10 epochs, and
/// more sequences in fewer epochs learned more in the same time: see [`KERAS_EPOCHS`].
pub const KERAS_SEQS: Setting = Setting {
    key: "kn",
    label: "number of lesson 10's sequences",
    default: 10_000.0,
    note: "seed 000 uses 10,000",
    // The flag, unit, range and memory per sequence are [`CLASS_SEQS`]'s: one bound for both.
    ..CLASS_SEQS
};

/// `kepochs`: epochs of lesson 10's run (the CLI's `--epochs` is [`EPOCHS`]). Seed 000 trains
/// up to 30 at learning rate 0.001. At the lesson's 10,000 sequences and 0.003, natively
/// (2026-12-04, `dnaplay train --task keras200 --num-seqs 10000 --epochs 6 --lr 0.003`), seeds
/// 1, 2, 3, 7, 8, 17 and 42 reached test AUROC 0.839, 0.871, 0.852, 0.822, 0.861, 0.836 and
/// 0.858 (accuracy 0.75 to 0.82; the data allow about 0.86 and 0.84), the validation AUROC
/// passing 0.8 after 2 to 5 epochs; 10 epochs added at most 0.03. At 6,000 sequences and 10
/// epochs, the same compute, seeds 1, 2, 3, 17 and 42 gave 0.77 to 0.81.
pub const KERAS_EPOCHS: Setting = Setting {
    key: "kepochs",
    label: "epochs of lesson 10's run",
    default: 6.0,
    note: "seed 000 trains up to 30 at learning rate 0.001",
    ..CLASS_EPOCHS
};

/// `--k`: the length of the k-mers scored by seed 002's rule (Part 1: 8).
pub const K: Setting = Setting {
    key: "k",
    flag: "--k",
    label: "k",
    unit: "bases",
    default: 8.0,
    range: Range::Whole { min: crate::scoring::MIN_K as u64, max: crate::scoring::MAX_K as u64 },
    note: "the seed uses 8",
    bytes_per_unit: 0.0,
};

/// `--num-filters`: first-layer filters of the 8-mer CNN (seed 002, Part 3: 32).
pub const NUM_FILTERS: Setting = Setting {
    key: "filters",
    flag: "--num-filters",
    label: "number of filters",
    unit: "filters",
    default: 32.0,
    range: Range::Whole { min: 1, max: 1024 },
    note: "the seed uses 32",
    bytes_per_unit: 0.0,
};

/// `--filter-width`: width of the 8-mer CNN's filters in bases (seed 002, Part 3: 3); at most
/// the sequence length, which the model checks.
pub const FILTER_WIDTH: Setting = Setting {
    key: "width",
    flag: "--filter-width",
    label: "filter width",
    unit: "bases",
    default: 3.0,
    range: Range::Whole { min: 1, max: crate::scoring::MAX_K as u64 },
    note: "the seed uses 3",
    bytes_per_unit: 0.0,
};

/// `--early-stopping`, `--reduce-lr`: epochs without improvement before the callback acts
/// (seed 000's Keras callbacks: 10 and 5).
pub const PATIENCE: Setting = Setting {
    key: "patience",
    flag: "--early-stopping",
    label: "patience",
    unit: "epochs",
    default: 10.0,
    range: Range::Whole { min: 1, max: 1000 },
    note: "seed 000 uses 10 for early stopping and 5 for the learning rate",
    bytes_per_unit: 0.0,
};

/// `--min-lr`: the floor of the learning-rate cuts (Keras `ReduceLROnPlateau`'s `min_lr`). Seed
/// 000 sets 1e-6; seed 003's Methods give no floor, and its recipe here keeps seed 000's. With
/// seed 003's cuts (× 0.3 after 5 flat epochs) the rate reaches 1e-6 after six cuts, which may
/// leave CNN-deep's unlearned Task 1 labels without the steps they need
/// (docs/fig1c-converged/README.md); a higher floor tests that.
pub const MIN_LR: Setting = Setting {
    key: "minlr",
    flag: "--min-lr",
    label: "minimum learning rate",
    unit: "",
    default: 1e-6,
    range: Range::Positive { above: 0.0, max: 10.0 },
    note: "seed 000 uses 1e-6",
    bytes_per_unit: 0.0,
};

/// Every setting, for documentation and tests.
pub const ALL: [Setting; 15] = [LEARNING_RATE, BATCH_SIZE, EPOCHS, SEED, CLASS_SEQS, CLASS_EPOCHS, EXP_LR, KERAS_SEQS, KERAS_EPOCHS, KERAS_LR, K, NUM_FILTERS, FILTER_WIDTH, PATIENCE, MIN_LR];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_name_the_setting_the_value_and_the_range() {
        assert_eq!(LEARNING_RATE.parse_f64(" 0.05 "), Ok(0.05));
        let e = LEARNING_RATE.parse_f64("0").unwrap_err();
        assert_eq!(e.to_string(), "learning rate 0 is invalid; it must be a number above 0 and at most 10 (the seed uses 0.01)");
        assert!(LEARNING_RATE.parse_f64("NaN").is_err() && LEARNING_RATE.parse_f64("inf").is_err() && LEARNING_RATE.parse_f64("1e400").is_err());
        assert_eq!(EPOCHS.parse_usize("0").unwrap_err().to_string(), "epochs 0 is invalid; it must be a whole number from 1 to 1,000 (the seed uses 50)");
        // u64::MAX + 1 and beyond are refused, not wrapped.
        let e = EPOCHS.parse_usize("18446744073709551616").unwrap_err();
        assert!(e.to_string().starts_with("epochs 18446744073709551616 is invalid"), "{e}");
        assert!(EPOCHS.parse_usize("18446744073709551615").is_err());
        assert_eq!(SEED.parse_u64("18446744073709551615"), Ok(u64::MAX));
        assert!(SEED.parse_u64("-1").is_err());
    }

    #[test]
    fn a_sequence_count_refusal_states_the_memory_it_would_need() {
        let e = CLASS_SEQS.parse_usize("10000000").unwrap_err().to_string();
        // 10^7 × 4 × 200 × 4 bytes = 32 GB of one-hot data.
        assert_eq!(e, "number of 200-nt sequences 10000000 is invalid; it must be a whole number from 1,000 to 30,000 (10000000 sequences would need about 32.0 GB of memory; seed 003 uses 30,000 (Task 1) and 20,000 (Task 3), seed 000 10,000)");
        assert_eq!(CLASS_SEQS.parse_usize("20000"), Ok(20_000));
    }

    #[test]
    fn long_values_are_shortened() {
        let long = "9".repeat(5000);
        let e = SEED.parse_u64(&long).unwrap_err().to_string();
        assert!(e.len() < 200, "{e}");
        assert!(e.contains('…'));
    }

    #[test]
    fn defaults_are_in_range() {
        for s in ALL {
            assert!(s.check_f64(s.default).is_ok(), "{} default {}", s.label, s.default);
        }
    }
}
