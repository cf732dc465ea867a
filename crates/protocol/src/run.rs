//! A run's state, defined once for the page and the worker: the page keeps every run's view
//! and the worker its trainer, and both move a run through the same [`RunState`] with the same
//! transitions ([`RunState::pause`], [`RunState::resume`], [`RunState::end`]).
//!
//! ```text
//! Queued ─► Training ⇄ Paused ─► Finished
//!    └──────────┴────────┴─────► Stopped (reset, device change) │ Failed (RunError)
//! ```

use dnaplay_model::tasks::{ClassTaskKind, FilterReport};
use serde::{Deserialize, Serialize};

use crate::message::Ended;

/// Why a run, or a question about its model, failed: typed for the page's handling (a device
/// fault moves the page to the CPU), with the words shown to the student. Crosses the wire in
/// [`Event`](crate::Event)s.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum RunError {
    /// The data, the model, the settings or the weights were refused before training
    /// ([`dnaplay_model::Error`]'s words), or the device was not ready.
    #[error("{0}")]
    Refused(String),
    /// The loss became NaN or infinite at a batch ([`dnaplay_model::Error::Diverged`]).
    #[error("{0}")]
    Diverged(String),
    /// WebGPU failed while training (a lost device, an out-of-memory): the page moves to the
    /// CPU and WebGPU is not used again.
    #[error("{0}")]
    DeviceFault(String),
    /// The training worker stopped (a crash, a script that did not load); set by the page.
    #[error("{0}")]
    WorkerDied(String),
    /// The model trained but its results, filters or test report could not be computed.
    #[error("{0}")]
    Evaluation(String),
    /// A question about a model that is not held or not free: training, busy, dropped, or not
    /// the kind of model asked about.
    #[error("{0}")]
    Unavailable(String),
}

impl RunError {
    /// A training error of the model crate on `device`: a device error on WebGPU is a device
    /// fault, a non-finite loss a divergence, anything else a refusal.
    pub fn from_training(error: &dnaplay_model::Error, on_webgpu: bool) -> RunError {
        match error {
            dnaplay_model::Error::Device(_) if on_webgpu => RunError::DeviceFault(error.to_string()),
            dnaplay_model::Error::Diverged { .. } => RunError::Diverged(error.to_string()),
            _ => RunError::Refused(error.to_string()),
        }
    }

    /// The same kind of error with `prefix` before its words, e.g. "could not read the
    /// filters: ".
    pub fn prefixed(self, prefix: &str) -> RunError {
        let with = |m: String| format!("{prefix}{m}");
        match self {
            RunError::Refused(m) => RunError::Refused(with(m)),
            RunError::Diverged(m) => RunError::Diverged(with(m)),
            RunError::DeviceFault(m) => RunError::DeviceFault(with(m)),
            RunError::WorkerDied(m) => RunError::WorkerDied(with(m)),
            RunError::Evaluation(m) => RunError::Evaluation(with(m)),
            RunError::Unavailable(m) => RunError::Unavailable(with(m)),
        }
    }
}

/// Where a run stands, on the page and in the worker.
#[derive(Debug, Clone, PartialEq)]
pub enum RunState {
    /// Set up, waiting for its first slice (the page, until the worker reports).
    Queued,
    /// Training, or waiting for its next slice.
    Training,
    /// Paused by the student (or after "Step one epoch"); can go on.
    Paused,
    /// All epochs done (or early-stopped), or weights loaded from a checkpoint.
    Finished,
    /// Closed before its last epoch; its metrics stay. The reason, e.g. "reset".
    Stopped(String),
    /// Stopped by an error; the message says what happened and what to try.
    Failed(RunError),
}

impl RunState {
    /// Queued, training or paused: the run has a trainer and can go on.
    pub fn is_live(&self) -> bool {
        matches!(self, RunState::Queued | RunState::Training | RunState::Paused)
    }

    /// Queued or training: the loop will step it.
    pub fn is_active(&self) -> bool {
        matches!(self, RunState::Queued | RunState::Training)
    }

    /// Stopped or failed: no report can change it again.
    pub fn is_closed(&self) -> bool {
        matches!(self, RunState::Stopped(_) | RunState::Failed(_))
    }

    /// Pause an active run. Returns whether it was active.
    pub fn pause(&mut self) -> bool {
        let active = self.is_active();
        if active {
            *self = RunState::Paused;
        }
        active
    }

    /// Go on with a live run (a paused one trains again). Returns whether it is live.
    pub fn resume(&mut self) -> bool {
        let live = self.is_live();
        if live {
            *self = RunState::Training;
        }
        live
    }

    /// The first batch was stepped: queued becomes training.
    pub fn started(&mut self) {
        if *self == RunState::Queued {
            *self = RunState::Training;
        }
    }

    /// The run stopped stepping on its own: finished, or paused at its `pause_at` (unless the
    /// student paused it first, or it is no longer active).
    pub fn end(&mut self, how: Ended) {
        match how {
            Ended::Finished => *self = RunState::Finished,
            Ended::Paused if self.is_active() => *self = RunState::Paused,
            Ended::Paused => {}
        }
    }

    /// Fail the run with `error`, unless it was stopped or failed already.
    pub fn fail(&mut self, error: RunError) {
        if !self.is_closed() {
            *self = RunState::Failed(error);
        }
    }

    /// Words for the run table: "training", "stopped (reset)", or the failure.
    pub fn describe(&self) -> String {
        match self {
            RunState::Queued => "queued".into(),
            RunState::Training => "training".into(),
            RunState::Paused => "paused".into(),
            RunState::Finished => "finished".into(),
            RunState::Stopped(why) => format!("stopped ({why})"),
            RunState::Failed(e) => e.to_string(),
        }
    }
}

/// The lesson a run belongs to; its controls act on its own runs only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Bench {
    /// Lessons 5 to 8: seed 002's 8-mer regression.
    Kmers,
    /// Lesson 9: CNN-dist with relu and exp on seed 003's Task 3.
    Contrast,
    /// Lesson 10: seed 000's multi-scale CNN.
    Keras,
    /// Lesson 12, Question 2: a sweep of 8-mer runs (Linear and CNN × learning rates).
    Sweep,
    /// Lesson 12, Question 1: the CNN on seed 002's rule and on its position-dependent twin.
    Position,
    /// Lesson 12, Question 3: a baseline CNN and its retrained variants.
    Improve,
    /// Lesson 12, Fig. 1c: one cell of seed 003's Task 1 grid trained live.
    Fig1c,
    /// Lesson 13: the student's own sequences.
    User,
}

impl Bench {
    /// The 200-nt task of a classification lesson.
    pub fn class_task(self) -> Option<ClassTaskKind> {
        match self {
            Bench::Kmers | Bench::Sweep | Bench::Position | Bench::Improve | Bench::User => None,
            Bench::Contrast => Some(ClassTaskKind::Task3),
            Bench::Keras => Some(ClassTaskKind::Keras200),
            Bench::Fig1c => Some(ClassTaskKind::Task1),
        }
    }

    /// Finished runs of this lesson whose trainers the worker keeps after evaluating them:
    /// lesson 11 explains the newest models (an 8-mer pair such as Linear and CNN, lesson 9's
    /// relu and exp pair, lesson 10's model), lesson 13 exports the newest run's weights, and
    /// lesson 12's runs are compared by their curves and results, not asked about.
    pub fn models_kept(self) -> usize {
        match self {
            Bench::Kmers | Bench::Contrast | Bench::User => 2,
            Bench::Keras => 1,
            Bench::Sweep | Bench::Position | Bench::Improve | Bench::Fig1c => 0,
        }
    }
}

/// The filters of a run after an epoch: logos and their matches.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FilterSnapshot {
    /// Epochs trained when it was taken.
    pub epoch: usize,
    /// Logos (count matrices), matches and the match fraction.
    pub report: FilterReport,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_goes_queued_training_paused_training_finished() {
        let mut s = RunState::Queued;
        s.started();
        assert_eq!(s, RunState::Training);
        assert!(s.pause());
        assert_eq!(s, RunState::Paused);
        assert!(!s.pause(), "a paused run is not paused again");
        assert!(s.resume());
        assert_eq!(s, RunState::Training);
        s.end(Ended::Finished);
        assert_eq!(s, RunState::Finished);
        assert!(!s.is_live() && !s.resume(), "a finished run does not go on");
    }

    #[test]
    fn a_pause_at_the_epoch_end_does_not_undo_a_finish_or_revive_a_closed_run() {
        // The student paused first: the worker's own Paused report changes nothing.
        let mut s = RunState::Paused;
        s.end(Ended::Paused);
        assert_eq!(s, RunState::Paused);
        // A run reset meanwhile stays stopped, and a failure does not overwrite it.
        let mut s = RunState::Stopped("reset".into());
        s.end(Ended::Paused);
        s.fail(RunError::Diverged("loss NaN".into()));
        assert_eq!(s, RunState::Stopped("reset".into()));
        assert_eq!(s.describe(), "stopped (reset)");
        let mut s = RunState::Training;
        s.fail(RunError::DeviceFault("device lost".into()));
        assert_eq!(s.describe(), "device lost");
    }

    #[test]
    fn training_errors_are_typed_by_kind_and_keep_their_words() {
        let diverged = dnaplay_model::Error::Diverged { which: "train", value: f32::NAN, epoch: 2, batch: Some(4), learning_rate: 10.0 };
        let e = RunError::from_training(&diverged, false);
        assert!(matches!(e, RunError::Diverged(_)));
        assert_eq!(e.to_string(), diverged.to_string());
        let device = dnaplay_model::Error::Device("lost".into());
        assert!(matches!(RunError::from_training(&device, true), RunError::DeviceFault(_)));
        // A device error on the CPU is not a WebGPU fault: the page does not switch devices.
        assert!(matches!(RunError::from_training(&device, false), RunError::Refused(_)));
        assert_eq!(RunError::Evaluation("x".into()).prefixed("could not read the filters: ").to_string(), "could not read the filters: x");
    }

    #[test]
    fn every_lesson_keeps_the_models_lesson_11_and_13_ask_about() {
        assert_eq!(Bench::Kmers.models_kept(), 2);
        assert_eq!(Bench::Contrast.models_kept(), 2);
        assert_eq!(Bench::Keras.models_kept(), 1);
        assert_eq!(Bench::User.models_kept(), 2);
        assert_eq!(Bench::Sweep.models_kept(), 0);
    }
}
