//! The page's settings ([`Settings`]) as a run's training ([`TrainConfig`]): one conversion per
//! kind of lesson, and the learning-rate setting each lesson's rate is checked against. The
//! learning rate goes `lr=` → [`Settings::learning_rate`] (the state crate's codec, through the
//! setting's row in `dnaplay_model::settings`) → [`TrainConfig::learning_rate`] (here) → the
//! `Start` message → the worker's `Trainer` → the optimizer's step.

use dnaplay_model::settings::{CLASS_EPOCHS, CLASS_SEQS, EXP_LR, KERAS_EPOCHS, KERAS_LR, KERAS_SEQS, LEARNING_RATE, Setting};
use dnaplay_model::tasks::ClassTaskKind;
use dnaplay_model::trainer::TrainConfig;
use dnaplay_model::upload::UserTask;
use dnaplay_protocol::Bench;
use dnaplay_state::Settings;

/// The setting that holds `bench`'s learning rate: lesson 10's ([`KERAS_LR`]) for seed 000's
/// model, lesson 9's ([`EXP_LR`]) for the other 200-nt runs and binary uploads, lesson 5's
/// ([`LEARNING_RATE`]) for the 8-mer runs and uploaded scores.
pub fn rate_setting(bench: Bench, task: Option<UserTask>) -> &'static Setting {
    match (bench, task) {
        (Bench::Keras, _) => &KERAS_LR,
        (Bench::Contrast | Bench::Fig1c, _) | (Bench::User, Some(UserTask::Binary)) => &EXP_LR,
        _ => &LEARNING_RATE,
    }
}

/// `bench`'s learning rate in `st`, the value of its [`rate_setting`]: lesson 10's for seed 000's
/// model, lesson 9's for the other 200-nt runs, lesson 5's otherwise (lesson 13's binary runs
/// take lesson 9's through [`user`]).
pub fn learning_rate(bench: Bench, st: &Settings) -> f64 {
    match bench {
        Bench::Keras => st.keras_lr,
        Bench::Contrast | Bench::Fig1c => st.exp_lr,
        _ => st.learning_rate,
    }
}

/// `bench`'s learning rate in `st`, to set (as [`learning_rate`]).
pub fn learning_rate_mut(bench: Bench, st: &mut Settings) -> &mut f64 {
    match bench {
        Bench::Keras => &mut st.keras_lr,
        Bench::Contrast | Bench::Fig1c => &mut st.exp_lr,
        _ => &mut st.learning_rate,
    }
}

/// The setting that holds `bench`'s number of sequences: lesson 10's ([`KERAS_SEQS`]) for seed
/// 000's model, lesson 9's ([`CLASS_SEQS`]) for the other 200-nt runs.
pub fn seqs_setting(bench: Bench) -> &'static Setting {
    if bench == Bench::Keras { &KERAS_SEQS } else { &CLASS_SEQS }
}

/// `bench`'s number of 200-nt sequences in `st`, the value of its [`seqs_setting`].
pub fn num_seqs(bench: Bench, st: &Settings) -> usize {
    if bench == Bench::Keras { st.keras_seqs } else { st.class_seqs }
}

/// `bench`'s number of 200-nt sequences in `st`, to set (as [`num_seqs`]).
pub fn num_seqs_mut(bench: Bench, st: &mut Settings) -> &mut usize {
    if bench == Bench::Keras { &mut st.keras_seqs } else { &mut st.class_seqs }
}

/// The setting that holds `bench`'s epochs per 200-nt run: lesson 10's ([`KERAS_EPOCHS`]) for
/// seed 000's model, lesson 9's ([`CLASS_EPOCHS`]) for the other 200-nt runs.
pub fn epochs_setting(bench: Bench) -> &'static Setting {
    if bench == Bench::Keras { &KERAS_EPOCHS } else { &CLASS_EPOCHS }
}

/// `bench`'s epochs per 200-nt run in `st`, the value of its [`epochs_setting`].
pub fn class_epochs(bench: Bench, st: &Settings) -> usize {
    if bench == Bench::Keras { st.keras_epochs } else { st.class_epochs }
}

/// `bench`'s epochs per 200-nt run in `st`, to set (as [`class_epochs`]).
pub fn class_epochs_mut(bench: Bench, st: &mut Settings) -> &mut usize {
    if bench == Bench::Keras { &mut st.keras_epochs } else { &mut st.class_epochs }
}

/// Lessons 5 to 8: the student's optimizer, learning rate, batch size, epochs and seed over
/// seed 002's training ([`TrainConfig::default`]).
pub fn kmer(st: &Settings) -> TrainConfig {
    TrainConfig {
        optimizer: st.optimizer,
        learning_rate: st.learning_rate,
        batch_size: st.batch_size,
        num_epochs: st.num_epochs,
        seed: st.seed,
        ..TrainConfig::default()
    }
}

/// Lesson 12's questions on 8-mers: seed 002's optimizer and learning rate (each question
/// varies one thing itself) with the student's batch size, epochs and seed.
pub fn seed002_question(st: &Settings) -> TrainConfig {
    TrainConfig { batch_size: st.batch_size, num_epochs: st.num_epochs, seed: st.seed, ..TrainConfig::default() }
}

/// A 200-nt lesson's runs on task `kind` (lessons 9, 10 and lesson 12's Fig. 1c): the task's
/// seed training ([`ClassTaskKind::default_training`]) with `bench`'s epochs and learning rate
/// and the seed.
pub fn class(bench: Bench, kind: ClassTaskKind, st: &Settings) -> TrainConfig {
    TrainConfig { num_epochs: class_epochs(bench, st), learning_rate: learning_rate(bench, st), seed: st.seed, ..kind.default_training() }
}

/// Lesson 13's runs on a student's data: the task's defaults ([`UserTask::default_training`])
/// with lesson 5's optimizer, rate, batch and epochs for scores, and lesson 9's rate and the
/// 200-nt epochs for binary labels.
pub fn user(task: UserTask, st: &Settings) -> TrainConfig {
    // Scores train as the 8-mer runs do (`UserTask::Regression`'s defaults are seed 002's).
    let base = task.default_training();
    match task {
        UserTask::Regression => kmer(st),
        UserTask::Binary => TrainConfig { learning_rate: st.exp_lr, num_epochs: st.class_epochs, seed: st.seed, ..base },
    }
}
