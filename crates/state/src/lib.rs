//! DNA Playground's page state, pure and testable natively.
//!
//! The link is the lesson: the URL's query holds the lesson and every setting, with short names
//! an instructor can write by hand, e.g.
//! `?lesson=train&model=cnn&act=exp&opt=sgd&lr=0.01&bs=128&epochs=50&seed=17&device=cpu`.
//!
//! A bad or hostile value is ignored with a notice that names it, and the default is used.
//! Notices are plain text (Leptos escapes text), so nothing from the URL reaches the page as HTML.

pub mod fuzz;

use dnaplay_model::BackendChoice;
use dnaplay_model::attribution::Reference;
use dnaplay_model::models::{Activation, ModelKind};
use dnaplay_model::scoring::{MAX_MOTIFS, MotifBonus, PositionEffect, ScoringRule};
use dnaplay_model::settings::{self, Setting, shortened};
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
    /// 11. Why did it predict that? Attribution maps scored against the planted motifs.
    Explain,
    /// 12. Exercises: seed 002's three questions, as sweeps and comparisons.
    Exercises,
    /// 13. Your own sequences: upload, train, export.
    Data,
}

/// Which exercise lesson 12 shows (`ex`): seed 002's Questions 1 to 3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Exercise {
    /// Question 1: position-dependent scoring.
    #[default]
    Position,
    /// Question 2: a learning-rate sweep of Linear against CNN.
    Sweep,
    /// Question 3: improve the model where it fails.
    Improve,
    /// Seed 003's Fig. 1c: motif matches of CNN-2, CNN-50 and CNN-deep across activations.
    Fig1c,
}

impl Exercise {
    /// Every exercise, in the seed's order.
    pub const ALL: [Exercise; 4] = [Exercise::Position, Exercise::Sweep, Exercise::Improve, Exercise::Fig1c];

    /// The link value: q1, q2, q3.
    pub fn slug(self) -> &'static str {
        match self {
            Exercise::Position => "q1",
            Exercise::Sweep => "q2",
            Exercise::Improve => "q3",
            Exercise::Fig1c => "fig1c",
        }
    }

    /// The tab's title.
    pub fn title(self) -> &'static str {
        match self {
            Exercise::Position => "Q1 · Position-dependent scoring",
            Exercise::Sweep => "Q2 · Learning-rate sweep",
            Exercise::Improve => "Q3 · Improve the model",
            Exercise::Fig1c => "Seed 003 · Fig. 1c",
        }
    }
}

impl Lesson {
    /// Every lesson, in order.
    pub const ALL: [Lesson; 13] = [
        Lesson::Rule,
        Lesson::OneHot,
        Lesson::Split,
        Lesson::Models,
        Lesson::Train,
        Lesson::Spot,
        Lesson::Parity,
        Lesson::Filters,
        Lesson::Exp,
        Lesson::Classify,
        Lesson::Explain,
        Lesson::Exercises,
        Lesson::Data,
    ];

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
            Lesson::Explain => "explain",
            Lesson::Exercises => "exercises",
            Lesson::Data => "data",
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
            Lesson::Explain => "Why did it predict that?",
            Lesson::Exercises => "Exercises: sweeps and comparisons",
            Lesson::Data => "Your own sequences",
        }
    }

    /// 0-based position.
    pub fn index(self) -> usize {
        Lesson::ALL.iter().position(|&l| l == self).expect("every lesson is in ALL")
    }
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
    /// `device`: `cpu` (burn-flex) or `webgpu` (burn-wgpu); `None` (`auto`, the default) means
    /// the faster of the two, timed on the first training of each model. The model crate's
    /// device type, as the CLI's `--device`.
    pub device: Option<BackendChoice>,
    /// `rule` and `pos`: the scoring rule of lesson 1 (see [`format_rule`]).
    pub rule: ScoringRule,
    /// `n`: sequences generated for the 200-nt lessons (seed 003 uses 20,000).
    pub class_seqs: usize,
    /// `cepochs`: epochs of each run in the 200-nt lessons.
    pub class_epochs: usize,
    /// `elr`: Adam's learning rate in lesson 9.
    pub exp_lr: f64,
    /// `klr`: Adam's learning rate in lesson 10.
    pub keras_lr: f64,
    /// `igref`: the reference of integrated gradients in lesson 11.
    pub reference: Reference,
    /// `xseq`: the 8-mer lesson 11 explains with the 8-mer models (checked by
    /// [`explain_seq_problem`]).
    pub explain_seq: String,
    /// `ex`: the exercise lesson 12 shows.
    pub exercise: Exercise,
    /// `hide`: controls an instructor hid, by their link keys ([`HIDEABLE`]), e.g.
    /// `hide=opt,lr,device`.
    pub hide: Vec<&'static str>,
    /// `lessons`: the lessons listed, in course order; empty lists every lesson.
    pub lessons: Vec<Lesson>,
    /// `contrast=1`: high contrast and large text, for projectors.
    pub contrast: bool,
}

/// The controls a link can hide (`hide=`), by key, with what each is.
pub const HIDEABLE: [(&str, &str); 18] = [
    ("model", "Model"),
    ("act", "First-layer activation"),
    ("opt", "Optimizer"),
    ("lr", "learning rate"),
    ("bs", "batch size"),
    ("epochs", "epochs"),
    ("seed", "seed"),
    ("device", "Device"),
    ("n", "sequences"),
    ("cepochs", "epochs per run"),
    ("elr", "lesson 9's learning rate"),
    ("klr", "lesson 10's learning rate"),
    ("igref", "integrated gradients' reference"),
    ("xseq", "sequence explained"),
    ("rule", "scoring rule"),
    ("pos", "position effect"),
    ("export", "export menu"),
    ("upload", "file upload"),
];

/// The `hide` key of a control from its visible label ("Model", "learning rate", "Learning
/// rate"), or `None` for a label no key names. The page marks each control with it, so one
/// list ([`HIDEABLE`], [`settings`]) decides what a link can hide.
pub fn hide_key(label: &str) -> Option<&'static str> {
    let l = label.trim().to_ascii_lowercase();
    let from_settings = [&settings::LEARNING_RATE, &settings::BATCH_SIZE, &settings::EPOCHS, &settings::SEED, &settings::CLASS_SEQS, &settings::CLASS_EPOCHS, &settings::EXP_LR, &settings::KERAS_LR]
        .into_iter()
        .find(|s| s.title().to_ascii_lowercase() == l || s.label.to_ascii_lowercase() == l)
        .map(|s| s.key);
    from_settings.or_else(|| HIDEABLE.iter().find(|(_, name)| name.to_ascii_lowercase() == l).map(|(k, _)| *k))
}

/// The 8-mer lesson 11 explains by default: GCG at 1–3 and TAT at 6–8, seed 002's two motifs.
pub const DEFAULT_EXPLAIN_SEQ: &str = "GCGACTAT";

/// Why `text` is not an 8-mer lesson 11 can explain, or `None` when it is one: exactly 8 of
/// A, C, G, T (lowercase is accepted).
pub fn explain_seq_problem(text: &str) -> Option<String> {
    let t = text.trim();
    if let Some((i, c)) = t.chars().enumerate().find(|(_, c)| !matches!(c.to_ascii_uppercase(), 'A' | 'C' | 'G' | 'T')) {
        return Some(format!("'{c}' at position {} is not A, C, G or T", i + 1));
    }
    let n = t.chars().count();
    (n != 8).then(|| format!("the 8-mer models take 8 bases; this has {n}"))
}

/// Longest query string read, in bytes: a hand-written link is far shorter; past this the rest
/// is ignored with one notice, so a hostile link cannot hold the page.
pub const MAX_QUERY_BYTES: usize = 4096;
/// Most `key=value` pairs read (there are 14 settings).
pub const MAX_PAIRS: usize = 64;
/// Most notices listed; the rest are counted in one more notice.
pub const MAX_NOTICES: usize = 8;

impl Default for Settings {
    fn default() -> Self {
        Settings {
            lesson: Lesson::Rule,
            model: ModelKind::Cnn,
            activation: Activation::Relu,
            optimizer: OptimizerKind::Sgd,
            learning_rate: settings::LEARNING_RATE.default,
            batch_size: settings::BATCH_SIZE.default_usize(),
            num_epochs: settings::EPOCHS.default_usize(),
            seed: settings::SEED.default as u64,
            device: None,
            rule: ScoringRule::default(),
            class_seqs: settings::CLASS_SEQS.default_usize(),
            class_epochs: settings::CLASS_EPOCHS.default_usize(),
            exp_lr: settings::EXP_LR.default,
            keras_lr: settings::KERAS_LR.default,
            reference: Reference::Shuffle,
            explain_seq: DEFAULT_EXPLAIN_SEQ.into(),
            exercise: Exercise::Position,
            hide: Vec::new(),
            lessons: Vec::new(),
            contrast: false,
        }
    }
}

impl Settings {
    /// The lessons the list shows: the link's `lessons`, or all.
    pub fn visible_lessons(&self) -> Vec<Lesson> {
        if self.lessons.is_empty() { Lesson::ALL.to_vec() } else { self.lessons.clone() }
    }

    /// The visible lesson `delta` steps from the current one (the pager and the arrow keys).
    pub fn step_lesson(&self, delta: isize) -> Option<Lesson> {
        let list = self.visible_lessons();
        let here = list.iter().position(|&l| l == self.lesson)?;
        usize::try_from(here as isize + delta).ok().and_then(|i| list.get(i).copied())
    }

    /// The control `key` is hidden by the link.
    pub fn hides(&self, key: &str) -> bool {
        self.hide.contains(&key)
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
/// A message naming the first item that is neither `<base><number>` nor `<motif>:<number>`,
/// more than [`MAX_MOTIFS`] motifs, or a value the rule refuses ([`ScoringRule::validate`]).
pub fn parse_rule(text: &str) -> Result<ScoringRule, String> {
    let mut rule = ScoringRule { motifs: Vec::new(), ..ScoringRule::default() };
    for item in text.split(',').map(str::trim).filter(|i| !i.is_empty()) {
        if rule.motifs.len() == MAX_MOTIFS && item.contains(':') {
            let count = text.split(',').filter(|i| i.contains(':')).count();
            return Err(format!("the rule has {count} motifs; at most {MAX_MOTIFS} are allowed"));
        }
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
    rule.validate().map_err(|e| e.to_string())?;
    Ok(rule)
}

fn shown(value: &str) -> String {
    shortened(value)
}

/// Read a `hide` value: known keys ([`HIDEABLE`]), comma-separated, each once.
fn parse_hide(v: &str) -> Result<Vec<&'static str>, String> {
    let mut keys = Vec::new();
    for k in v.split(',').map(str::trim).filter(|k| !k.is_empty()) {
        let (key, _) = HIDEABLE
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(k))
            .ok_or_else(|| format!("'{}' is not a control that can be hidden ({})", shown(k), HIDEABLE.map(|h| h.0).join(", ")))?;
        if !keys.contains(key) {
            keys.push(*key);
        }
    }
    Ok(keys)
}

/// Read a `lessons` value: lesson names or 1-based numbers, comma-separated; kept in course
/// order, each once.
fn parse_lessons(v: &str) -> Result<Vec<Lesson>, String> {
    let mut list = Vec::new();
    for k in v.split(',').map(str::trim).filter(|k| !k.is_empty()) {
        let l = Lesson::ALL
            .into_iter()
            .find(|l| l.slug().eq_ignore_ascii_case(k) || k.parse::<usize>().is_ok_and(|n| n == l.index() + 1))
            .ok_or_else(|| format!("'{}' is not a lesson (a name such as train, or a number 1 to {})", shown(k), Lesson::ALL.len()))?;
        if !list.contains(&l) {
            list.push(l);
        }
    }
    list.sort_by_key(|l| l.index());
    Ok(list)
}

/// Read a whole-number setting into `slot`, or give the refusal.
fn read_count(setting: &Setting, value: &str, slot: &mut usize) -> Result<(), String> {
    *slot = setting.parse_usize(value).map_err(|e| e.to_string())?;
    Ok(())
}

impl Settings {
    /// Read a query string (with or without the leading `?`). Returns the settings and the
    /// notices to show: one per value that was ignored (the default is used), at most
    /// [`MAX_NOTICES`] of them plus one that counts the rest. Only the first
    /// [`MAX_QUERY_BYTES`] bytes and [`MAX_PAIRS`] pairs are read. Decoding is
    /// `application/x-www-form-urlencoded` (the `form_urlencoded` crate): `+` is a space, and an
    /// invalid `%` escape or invalid UTF-8 is kept or replaced, never an error.
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
            notices.push(format!("The link's settings are {} characters long; only the first {MAX_QUERY_BYTES} were read.", query.len()));
            query = &query[..end];
        }
        let mut pairs = form_urlencoded::parse(query.as_bytes()).filter(|(k, v)| !(k.is_empty() && v.is_empty()));
        for (key, value) in pairs.by_ref().take(MAX_PAIRS) {
            if let Err(notice) = s.apply(&key, &value) {
                notices.push(notice);
            }
        }
        if !s.lessons.is_empty() && !s.lessons.contains(&s.lesson) {
            s.lesson = s.lessons[0];
        }
        let rest = pairs.count();
        if rest > 0 {
            notices.push(format!("Ignored {rest} more settings: a link reads at most {MAX_PAIRS}."));
        }
        if notices.len() > MAX_NOTICES {
            let more = notices.len() - (MAX_NOTICES - 1);
            notices.truncate(MAX_NOTICES - 1);
            notices.push(format!("… and {more} more ignored settings."));
        }
        (s, notices)
    }

    /// Apply one `key=value` of a link; on a bad value keep the default and return the notice.
    fn apply(&mut self, key: &str, value: &str) -> Result<(), String> {
        let v = value.trim();
        let s = self;
        let notice = |why: &str, default: String| format!("Ignored {}={}: {why}; using {default}.", shown(key), shown(value));
        let result: Result<(), String> = match key {
            "lesson" => Lesson::ALL
                .into_iter()
                .find(|l| l.slug() == v)
                .map(|l| s.lesson = l)
                .ok_or_else(|| format!("not a lesson ({})", Lesson::ALL.map(Lesson::slug).join(", "))),
            "model" => match v.parse() {
                Ok(m @ (ModelKind::Linear | ModelKind::Cnn)) => Ok(s.model = m),
                Ok(_) => Err("the 8-mer lessons take linear or cnn".into()),
                Err(_) => Err("expected linear or cnn".into()),
            },
            "act" => v.parse().map(|a| s.activation = a).map_err(|_| "expected relu, exp, softplus, sigmoid, tanh, elu or linear".into()),
            "opt" => v.parse().map(|o| s.optimizer = o).map_err(|_| "expected sgd or adam".into()),
            "lr" => settings::LEARNING_RATE.parse_f64(v).map(|x| s.learning_rate = x).map_err(|e| e.to_string()),
            "bs" => read_count(&settings::BATCH_SIZE, v, &mut s.batch_size),
            "epochs" => read_count(&settings::EPOCHS, v, &mut s.num_epochs),
            "seed" => settings::SEED.parse_u64(v).map(|n| s.seed = n).map_err(|e| e.to_string()),
            "device" => match v.to_ascii_lowercase().as_str() {
                "cpu" => Ok(s.device = Some(BackendChoice::Flex)),
                "webgpu" | "gpu" => Ok(s.device = Some(BackendChoice::Wgpu)),
                "auto" => Ok(s.device = None),
                _ => Err("expected auto, cpu or webgpu".into()),
            },
            "rule" => parse_rule(v).map(|r| {
                let position = s.rule.position;
                s.rule = ScoringRule { position, ..r };
            }),
            "n" => read_count(&settings::CLASS_SEQS, v, &mut s.class_seqs),
            "cepochs" => read_count(&settings::CLASS_EPOCHS, v, &mut s.class_epochs),
            "elr" => settings::EXP_LR.parse_f64(v).map(|x| s.exp_lr = x).map_err(|e| e.to_string()),
            "klr" => settings::KERAS_LR.parse_f64(v).map(|x| s.keras_lr = x).map_err(|e| e.to_string()),
            "igref" => v.parse().map(|r| s.reference = r).map_err(|_| "expected shuffle, zero or uniform".into()),
            "xseq" => match explain_seq_problem(v) {
                None => Ok(s.explain_seq = v.to_ascii_uppercase()),
                Some(p) => Err(p),
            },
            "ex" => Exercise::ALL.into_iter().find(|e| e.slug() == v).map(|e| s.exercise = e).ok_or_else(|| "expected q1, q2, q3 or fig1c".into()),
            "hide" => parse_hide(v).map(|keys| s.hide = keys),
            "lessons" => parse_lessons(v).map(|list| s.lessons = list),
            "contrast" => match v {
                "1" | "on" | "true" => Ok(s.contrast = true),
                "0" | "off" | "false" => Ok(s.contrast = false),
                _ => Err("expected 1 (high contrast, large text) or 0".into()),
            },
            "pos" => match v {
                "1" | "decay" => Ok(s.rule.position = PositionEffect::DEFAULT_DECAY),
                "0" | "uniform" => Ok(s.rule.position = PositionEffect::Uniform),
                _ => Err("expected 1 (position-dependent bonus) or 0".into()),
            },
            _ => return Err(format!("Ignored unknown setting {}.", shown(key))),
        };
        result.map_err(|why| {
            let default = Settings::default();
            let default = match key {
                "lesson" => default.lesson.slug().to_string(),
                "model" => default.model.to_string(),
                "act" => default.activation.to_string(),
                "opt" => default.optimizer.to_string(),
                "lr" => default.learning_rate.to_string(),
                "bs" => default.batch_size.to_string(),
                "epochs" => default.num_epochs.to_string(),
                "seed" => default.seed.to_string(),
                "device" => "auto, the faster device".into(),
                "rule" => "seed 002's rule".into(),
                "n" => default.class_seqs.to_string(),
                "cepochs" => default.class_epochs.to_string(),
                "elr" => default.exp_lr.to_string(),
                "klr" => default.keras_lr.to_string(),
                "igref" => default.reference.to_string(),
                "xseq" => default.explain_seq,
                "ex" => default.exercise.slug().to_string(),
                "contrast" => "0".into(),
                "hide" => "nothing hidden".into(),
                "lessons" => "every lesson".into(),
                _ => "0".into(),
            };
            notice(&why, default)
        })
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
            Some(BackendChoice::Wgpu) => q.push_str("&device=webgpu"),
            Some(_) => q.push_str("&device=cpu"),
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
        if self.class_seqs != settings::CLASS_SEQS.default_usize() {
            q.push_str(&format!("&n={}", self.class_seqs));
        }
        if self.class_epochs != settings::CLASS_EPOCHS.default_usize() {
            q.push_str(&format!("&cepochs={}", self.class_epochs));
        }
        if self.exp_lr != settings::EXP_LR.default {
            q.push_str(&format!("&elr={}", self.exp_lr));
        }
        if self.keras_lr != settings::KERAS_LR.default {
            q.push_str(&format!("&klr={}", self.keras_lr));
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
        assert_eq!(s.device, Some(BackendChoice::Flex));
        assert_eq!(s.to_query(), q);
        assert_eq!(Settings::from_query(&s.to_query()).0, s);
    }

    #[test]
    fn device_auto_is_the_default_and_never_written() {
        let (s, notices) = Settings::from_query("?lesson=exp&device=auto");
        assert!(notices.is_empty(), "{notices:?}");
        assert_eq!(s.device, None);
        assert!(!s.to_query().contains("device"), "{}", s.to_query());
        let (_, notices) = Settings::from_query("?device=tpu");
        assert!(notices[0].contains("expected auto, cpu or webgpu") && notices[0].contains("auto, the faster device"), "{notices:?}");
    }

    #[test]
    fn bad_values_are_ignored_with_a_notice() {
        let (s, notices) = Settings::from_query("lr=-1&bs=0&epochs=abc&act=swish&lesson=%3Cscript%3Ealert(1)%3C%2Fscript%3E&foo=1");
        assert_eq!(s, Settings::default());
        assert_eq!(notices.len(), 6, "{notices:?}");
        assert!(notices[0].starts_with("Ignored lr=-1: learning rate -1 is invalid; it must be a number above 0 and at most 10"), "{}", notices[0]);
        assert!(notices[4].contains("<script>alert(1)</script>"), "shown as text, decoded: {}", notices[4]);
        assert_eq!(notices[5], "Ignored unknown setting foo.");
    }

    #[test]
    fn lesson_11s_settings_ride_in_the_link_and_bad_ones_are_named() {
        let (s, notices) = Settings::from_query("?lesson=explain&igref=zero&xseq=tatatata");
        assert!(notices.is_empty(), "{notices:?}");
        assert_eq!((s.lesson, s.reference, s.explain_seq.as_str()), (Lesson::Explain, Reference::Zero, "TATATATA"));
        assert!(s.to_query().ends_with("&igref=zero&xseq=TATATATA"), "{}", s.to_query());
        assert_eq!(Settings::from_query(&s.to_query()).0, s);
        assert!(!Settings::default().to_query().contains("igref"));
        let (s, notices) = Settings::from_query("igref=mean&xseq=ACGTNACG&lesson=explain");
        assert_eq!((s.reference, s.explain_seq.as_str()), (Reference::Shuffle, DEFAULT_EXPLAIN_SEQ));
        assert_eq!(notices[0], "Ignored igref=mean: expected shuffle, zero or uniform; using shuffle.");
        assert_eq!(notices[1], "Ignored xseq=ACGTNACG: 'N' at position 5 is not A, C, G or T; using GCGACTAT.");
        let (_, notices) = Settings::from_query("xseq=ACG");
        assert_eq!(notices[0], "Ignored xseq=ACG: the 8-mer models take 8 bases; this has 3; using GCGACTAT.");
    }

    #[test]
    fn lesson_12s_exercise_rides_in_the_link() {
        let (s, notices) = Settings::from_query("?lesson=exercises&ex=q2");
        assert!(notices.is_empty(), "{notices:?}");
        assert_eq!((s.lesson, s.exercise), (Lesson::Exercises, Exercise::Sweep));
        assert!(s.to_query().ends_with("&ex=q2"), "{}", s.to_query());
        assert_eq!(Settings::from_query(&s.to_query()).0, s);
        assert!(!Settings::default().to_query().contains("ex="));
        let (s, notices) = Settings::from_query("lesson=exercises&ex=q9");
        assert_eq!(s.exercise, Exercise::Position);
        assert_eq!(notices[0], "Ignored ex=q9: expected q1, q2, q3 or fig1c; using q1.");
    }

    #[test]
    fn the_200nt_settings_ride_in_the_link() {
        let (s, notices) = Settings::from_query("?lesson=exp&n=4000&cepochs=5&elr=0.001&klr=0.02");
        assert!(notices.is_empty(), "{notices:?}");
        assert_eq!((s.lesson, s.class_seqs, s.class_epochs, s.exp_lr, s.keras_lr), (Lesson::Exp, 4000, 5, 0.001, 0.02));
        assert!(s.to_query().ends_with("&n=4000&cepochs=5&elr=0.001&klr=0.02"), "{}", s.to_query());
        assert_eq!(Settings::from_query(&s.to_query()).0, s);
        // The defaults stay out of the link.
        let q = Settings::default().to_query();
        assert!(!q.contains("elr=") && !q.contains("klr="), "{q}");
        let (s, notices) = Settings::from_query("n=50&cepochs=0&model=cnn-dist&elr=0&klr=x");
        assert_eq!(notices.len(), 5, "{notices:?}");
        assert!(notices[0].contains("from 1,000 to 30,000"), "{}", notices[0]);
        assert!(notices[2].starts_with("Ignored model=cnn-dist"), "the 8-mer lessons take linear or cnn: {}", notices[2]);
        assert!(notices[3].starts_with("Ignored elr=0: lesson 9's learning rate 0 is invalid"), "{}", notices[3]);
        assert!(notices[3].ends_with("using 0.01."), "{}", notices[3]);
        assert!(notices[4].starts_with("Ignored klr=x: ") && notices[4].ends_with("using 0.003."), "{}", notices[4]);
        assert_eq!((s.class_seqs, s.class_epochs, s.model, s.exp_lr, s.keras_lr), (6000, 10, ModelKind::Cnn, 0.01, 0.003));
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
        assert!(notices[0].contains('…') && notices[0].len() < 300, "{}", notices[0]);
        let (s, notices) = Settings::from_query("act=%zz%4&lesson=a%20b+c%é%");
        assert_eq!(s, Settings::default());
        assert!(notices[0].starts_with("Ignored act=%zz%4:"), "invalid escapes are kept: {notices:?}");
        assert!(notices[1].starts_with("Ignored lesson=a b c%é%:"), "{notices:?}");
    }

    #[test]
    fn hostile_links_are_bounded() {
        // 1,200 motifs: refused at once with one notice; seed 002's rule is kept.
        let rule = vec!["TAT:1"; 1200].join(",");
        let start = std::time::Instant::now();
        let (s, notices) = Settings::from_query(&format!("rule={rule}&lesson=train"));
        assert_eq!(s.rule, ScoringRule::default());
        // The rule's pair runs past the first 4,096 bytes, so it is dropped whole, not cut.
        assert_eq!(notices, vec!["The link's settings are 7217 characters long; only the first 4096 were read.".to_string()]);
        assert_eq!(s.lesson, Lesson::Rule, "lesson=train came after the cut");
        let (_, notices) = Settings::from_query(&format!("rule={}", vec!["TAT:1"; 17].join(",")));
        assert_eq!(notices, vec!["Ignored rule=TAT:1,TAT:1,TAT:1,TAT:1,TAT:1,TAT:1,TAT:…: the rule has 17 motifs; at most 16 are allowed; using seed 002's rule.".to_string()]);
        // Values that would overflow every score to +inf.
        let (s, notices) = Settings::from_query("rule=A3e38,C3e38,G3e38,T3e38");
        assert_eq!(s.rule, ScoringRule::default());
        assert!(notices[0].contains("value of A must be a finite number between -1000 and 1000, got 3000000"), "{notices:?}");
        // A value of several kilobytes is shortened in its notice.
        let (_, notices) = Settings::from_query(&format!("lr={}", "9".repeat(3000)));
        assert_eq!(notices.len(), 1);
        assert!(notices[0].len() < 300, "{}", notices[0]);
        // Thousands of unknown parameters: one notice per ignored one, at most 8 in all.
        let many: String = (0..3000).map(|i| format!("x{i}=1&")).collect();
        let (s, notices) = Settings::from_query(&format!("lesson=spot&{many}"));
        assert_eq!(s.lesson, Lesson::Spot);
        assert_eq!(notices.len(), MAX_NOTICES, "{notices:?}");
        assert!(notices.last().unwrap().starts_with("… and "), "{notices:?}");
        // Every number's magnitude.
        let (s, notices) = Settings::from_query("epochs=18446744073709551616&bs=99999999999&n=10000000&seed=-3&lr=1e308");
        assert_eq!(s, Settings::default());
        assert_eq!(notices.len(), 5, "{notices:?}");
        assert!(notices[2].contains("would need about 32.0 GB"), "{}", notices[2]);
        assert!(start.elapsed().as_millis() < 500, "bounded work: {:?}", start.elapsed());
    }

    #[test]
    fn instructors_shape_the_page_with_hide_lessons_and_contrast() {
        let (s, notices) = Settings::from_query("?lesson=train&hide=opt,LR,device,lr&lessons=5,rule,data,train&contrast=1");
        assert!(notices.is_empty(), "{notices:?}");
        assert_eq!(s.hide, vec!["opt", "lr", "device"]);
        assert_eq!(s.lessons, vec![Lesson::Rule, Lesson::Train, Lesson::Data]);
        assert!(s.contrast && s.hides("lr") && !s.hides("bs"));
        assert_eq!(s.step_lesson(1), Some(Lesson::Data));
        assert_eq!(s.step_lesson(-1), Some(Lesson::Rule));
        assert!(s.to_query().ends_with("&hide=opt,lr,device&lessons=rule,train,data&contrast=1"), "{}", s.to_query());
        assert_eq!(Settings::from_query(&s.to_query()).0, s);
        // A lesson outside the list opens the list's first.
        let (s, _) = Settings::from_query("lesson=exp&lessons=train,parity");
        assert_eq!(s.lesson, Lesson::Train);
        assert_eq!(s.step_lesson(1), Some(Lesson::Parity));
        assert_eq!(s.step_lesson(1).and_then(|l| Settings { lesson: l, ..s.clone() }.step_lesson(1)), None);
        // Bad values are named; nothing is hidden and every lesson listed.
        let (s, notices) = Settings::from_query("hide=lr,<b>&lessons=train,99&contrast=2");
        assert_eq!((s.hide.len(), s.lessons.len(), s.contrast), (0, 0, false));
        assert!(notices[0].starts_with("Ignored hide=lr,<b>: '<b>' is not a control that can be hidden (model, act,") && notices[0].ends_with("using nothing hidden."), "{}", notices[0]);
        assert_eq!(notices[1], "Ignored lessons=train,99: '99' is not a lesson (a name such as train, or a number 1 to 13); using every lesson.");
        assert!(notices[2].starts_with("Ignored contrast=2: expected 1"), "{}", notices[2]);
        // The page finds a control's key from its label.
        assert_eq!(hide_key("Learning rate"), Some("lr"));
        assert_eq!(hide_key("Model"), Some("model"));
        assert_eq!(hide_key("First-layer activation"), Some("act"));
        assert_eq!(hide_key("Batch size"), Some("bs"));
        assert_eq!(hide_key("Colour"), None);
        assert!(Settings::from_query("lesson=data").1.is_empty());
    }
}
