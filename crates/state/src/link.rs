//! The link's query string: reading one ([`Settings::from_query`]) with a notice per value
//! ignored, and writing one ([`Settings::to_query`]) that reads back to the same settings.
//!
//! The numeric settings are read and written through their one definition in
//! [`dnaplay_model::settings`] ([`NUMBERS`]): its key, its range and its refusal's words.

use dnaplay_model::BackendChoice;
use dnaplay_model::attribution::Reference;
use dnaplay_model::models::ModelKind;
use dnaplay_model::scoring::{PositionEffect, ScoringRule};
use dnaplay_model::settings::{self, Refusal, Setting};

use crate::error::{LinkError, ValueError};
use crate::hide::parse_hide;
use crate::lessons::{Exercise, Lesson, parse_lessons};
use crate::rule::{format_rule, parse_rule};
use crate::{DEFAULT_EXPLAIN_SEQ, Settings, explain_seq_problem, shown};

/// Longest query string read, in bytes: a hand-written link is far shorter; past this the rest
/// is ignored with one notice, so a hostile link cannot hold the page.
pub const MAX_QUERY_BYTES: usize = 4096;
/// Most `key=value` pairs read (there are 14 settings).
pub const MAX_PAIRS: usize = 64;
/// Most notices listed; the rest are counted in one more notice.
pub const MAX_NOTICES: usize = 8;

/// A numeric setting of the link: its definition and the field of [`Settings`] it fills.
pub(crate) struct NumberField {
    /// The one definition: key, label, default, range, refusal.
    pub(crate) setting: &'static Setting,
    /// Written in every link; otherwise only when it differs from the default.
    always: bool,
    /// The field's value as the link writes it.
    write: fn(&Settings) -> String,
    /// Read a value into the field, or give the setting's refusal.
    read: fn(&mut Settings, &str) -> Result<(), Refusal>,
}

/// One [`NumberField`]: the setting, the field, and the setting's parser for the field's type.
macro_rules! number_field {
    ($setting:ident, $field:ident, $parse:ident, always: $always:expr) => {
        NumberField {
            setting: &settings::$setting,
            always: $always,
            write: |s| s.$field.to_string(),
            read: |s, v| {
                s.$field = settings::$setting.$parse(v)?;
                Ok(())
            },
        }
    };
}

/// The numeric settings a link holds, in the order it writes them: the first four in every
/// link, the 200-nt lessons' only when changed.
pub(crate) const NUMBERS: [NumberField; 10] = [
    number_field!(LEARNING_RATE, learning_rate, parse_f64, always: true),
    number_field!(BATCH_SIZE, batch_size, parse_usize, always: true),
    number_field!(EPOCHS, num_epochs, parse_usize, always: true),
    number_field!(SEED, seed, parse_u64, always: true),
    number_field!(CLASS_SEQS, class_seqs, parse_usize, always: false),
    number_field!(CLASS_EPOCHS, class_epochs, parse_usize, always: false),
    number_field!(EXP_LR, exp_lr, parse_f64, always: false),
    number_field!(KERAS_SEQS, keras_seqs, parse_usize, always: false),
    number_field!(KERAS_EPOCHS, keras_epochs, parse_usize, always: false),
    number_field!(KERAS_LR, keras_lr, parse_f64, always: false),
];

impl Settings {
    /// Read a query string (with or without the leading `?`). Returns the settings and the
    /// notices to show: one per value that was ignored (the default is used), at most
    /// [`MAX_NOTICES`] of them plus one that counts the rest. Only the first
    /// [`MAX_QUERY_BYTES`] bytes and [`MAX_PAIRS`] pairs are read. Decoding is
    /// `application/x-www-form-urlencoded` (the `form_urlencoded` crate): `+` is a space, and an
    /// invalid `%` escape or invalid UTF-8 is kept or replaced, never an error. Each notice is a
    /// [`LinkError`]'s message.
    pub fn from_query(query: &str) -> (Settings, Vec<String>) {
        let mut s = Settings::default();
        let mut notices = Vec::new();
        let mut query = query.strip_prefix('?').unwrap_or(query);
        if query.len() > MAX_QUERY_BYTES {
            let mut cut = MAX_QUERY_BYTES;
            while !query.is_char_boundary(cut) {
                cut -= 1;
            }
            // Drop the pair the cut falls in, rather than read half a value.
            let end = query[..cut].rfind('&').unwrap_or(0);
            notices.push(LinkError::TooLong { length: query.len() }.to_string());
            query = &query[..end];
        }
        let mut pairs = form_urlencoded::parse(query.as_bytes()).filter(|(k, v)| !(k.is_empty() && v.is_empty()));
        for (key, value) in pairs.by_ref().take(MAX_PAIRS) {
            if let Err(notice) = s.apply(&key, &value) {
                notices.push(notice.to_string());
            }
        }
        if !s.lessons.is_empty() && !s.lessons.contains(&s.lesson) {
            s.lesson = s.lessons[0];
        }
        let rest = pairs.count();
        if rest > 0 {
            notices.push(LinkError::TooManyPairs { rest }.to_string());
        }
        if notices.len() > MAX_NOTICES {
            let more = notices.len() - (MAX_NOTICES - 1);
            notices.truncate(MAX_NOTICES - 1);
            notices.push(LinkError::MoreNotices { more }.to_string());
        }
        (s, notices)
    }

    /// Apply one `key=value` of a link; on a bad value keep the default.
    ///
    /// # Errors
    /// [`LinkError::UnknownKey`] for a key no setting has; [`LinkError::Ignored`] for a value
    /// the setting refuses, with the default kept.
    fn apply(&mut self, key: &str, value: &str) -> Result<(), LinkError> {
        let v = value.trim();
        let s = self;
        let number = NUMBERS.iter().find(|n| n.setting.key == key);
        let result: Result<(), ValueError> = if let Some(n) = number {
            (n.read)(s, v).map_err(ValueError::from)
        } else {
            match key {
            "lesson" => Lesson::ALL.into_iter().find(|l| l.slug() == v).map(|l| s.lesson = l).ok_or(ValueError::UnknownLesson),
            "model" => match v.parse() {
                Ok(m @ (ModelKind::Linear | ModelKind::Cnn)) => Ok(s.model = m),
                Ok(_) => Err(ValueError::NotAnEightMerModel),
                Err(_) => Err(ValueError::Expected("linear or cnn")),
            },
            "act" => v.parse().map(|a| s.activation = a).map_err(|_| ValueError::Expected("relu, exp, sigmoid, tanh, softplus, linear, elu or log-relu")),
            "opt" => v.parse().map(|o| s.optimizer = o).map_err(|_| ValueError::Expected("sgd or adam")),
            "device" => match v.to_ascii_lowercase().as_str() {
                "cpu" => Ok(s.device = Some(BackendChoice::Flex)),
                "webgpu" | "gpu" => Ok(s.device = Some(BackendChoice::Wgpu)),
                "auto" => Ok(s.device = None),
                _ => Err(ValueError::Expected("auto, cpu or webgpu")),
            },
            "rule" => parse_rule(v)
                .map(|r| {
                    let position = s.rule.position;
                    s.rule = ScoringRule { position, ..r };
                })
                .map_err(ValueError::from),
            "igref" => v.parse().map(|r| s.reference = r).map_err(|_| ValueError::Expected("shuffle, zero or uniform")),
            "xseq" => match explain_seq_problem(v) {
                None => Ok(s.explain_seq = v.to_ascii_uppercase()),
                Some(p) => Err(ValueError::Sequence(p)),
            },
            "ex" => Exercise::ALL.into_iter().find(|e| e.slug() == v).map(|e| s.exercise = e).ok_or(ValueError::Expected("q1, q2, q3 or fig1c")),
            "hide" => parse_hide(v).map(|keys| s.hide = keys),
            "lessons" => parse_lessons(v).map(|list| s.lessons = list),
            "contrast" => match v {
                "1" | "on" | "true" => Ok(s.contrast = true),
                "0" | "off" | "false" => Ok(s.contrast = false),
                _ => Err(ValueError::Expected("1 (high contrast, large text) or 0")),
            },
            "pos" => match v {
                "1" | "decay" => Ok(s.rule.position = PositionEffect::DEFAULT_DECAY),
                "0" | "uniform" => Ok(s.rule.position = PositionEffect::Uniform),
                _ => Err(ValueError::Expected("1 (position-dependent bonus) or 0")),
            },
            _ => return Err(LinkError::UnknownKey { key: shown(key) }),
            }
        };
        result.map_err(|why| {
            let default = Settings::default();
            let default = if let Some(n) = number {
                (n.write)(&default)
            } else {
                match key {
                "lesson" => default.lesson.slug().to_string(),
                "model" => default.model.to_string(),
                "act" => default.activation.to_string(),
                "opt" => default.optimizer.to_string(),
                "device" => "auto, the faster device".into(),
                "rule" => "seed 002's rule".into(),
                "igref" => default.reference.to_string(),
                "xseq" => default.explain_seq,
                "ex" => default.exercise.slug().to_string(),
                "contrast" => "0".into(),
                "hide" => "nothing hidden".into(),
                "lessons" => "every lesson".into(),
                _ => "0".into(),
                }
            };
            LinkError::Ignored { key: shown(key), value: shown(value), why, default }
        })
    }

    /// The query string that restores these settings (with the leading `?`).
    pub fn to_query(&self) -> String {
        let mut q = format!("?lesson={}&model={}&act={}&opt={}", self.lesson.slug(), self.model, self.activation, self.optimizer);
        let default = Settings::default();
        let pair = |n: &NumberField| format!("&{}={}", n.setting.key, (n.write)(self));
        for n in NUMBERS.iter().filter(|n| n.always) {
            q.push_str(&pair(n));
        }
        match self.device {
            Some(BackendChoice::Wgpu) => q.push_str("&device=webgpu"),
            Some(_) => q.push_str("&device=cpu"),
            None => {}
        }
        let rule = ScoringRule::default();
        if self.rule.base_values != rule.base_values || self.rule.motifs != rule.motifs {
            q.push_str("&rule=");
            q.push_str(&format_rule(&self.rule).replace('+', "%2B"));
        }
        if self.rule.position != PositionEffect::Uniform {
            q.push_str("&pos=1");
        }
        for n in NUMBERS.iter().filter(|n| !n.always && (n.write)(self) != (n.write)(&default)) {
            q.push_str(&pair(n));
        }
        if self.reference != Reference::Shuffle {
            q.push_str(&format!("&igref={}", self.reference));
        }
        if self.explain_seq != DEFAULT_EXPLAIN_SEQ {
            q.push_str(&format!("&xseq={}", self.explain_seq));
        }
        if self.exercise != Exercise::Position {
            q.push_str(&format!("&ex={}", self.exercise.slug()));
        }
        if !self.hide.is_empty() {
            q.push_str(&format!("&hide={}", self.hide.join(",")));
        }
        if !self.lessons.is_empty() {
            q.push_str(&format!("&lessons={}", self.lessons.iter().map(|l| l.slug()).collect::<Vec<_>>().join(",")));
        }
        if self.contrast {
            q.push_str("&contrast=1");
        }
        q
    }
}
