//! DNA Playground's page state, pure and testable natively.
//!
//! The link is the lesson: the URL's query holds the lesson and every setting, with short names
//! an instructor can write by hand, e.g.
//! `?lesson=train&model=cnn&act=exp&opt=sgd&lr=0.01&bs=128&epochs=50&seed=17&device=cpu`.
//!
//! A bad or hostile value is ignored with a notice that names it, and the default is used.
//! Notices are plain text (Leptos escapes text), so nothing from the URL reaches the page as HTML.

use dnaplay_model::models::{Activation, ModelKind};
use dnaplay_model::scoring::{MotifBonus, PositionEffect, ScoringRule};
use dnaplay_model::trainer::OptimizerKind;

/// The lesson pages, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lesson {
    /// 1. The scoring rule and the data.
    #[default]
    Rule,
    /// 2. One-hot encoding.
    OneHot,
    /// 3. The split.
    Split,
    /// 4. Linear vs CNN.
    Models,
    /// 5. Training.
    Train,
    /// 6. Spot checks.
    Spot,
    /// 7. Parity plot.
    Parity,
    /// 8. Filters.
    Filters,
    /// 9. Why exponential? (seed 003): relu vs exp on Task 3.
    Exp,
    /// 10. Classifying 200-nt sequences (seed 000): the multi-scale CNN with attention.
    Classify,
}

impl Lesson {
    /// Every lesson, in order.
    pub const ALL: [Lesson; 10] = [Lesson::Rule, Lesson::OneHot, Lesson::Split, Lesson::Models, Lesson::Train, Lesson::Spot, Lesson::Parity, Lesson::Filters, Lesson::Exp, Lesson::Classify];

    /// The URL name.
    pub fn slug(self) -> &'static str {
        match self {
            Lesson::Rule => "rule",
            Lesson::OneHot => "onehot",
            Lesson::Split => "split",
            Lesson::Models => "models",
            Lesson::Train => "train",
            Lesson::Spot => "spot",
            Lesson::Parity => "parity",
            Lesson::Filters => "filters",
            Lesson::Exp => "exp",
            Lesson::Classify => "classify",
        }
    }

    /// The title shown in the lesson list.
    pub fn title(self) -> &'static str {
        match self {
            Lesson::Rule => "The scoring rule and the data",
            Lesson::OneHot => "One-hot encoding",
            Lesson::Split => "Train, validation and test",
            Lesson::Models => "Linear vs CNN",
            Lesson::Train => "Training",
            Lesson::Spot => "Spot checks",
            Lesson::Parity => "Parity plot",
            Lesson::Filters => "What the filters learned",
            Lesson::Exp => "Why exponential?",
            Lesson::Classify => "Classifying 200-nt sequences",
        }
    }

    /// 0-based position.
    pub fn index(self) -> usize {
        Lesson::ALL.iter().position(|&l| l == self).expect("every lesson is in ALL")
    }
}

/// Device asked for in the link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DevicePref {
    /// burn-flex on the CPU.
    Cpu,
    /// WebGPU, falling back to the CPU when the browser has none.
    WebGpu,
}

/// Every setting a link can hold. Defaults are seed 002's.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// The lesson shown.
    pub lesson: Lesson,
    /// `model`: linear or cnn.
    pub model: ModelKind,
    /// `act`: the first-layer activation.
    pub activation: Activation,
    /// `opt`: sgd or adam.
    pub optimizer: OptimizerKind,
    /// `lr`: learning rate.
    pub learning_rate: f64,
    /// `bs`: batch size.
    pub batch_size: usize,
    /// `epochs`: number of epochs.
    pub num_epochs: usize,
    /// `seed`: data split, weights and shuffles.
    pub seed: u64,
    /// `device`: cpu or webgpu; `None` means "WebGPU if the browser has it".
    pub device: Option<DevicePref>,
    /// `rule` and `pos`: the scoring rule of lesson 1 (see [`format_rule`]).
    pub rule: ScoringRule,
    /// `n`: sequences generated for the 200-nt lessons (seed 003 uses 20,000).
    pub class_seqs: usize,
    /// `cepochs`: epochs of each run in the 200-nt lessons.
    pub class_epochs: usize,
}

/// Default `n`: fewer sequences than seed 003's 20,000 so that an epoch of two models takes
/// seconds in a browser; the link can ask for up to [`MAX_CLASS_SEQS`].
pub const DEFAULT_CLASS_SEQS: usize = 6000;
/// Largest `n`.
pub const MAX_CLASS_SEQS: usize = 20_000;
/// Default `cepochs`.
pub const DEFAULT_CLASS_EPOCHS: usize = 10;

impl Default for Settings {
    fn default() -> Self {
        Settings {
            lesson: Lesson::Rule,
            model: ModelKind::Cnn,
            activation: Activation::Relu,
            optimizer: OptimizerKind::Sgd,
            learning_rate: 0.01,
            batch_size: 128,
            num_epochs: 50,
            seed: 17,
            device: None,
            rule: ScoringRule::default(),
            class_seqs: DEFAULT_CLASS_SEQS,
            class_epochs: DEFAULT_CLASS_EPOCHS,
        }
    }
}

/// Longest motif a rule may hold (the sequences are 8-mers).
pub const MAX_MOTIF: usize = 8;

/// Why `text` is not a motif of the rule, or `None` when it is one: 1 to [`MAX_MOTIF`] of A, C,
/// G, T (lowercase is accepted).
pub fn motif_problem(text: &str) -> Option<String> {
    let t = text.trim();
    if t.is_empty() {
        return Some("a motif needs at least one base".into());
    }
    if let Some((i, c)) = t.chars().enumerate().find(|(_, c)| !matches!(c.to_ascii_uppercase(), 'A' | 'C' | 'G' | 'T')) {
        return Some(format!("'{c}' at position {} is not A, C, G or T", i + 1));
    }
    if t.chars().count() > MAX_MOTIF {
        return Some(format!("a motif can be at most {MAX_MOTIF} bases long (the sequences are 8-mers)"));
    }
    None
}

/// The `rule` link value: base values then motifs with their bonus, comma-separated, e.g.
/// seed 002's `A20,C17,G14,T11,TAT:10,GCG:-10`.
pub fn format_rule(rule: &ScoringRule) -> String {
    let bases = ['A', 'C', 'G', 'T'].iter().zip(rule.base_values).map(|(b, v)| format!("{b}{v}"));
    let motifs = rule.motifs.iter().map(|m| format!("{}:{}", m.motif, m.bonus));
    bases.chain(motifs).collect::<Vec<_>>().join(",")
}

/// Read a `rule` link value (see [`format_rule`]). Bases left out keep seed 002's values; the
/// motifs given replace seed 002's. The position effect is not part of it (`pos`).
///
/// # Errors
/// A message naming the first item that is neither `<base><number>` nor `<motif>:<number>`.
pub fn parse_rule(text: &str) -> Result<ScoringRule, String> {
    let mut rule = ScoringRule { motifs: Vec::new(), ..ScoringRule::default() };
    for item in text.split(',').map(str::trim).filter(|i| !i.is_empty()) {
        let number = |v: &str| v.trim().parse::<f32>().ok().filter(|x| x.is_finite());
        if let Some((motif, bonus)) = item.split_once(':') {
            if let Some(p) = motif_problem(motif) {
                return Err(format!("motif '{}': {p}", shown(motif)));
            }
            let bonus = number(bonus).ok_or_else(|| format!("'{}' is not a bonus (a number) for motif {motif}", shown(bonus)))?;
            rule.motifs.push(MotifBonus { motif: motif.trim().to_ascii_uppercase(), bonus });
        } else {
            let mut chars = item.chars();
            let base = chars.next().map(|c| c.to_ascii_uppercase());
            let slot = ['A', 'C', 'G', 'T'].iter().position(|&b| Some(b) == base);
            match (slot, number(chars.as_str())) {
                (Some(i), Some(v)) => rule.base_values[i] = v,
                _ => return Err(format!("'{}' is neither a base value like A20 nor a motif like TAT:10", shown(item))),
            }
        }
    }
    Ok(rule)
}

/// Largest number of epochs a link may ask for.
pub const MAX_EPOCHS: usize = 1000;
/// Largest batch size a link may ask for (the training split of the 8-mers).
pub const MAX_BATCH: usize = 41_942;

fn shown(value: &str) -> String {
    let mut v: String = value.chars().take(40).collect();
    if value.chars().count() > 40 {
        v.push('…');
    }
    v
}

/// Decode `%XX` escapes and `+`; invalid escapes are kept as they are.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match std::str::from_utf8(&bytes[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl Settings {
    /// Read a query string (with or without the leading `?`). Returns the settings and one
    /// notice per value that was ignored.
    pub fn from_query(query: &str) -> (Settings, Vec<String>) {
        let mut s = Settings::default();
        let mut notices = Vec::new();
        let query = query.strip_prefix('?').unwrap_or(query);
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, raw) = pair.split_once('=').unwrap_or((pair, ""));
            let key = percent_decode(key);
            let value = percent_decode(raw);
            let v = value.trim();
            let mut bad = |what: &str, default: String| notices.push(format!("Ignored {}={}: {what}; using {default}.", shown(&key), shown(&value)));
            match key.as_str() {
                "lesson" => match Lesson::ALL.into_iter().find(|l| l.slug() == v) {
                    Some(l) => s.lesson = l,
                    None => bad("not a lesson (rule, onehot, split, models, train, spot, parity, filters, exp, classify)", s.lesson.slug().into()),
                },
                "model" => match v.parse() {
                    Ok(m @ (ModelKind::Linear | ModelKind::Cnn)) => s.model = m,
                    Ok(_) => bad("the 8-mer lessons take linear or cnn", s.model.to_string()),
                    Err(_) => bad("expected linear or cnn", s.model.to_string()),
                },
                "act" => match v.parse() {
                    Ok(a) => s.activation = a,
                    Err(_) => bad("expected relu, exp, softplus, sigmoid, tanh, elu or linear", s.activation.to_string()),
                },
                "opt" => match v.parse() {
                    Ok(o) => s.optimizer = o,
                    Err(_) => bad("expected sgd or adam", s.optimizer.to_string()),
                },
                "lr" => match v.parse::<f64>() {
                    Ok(x) if x.is_finite() && x > 0.0 && x <= 10.0 => s.learning_rate = x,
                    _ => bad("the learning rate must be a number above 0 and at most 10", s.learning_rate.to_string()),
                },
                "bs" => match v.parse::<usize>() {
                    Ok(n) if (1..=MAX_BATCH).contains(&n) => s.batch_size = n,
                    _ => bad(&format!("the batch size must be a whole number from 1 to {MAX_BATCH}"), s.batch_size.to_string()),
                },
                "epochs" => match v.parse::<usize>() {
                    Ok(n) if (1..=MAX_EPOCHS).contains(&n) => s.num_epochs = n,
                    _ => bad(&format!("epochs must be a whole number from 1 to {MAX_EPOCHS}"), s.num_epochs.to_string()),
                },
                "seed" => match v.parse::<u64>() {
                    Ok(n) => s.seed = n,
                    Err(_) => bad("the seed must be a whole number", s.seed.to_string()),
                },
                "device" => match v.to_ascii_lowercase().as_str() {
                    "cpu" => s.device = Some(DevicePref::Cpu),
                    "webgpu" | "gpu" => s.device = Some(DevicePref::WebGpu),
                    _ => bad("expected cpu or webgpu", "WebGPU if available".into()),
                },
                "rule" => match parse_rule(v) {
                    Ok(r) => {
                        let position = s.rule.position;
                        s.rule = ScoringRule { position, ..r };
                    }
                    Err(e) => bad(&e, "seed 002's rule".into()),
                },
                "n" => match v.parse::<usize>() {
                    Ok(n) if (1000..=MAX_CLASS_SEQS).contains(&n) => s.class_seqs = n,
                    _ => bad(&format!("the number of 200-nt sequences must be a whole number from 1000 to {MAX_CLASS_SEQS}"), s.class_seqs.to_string()),
                },
                "cepochs" => match v.parse::<usize>() {
                    Ok(n) if (1..=100).contains(&n) => s.class_epochs = n,
                    _ => bad("epochs of the 200-nt runs must be a whole number from 1 to 100", s.class_epochs.to_string()),
                },
                "pos" => match v {
                    "1" | "decay" => s.rule.position = PositionEffect::DEFAULT_DECAY,
                    "0" | "uniform" => s.rule.position = PositionEffect::Uniform,
                    _ => bad("expected 1 (position-dependent bonus) or 0", "0".into()),
                },
                _ => notices.push(format!("Ignored unknown setting {}.", shown(&key))),
            }
        }
        (s, notices)
    }

    /// The query string that restores these settings (with the leading `?`).
    pub fn to_query(&self) -> String {
        let mut q = format!(
            "?lesson={}&model={}&act={}&opt={}&lr={}&bs={}&epochs={}&seed={}",
            self.lesson.slug(),
            self.model,
            self.activation,
            self.optimizer,
            self.learning_rate,
            self.batch_size,
            self.num_epochs,
            self.seed
        );
        match self.device {
            Some(DevicePref::Cpu) => q.push_str("&device=cpu"),
            Some(DevicePref::WebGpu) => q.push_str("&device=webgpu"),
            None => {}
        }
        let default = ScoringRule::default();
        if self.rule.base_values != default.base_values || self.rule.motifs != default.motifs {
            q.push_str("&rule=");
            q.push_str(&format_rule(&self.rule).replace('+', "%2B"));
        }
        if self.rule.position != PositionEffect::Uniform {
            q.push_str("&pos=1");
        }
        if self.class_seqs != DEFAULT_CLASS_SEQS {
            q.push_str(&format!("&n={}", self.class_seqs));
        }
        if self.class_epochs != DEFAULT_CLASS_EPOCHS {
            q.push_str(&format!("&cepochs={}", self.class_epochs));
        }
        q
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issue_example_round_trips() {
        let q = "?lesson=train&model=cnn&act=exp&opt=sgd&lr=0.01&bs=128&epochs=50&seed=17&device=cpu";
        let (s, notices) = Settings::from_query(q);
        assert!(notices.is_empty(), "{notices:?}");
        assert_eq!(s.lesson, Lesson::Train);
        assert_eq!(s.activation, Activation::Exp);
        assert_eq!(s.device, Some(DevicePref::Cpu));
        assert_eq!(s.to_query(), q);
        assert_eq!(Settings::from_query(&s.to_query()).0, s);
    }

    #[test]
    fn bad_values_are_ignored_with_a_notice() {
        let (s, notices) = Settings::from_query("lr=-1&bs=0&epochs=abc&act=swish&lesson=%3Cscript%3Ealert(1)%3C%2Fscript%3E&foo=1");
        assert_eq!(s, Settings::default());
        assert_eq!(notices.len(), 6, "{notices:?}");
        assert!(notices[0].starts_with("Ignored lr=-1: the learning rate must be"));
        assert!(notices[4].contains("<script>alert(1)</script>"), "shown as text, decoded: {}", notices[4]);
        assert_eq!(notices[5], "Ignored unknown setting foo.");
    }

    #[test]
    fn the_200nt_settings_ride_in_the_link() {
        let (s, notices) = Settings::from_query("?lesson=exp&n=4000&cepochs=5");
        assert!(notices.is_empty(), "{notices:?}");
        assert_eq!((s.lesson, s.class_seqs, s.class_epochs), (Lesson::Exp, 4000, 5));
        assert!(s.to_query().ends_with("&n=4000&cepochs=5"), "{}", s.to_query());
        assert_eq!(Settings::from_query(&s.to_query()).0, s);
        let (s, notices) = Settings::from_query("n=50&cepochs=0&model=cnn-dist");
        assert_eq!(notices.len(), 3, "{notices:?}");
        assert!(notices[0].contains("from 1000 to 20000"), "{}", notices[0]);
        assert!(notices[2].starts_with("Ignored model=cnn-dist"), "the 8-mer lessons take linear or cnn: {}", notices[2]);
        assert_eq!((s.class_seqs, s.class_epochs, s.model), (DEFAULT_CLASS_SEQS, DEFAULT_CLASS_EPOCHS, ModelKind::Cnn));
    }

    #[test]
    fn the_rule_rides_in_the_link() {
        // Seed 002's rule is the default and stays out of the link.
        assert_eq!(parse_rule("A20,C17,G14,T11,TAT:10,GCG:-10").unwrap(), ScoringRule::default());
        assert!(!Settings::default().to_query().contains("rule="));
        // A changed rule round-trips, with the position-dependent variant (seed 002, Question 1).
        let (s, notices) = Settings::from_query("?lesson=rule&rule=a22,T9.5,ccg:4,TAT:-2.5&pos=1");
        assert!(notices.is_empty(), "{notices:?}");
        assert_eq!(s.rule.base_values, [22.0, 17.0, 14.0, 9.5]);
        assert_eq!(s.rule.motifs, vec![MotifBonus { motif: "CCG".into(), bonus: 4.0 }, MotifBonus { motif: "TAT".into(), bonus: -2.5 }]);
        assert_eq!(s.rule.position, PositionEffect::DEFAULT_DECAY);
        assert_eq!(Settings::from_query(&s.to_query()).0, s);
        // The rule scores as written: A = 22 on AAAAAAAA; CCGAAAAA has CCG at the start, so its
        // bonus is 1.5 × 4: (17 + 17 + 14 + 5 × 22) / 8 + 6 = 25.75.
        assert_eq!(s.rule.score("AAAAAAAA").unwrap(), 22.0);
        assert!((s.rule.score("CCGAAAAA").unwrap() - 25.75).abs() < 1e-5);
        // Bad items are named, and seed 002's rule is kept.
        let (s, notices) = Settings::from_query("rule=A20,TAX:3");
        assert_eq!(s.rule, ScoringRule::default());
        assert!(notices[0].contains("motif 'TAX': 'X' at position 3 is not A, C, G or T"), "{notices:?}");
        assert!(parse_rule("Q5").unwrap_err().contains("'Q5' is neither a base value"));
        assert!(parse_rule("TAT:ten").unwrap_err().contains("'ten' is not a bonus"));
        assert!(parse_rule("ACGTACGTA:1").unwrap_err().contains("at most 8 bases"));
    }

    #[test]
    fn long_values_are_shortened_and_escapes_decoded() {
        let long = "9".repeat(100);
        let (_, notices) = Settings::from_query(&format!("seed={long}"));
        assert!(notices[0].contains('…') && notices[0].len() < 120, "{}", notices[0]);
        assert_eq!(percent_decode("a%20b+c%zz%4"), "a b c%zz%4");
        assert_eq!(percent_decode("%é%"), "%é%", "non-ASCII after % does not panic");
    }
}
