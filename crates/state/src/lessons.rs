//! The lesson pages and lesson 12's exercises: their order, link names and titles, and the
//! `lessons` link value that lists some of them.

use crate::error::ValueError;
use crate::shown;

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

/// Read a `lessons` value: lesson names or 1-based numbers, comma-separated; kept in course
/// order, each once.
///
/// # Errors
/// [`ValueError::NotALesson`] naming the first item that is neither a lesson's name nor its
/// number.
pub(crate) fn parse_lessons(v: &str) -> Result<Vec<Lesson>, ValueError> {
    let mut list = Vec::new();
    for k in v.split(',').map(str::trim).filter(|k| !k.is_empty()) {
        let l = Lesson::ALL
            .into_iter()
            .find(|l| l.slug().eq_ignore_ascii_case(k) || k.parse::<usize>().is_ok_and(|n| n == l.index() + 1))
            .ok_or_else(|| ValueError::NotALesson { given: shown(k) })?;
        if !list.contains(&l) {
            list.push(l);
        }
    }
    list.sort_by_key(|l| l.index());
    Ok(list)
}
