//! DNA Playground's page state, pure and testable natively.
//!
//! The link is the lesson: the URL's query holds the lesson and every setting, with short names
//! an instructor can write by hand, e.g.
//! `?lesson=train&model=cnn&act=exp&opt=sgd&lr=0.01&bs=128&epochs=50&seed=17&device=cpu`.
//!
//! A bad or hostile value is ignored with a notice that names it, and the default is used.
//! Notices are plain text (Leptos escapes text), so nothing from the URL reaches the page as HTML.

use dnaplay_model::models::{Activation, ModelKind};
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
}

impl Lesson {
    /// Every lesson, in order.
    pub const ALL: [Lesson; 8] = [Lesson::Rule, Lesson::OneHot, Lesson::Split, Lesson::Models, Lesson::Train, Lesson::Spot, Lesson::Parity, Lesson::Filters];

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
}

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
        }
    }
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
                    None => bad("not a lesson (rule, onehot, split, models, train, spot, parity, filters)", s.lesson.slug().into()),
                },
                "model" => match v.parse() {
                    Ok(m) => s.model = m,
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
    fn long_values_are_shortened_and_escapes_decoded() {
        let long = "9".repeat(100);
        let (_, notices) = Settings::from_query(&format!("seed={long}"));
        assert!(notices[0].contains('…') && notices[0].len() < 120, "{}", notices[0]);
        assert_eq!(percent_decode("a%20b+c%zz%4"), "a b c%zz%4");
        assert_eq!(percent_decode("%é%"), "%é%", "non-ASCII after % does not panic");
    }
}
