//! DNA Playground's page state, pure and testable natively.
//!
//! The link is the lesson: the URL's query holds the lesson and every setting, with short names
//! an instructor can write by hand, e.g.
//! `?lesson=train&model=cnn&act=exp&opt=sgd&lr=0.01&bs=128&epochs=50&seed=17&device=cpu`.
//!
//! A bad or hostile value is ignored with a notice that names it, and the default is used.
//! Notices are plain text (Leptos escapes text), so nothing from the URL reaches the page as HTML.
//!
//! The modules follow the jobs: [`lessons`] (the lesson list), [`rule`] (lesson 1's rule as
//! text), [`hide`] (the controls a link hides), [`link`] (the query string's codec), [`share`] (the
//! Share panel's link) and [`error`] (why a value was refused).

pub mod compare;
pub mod error;
pub mod fuzz;
pub mod hide;
pub mod lessons;
pub mod link;
pub mod rule;
pub mod share;

pub use error::{LinkError, RuleError, ValueError};
pub use hide::{HIDEABLE, hide_key};
pub use lessons::{Exercise, Lesson};
pub use link::{MAX_NOTICES, MAX_PAIRS, MAX_QUERY_BYTES};
pub use rule::{MAX_MOTIF, format_rule, motif_problem, parse_rule};
pub use share::{Share, ShareError};

use dnaplay_model::BackendChoice;
use dnaplay_model::attribution::Reference;
use dnaplay_model::models::{Activation, ModelKind};
use dnaplay_model::scoring::ScoringRule;
use dnaplay_model::settings::{self, shortened};
use dnaplay_model::trainer::OptimizerKind;

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
    /// `n`: sequences generated for lesson 9 and lesson 12's 200-nt exercises (seed 003 uses
    /// 20,000).
    pub class_seqs: usize,
    /// `cepochs`: epochs of each run in lesson 9 and lesson 12's 200-nt exercises.
    pub class_epochs: usize,
    /// `elr`: Adam's learning rate in lesson 9.
    pub exp_lr: f64,
    /// `kn`: sequences generated for lesson 10 (seed 000 uses 10,000).
    pub keras_seqs: usize,
    /// `kepochs`: epochs of lesson 10's run.
    pub keras_epochs: usize,
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
            keras_seqs: settings::KERAS_SEQS.default_usize(),
            keras_epochs: settings::KERAS_EPOCHS.default_usize(),
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

/// A value as a notice shows it: at most 40 characters.
fn shown(value: &str) -> String {
    shortened(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use dnaplay_model::scoring::{MotifBonus, PositionEffect};

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
        let (s, notices) = Settings::from_query("?lesson=exp&n=4000&cepochs=5&elr=0.001&kn=12000&kepochs=4&klr=0.02");
        assert!(notices.is_empty(), "{notices:?}");
        assert_eq!((s.lesson, s.class_seqs, s.class_epochs, s.exp_lr, s.keras_lr), (Lesson::Exp, 4000, 5, 0.001, 0.02));
        // Lesson 10's sequences and epochs are its own: lesson 9's do not change them.
        assert_eq!((s.keras_seqs, s.keras_epochs), (12000, 4));
        assert!(s.to_query().ends_with("&n=4000&cepochs=5&elr=0.001&kn=12000&kepochs=4&klr=0.02"), "{}", s.to_query());
        assert_eq!(Settings::from_query(&s.to_query()).0, s);
        // The defaults stay out of the link.
        let q = Settings::default().to_query();
        assert!(!q.contains("elr=") && !q.contains("klr=") && !q.contains("kn=") && !q.contains("kepochs="), "{q}");
        assert_eq!((Settings::default().keras_seqs, Settings::default().keras_epochs), (10_000, settings::KERAS_EPOCHS.default_usize()));
        let (s, notices) = Settings::from_query("n=50&cepochs=0&model=cnn-dist&elr=0&klr=x&kn=999&kepochs=101");
        assert_eq!(notices.len(), 7, "{notices:?}");
        assert!(notices[5].starts_with("Ignored kn=999: number of lesson 10's sequences 999 is invalid"), "{}", notices[5]);
        assert!(notices[6].starts_with("Ignored kepochs=101: ") && notices[6].contains("from 1 to 100"), "{}", notices[6]);
        assert_eq!((s.keras_seqs, s.keras_epochs), (10_000, settings::KERAS_EPOCHS.default_usize()));
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
        assert!(parse_rule("Q5").unwrap_err().to_string().contains("'Q5' is neither a base value"));
        assert!(parse_rule("TAT:ten").unwrap_err().to_string().contains("'ten' is not a bonus"));
        assert!(parse_rule("ACGTACGTA:1").unwrap_err().to_string().contains("at most 8 bases"));
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
        // The header's Share and My runs buttons and the exports can be hidden too.
        let (s, notices) = Settings::from_query("hide=share,export,runs");
        assert_eq!((s.hide, notices.len()), (vec!["share", "export", "runs"], 0));
    }
}
