//! A [`Trainer`](super::Trainer)'s whole state between two epochs, as bytes, so a long run
//! (seed 003's 100-epoch recipe: an hour or more per CNN-deep run on one core) can stop and go on
//! where it stopped, epoch for epoch the same run as one that never stopped.
//!
//! What it holds: the weights, the best epoch's weights (early stopping's restore), Adam's or
//! SGD's state (burn's `OptimizerRecord`, keyed by parameter ids, which burn's weights record
//! keeps), the schedule's counters and learning rate, the history, and where the shuffling and
//! dropout generators stand. The settings it was made with travel along; a trainer resumes only a
//! snapshot of its own settings.
//!
//! The bytes: [`MAGIC`], then four parts, each a little-endian `u64` length and its bytes: the
//! state as JSON, the weights, the best weights (empty for none) and the optimizer's record
//! (both burnpack, burn's format).

use serde::{Deserialize, Serialize};

use super::config::TrainConfig;
use super::record::EpochRecord;
use crate::data::RegressionData;
use crate::error::{Error, Result};
use crate::models::ModelConfig;

/// The first bytes of a snapshot.
pub const MAGIC: &[u8] = b"dnaplay trainer snapshot\n";

/// The layout of the state part; a snapshot of another layout is refused.
pub const FORMAT: u32 = 1;

/// A fingerprint of a run's training and validation data (64-bit FNV-1a over every sequence
/// and the bits of every target), so a snapshot is resumed only on the data it was trained on.
pub fn data_fingerprint(train: &RegressionData, val: &RegressionData) -> u64 {
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for &b in bytes {
            h = (h ^ u64::from(b)).wrapping_mul(PRIME);
        }
    };
    for data in [train, val] {
        eat(&(data.seqs.len() as u64).to_le_bytes());
        for s in &data.seqs {
            eat(s.as_bytes());
            eat(b"\n");
        }
        for t in &data.targets {
            eat(&t.to_bits().to_le_bytes());
        }
    }
    h
}

/// A random generator's position: its seed and how many 32-bit words it has given (rand's
/// ChaCha8Rng, `get_seed` and `get_word_pos`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct RngState {
    pub(crate) seed: [u8; 32],
    pub(crate) word_pos: u64,
}

/// The part of a snapshot that is not tensors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct SnapshotState {
    pub(crate) format: u32,
    pub(crate) model_config: ModelConfig,
    pub(crate) config: TrainConfig,
    /// [`data_fingerprint`] of the data it trains on.
    pub(crate) data: u64,
    pub(crate) history: Vec<EpochRecord>,
    pub(crate) learning_rate: f64,
    pub(crate) stopped_early: bool,
    /// The schedule's best monitored value so far (`None`: none yet), and epochs since.
    pub(crate) best: Option<f32>,
    pub(crate) since_best: usize,
    /// The learning-rate schedule's own best and count.
    pub(crate) lr_best: Option<f32>,
    pub(crate) since_lr_best: usize,
    pub(crate) rng: RngState,
    pub(crate) dropout_rng: RngState,
}

/// A trainer between two epochs: [`Trainer::snapshot`](super::Trainer::snapshot) makes one,
/// [`Trainer::resume`](super::Trainer::resume) goes on from it, and [`Snapshot::to_bytes`] and
/// [`Snapshot::from_bytes`] carry it to a file and back.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub(crate) state: SnapshotState,
    pub(crate) weights: Vec<u8>,
    pub(crate) best_weights: Option<Vec<u8>>,
    pub(crate) optimizer: Vec<u8>,
}

impl Snapshot {
    /// Epochs trained when the snapshot was taken.
    pub fn epochs(&self) -> usize {
        self.state.history.len()
    }

    /// The records of those epochs.
    pub fn history(&self) -> &[EpochRecord] {
        &self.state.history
    }

    /// Check that the snapshot is of a run with these settings and this data
    /// ([`data_fingerprint`]), before anything is trained or cleared for it.
    ///
    /// # Errors
    /// [`Error::Snapshot`] naming the first setting that differs, or the data.
    pub fn fits(&self, model_config: &ModelConfig, config: &TrainConfig, data: u64) -> Result<()> {
        if &self.state.model_config != model_config {
            return Err(Error::Snapshot(format!("it is of another model ({:?}), not {model_config:?}", self.state.model_config)));
        }
        if &self.state.config != config {
            return Err(Error::Snapshot(format!("it was trained with other settings ({:?}), not {config:?}", self.state.config)));
        }
        if self.state.data != data {
            return Err(Error::Snapshot("it was trained on other data (other sequences, labels or split)".into()));
        }
        let s = &self.state;
        let epochs = config.num_epochs;
        if s.history.len() > epochs || s.since_best > epochs || s.since_lr_best > epochs || !(s.learning_rate.is_finite() && s.learning_rate > 0.0) {
            return Err(Error::Snapshot(format!(
                "its schedule is out of range ({} epochs, {} and {} since the best, learning rate {})",
                s.history.len(),
                s.since_best,
                s.since_lr_best,
                s.learning_rate
            )));
        }
        Ok(())
    }

    /// The bytes of the snapshot (the module docs give the layout).
    ///
    /// # Errors
    /// [`Error::Snapshot`] when the state cannot be written as JSON.
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let state = serde_json::to_vec(&self.state).map_err(|e| Error::Snapshot(format!("could not write the trainer's state: {e}")))?;
        let best = self.best_weights.as_deref().unwrap_or_default();
        let mut out = Vec::with_capacity(MAGIC.len() + 32 + state.len() + self.weights.len() + best.len() + self.optimizer.len());
        out.extend_from_slice(MAGIC);
        for part in [&state[..], &self.weights, best, &self.optimizer] {
            out.extend_from_slice(&(part.len() as u64).to_le_bytes());
            out.extend_from_slice(part);
        }
        Ok(out)
    }

    /// Read the bytes of [`Snapshot::to_bytes`].
    ///
    /// # Errors
    /// [`Error::Snapshot`] naming what is wrong: not a snapshot, cut short, or a state of
    /// another format.
    pub fn from_bytes(bytes: &[u8]) -> Result<Snapshot> {
        let bad = |what: &str| Error::Snapshot(format!("not a trainer snapshot: {what}"));
        let mut rest = bytes.strip_prefix(MAGIC).ok_or_else(|| bad("it does not start as one"))?;
        let mut parts = Vec::with_capacity(4);
        for name in ["state", "weights", "best weights", "optimizer state"] {
            let (len, tail) = rest.split_first_chunk::<8>().ok_or_else(|| bad(&format!("it ends before the {name}")))?;
            let len = usize::try_from(u64::from_le_bytes(*len)).map_err(|_| bad(&format!("the {name} are too long")))?;
            if tail.len() < len {
                return Err(bad(&format!("the {name} are cut short ({} of {len} bytes)", tail.len())));
            }
            parts.push(&tail[..len]);
            rest = &tail[len..];
        }
        if !rest.is_empty() {
            return Err(bad(&format!("{} bytes follow its last part", rest.len())));
        }
        let state: SnapshotState = serde_json::from_slice(parts[0]).map_err(|e| bad(&format!("its state does not read: {e}")))?;
        if state.format != FORMAT {
            return Err(Error::Snapshot(format!("the trainer snapshot has format {}; this version reads format {FORMAT}", state.format)));
        }
        Ok(Snapshot { state, weights: parts[1].to_vec(), best_weights: (!parts[2].is_empty()).then(|| parts[2].to_vec()), optimizer: parts[3].to_vec() })
    }
}
