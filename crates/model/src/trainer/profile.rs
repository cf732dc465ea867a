//! Where a training step's time goes (issue 26): the phases of [`super::Trainer::step_batch`],
//! timed by a clock the caller lends, since the model crate reads no clock of its own (native
//! `std::time::Instant` panics in wasm32; the worker lends `performance.now()`).

/// A clock in milliseconds from any fixed origin: `Instant`-based natively,
/// `performance.now()` in a worker.
pub type Clock = fn() -> f64;

/// The phases of one batch, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Shuffling (once per epoch), gathering the batch's one-hot rows and targets, and making
    /// their tensors.
    Data,
    /// The model's forward pass and the loss.
    Forward,
    /// Reading the batch's loss back to the host (the divergence check), or the parameters for
    /// the CNN's hand-written step ([`crate::cnn_step`]), which computes its loss on the host.
    /// On a lazy backend this is where queued work is waited for.
    Readback,
    /// The backward pass (autodiff, or the hand-written step's) and collecting the gradients
    /// per parameter.
    Backward,
    /// The optimizer's update of every parameter.
    Optimizer,
    /// Freeing the batch's tensors: the loss, which holds what is left of the autodiff graph.
    Release,
    /// The validation pass and the schedule at the end of each epoch.
    Validation,
}

impl Phase {
    /// Every phase, in order.
    pub const ALL: [Phase; 7] = [Phase::Data, Phase::Forward, Phase::Readback, Phase::Backward, Phase::Optimizer, Phase::Release, Phase::Validation];

    /// Its name in a table: "data", "forward + loss", …
    pub fn label(self) -> &'static str {
        match self {
            Phase::Data => "data",
            Phase::Forward => "forward + loss",
            Phase::Readback => "read-back",
            Phase::Backward => "backward",
            Phase::Optimizer => "optimizer step",
            Phase::Release => "freeing the batch",
            Phase::Validation => "validation",
        }
    }
}

/// Milliseconds spent in each [`Phase`] since the profile was last taken, and the batches and
/// epochs they cover.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StepProfile {
    /// Milliseconds per phase, indexed as [`Phase::ALL`].
    pub ms: [f64; 7],
    /// Batches trained.
    pub batches: usize,
    /// Epochs ended (validations run).
    pub epochs: usize,
}

impl StepProfile {
    /// Add `ms` milliseconds to `phase`.
    pub fn add(&mut self, phase: Phase, ms: f64) {
        self.ms[phase as usize] += ms;
    }

    /// Add `other`'s milliseconds, batches and epochs (a run's profile over its epochs).
    pub fn merge(&mut self, other: &StepProfile) {
        for (a, b) in self.ms.iter_mut().zip(other.ms) {
            *a += b;
        }
        self.batches += other.batches;
        self.epochs += other.epochs;
    }

    /// Milliseconds spent in `phase`.
    pub fn of(&self, phase: Phase) -> f64 {
        self.ms[phase as usize]
    }

    /// Milliseconds over every phase.
    pub fn total_ms(&self) -> f64 {
        self.ms.iter().sum()
    }

    /// Each phase with its milliseconds and its share of the total (0 to 1).
    pub fn rows(&self) -> Vec<(Phase, f64, f64)> {
        let total = self.total_ms();
        Phase::ALL.iter().map(|&p| (p, self.of(p), if total > 0.0 { self.of(p) / total } else { 0.0 })).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::{Phase, StepProfile};

    #[test]
    fn shares_sum_to_one_and_phases_keep_their_order() {
        let mut p = StepProfile::default();
        p.add(Phase::Forward, 3.0);
        p.add(Phase::Backward, 1.0);
        p.add(Phase::Forward, 4.0);
        assert_eq!(p.of(Phase::Forward), 7.0);
        assert_eq!(p.total_ms(), 8.0);
        let rows = p.rows();
        assert_eq!(rows.iter().map(|r| r.0).collect::<Vec<_>>(), Phase::ALL);
        assert!((rows.iter().map(|r| r.2).sum::<f64>() - 1.0).abs() < 1e-12);
        assert_eq!(StepProfile::default().rows()[0].2, 0.0, "an empty profile has no shares, not NaN");
        let mut run = p.clone();
        run.batches = 2;
        run.merge(&StepProfile { ms: [1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 2.0], batches: 3, epochs: 1 });
        assert_eq!((run.of(Phase::Data), run.of(Phase::Forward), run.of(Phase::Validation), run.batches, run.epochs), (1.0, 7.0, 2.0, 5, 1));
    }
}
