//! `--resume` (and every `dnaplay sweep` cell): the run's whole state in its `--out` folder
//! after every epoch, read back when the same run starts again there. The state is the model
//! crate's [`Snapshot`]; the CLI adds each epoch's seconds and match fraction.

use std::path::Path;

use anyhow::{Context, Result};
use dnaplay_model::models::ModelConfig;
use dnaplay_model::trainer::{EpochRecord, Snapshot, TrainConfig, Trainer};
use serde::{Deserialize, Serialize};

use crate::UsageError;
use crate::outdir::{self, MARKER, RESUME_FILE, RESUME_NOTES};

/// What the CLI keeps beside the trainer's snapshot.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Notes {
    /// Seconds each epoch took (`None` where unknown: JSON has no NaN).
    seconds: Vec<Option<f64>>,
    /// The validation match fraction after each epoch (200-nt tasks).
    match_fractions: Vec<f64>,
}

/// A stopped run found in `dir`: its snapshot, and the history and match fractions to go on
/// from (seconds NaN where the notes lack them).
pub struct Stopped {
    pub snapshot: Snapshot,
    pub history: Vec<(EpochRecord, f64)>,
    pub match_fractions: Vec<f64>,
}

/// Read the state a stopped run left in `dir`, if any, and check it is of a run with these
/// settings. Call it before [`outdir::prepare`], which clears it, so a run with other settings
/// is refused without losing it. Only a folder `dnaplay train` wrote is read.
///
/// # Errors
/// A [`UsageError`] (exit 2) when the snapshot cannot be read, is not one, or is of other
/// settings ([`Snapshot::from_bytes`]'s and [`Snapshot::fits`]'s messages, with the path).
pub fn read(dir: &Path, model_config: &ModelConfig, config: &TrainConfig, data: u64) -> Result<Option<Stopped>> {
    let path = dir.join(RESUME_FILE);
    if !dir.join(MARKER).is_file() || !path.is_file() {
        return Ok(None);
    }
    let bytes = std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
    let refuse = |e: dnaplay_model::Error| anyhow::Error::new(UsageError(format!("--resume: {}: {e}; give the settings it was made with, or remove it to start afresh", path.display())));
    let snapshot = Snapshot::from_bytes(&bytes).map_err(refuse)?;
    snapshot.fits(model_config, config, data).map_err(refuse)?;
    let notes: Notes = std::fs::read(dir.join(RESUME_NOTES)).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default();
    let n = snapshot.epochs();
    // The notes are written first, so they may be one epoch ahead of the snapshot.
    let seconds = notes.seconds.into_iter().map(|s| s.unwrap_or(f64::NAN)).chain(std::iter::repeat(f64::NAN));
    let history = snapshot.history().iter().cloned().zip(seconds).collect();
    let mut match_fractions = notes.match_fractions;
    match_fractions.truncate(n);
    if !match_fractions.is_empty() {
        match_fractions.resize(n, f64::NAN);
    }
    Ok(Some(Stopped { snapshot, history, match_fractions }))
}

/// Keep the run's state in `dir` after an epoch: the notes first, then the snapshot (a run
/// stopped between the two has notes one epoch ahead, which [`read`] cuts back).
///
/// # Errors
/// When the snapshot cannot be taken or a file cannot be written.
pub fn write(dir: &Path, trainer: &Trainer, history: &[(EpochRecord, f64)], match_fractions: &[f64]) -> Result<()> {
    let snapshot = trainer.snapshot()?.to_bytes()?;
    let notes = Notes { seconds: history.iter().map(|(_, s)| s.is_finite().then_some(*s)).collect(), match_fractions: match_fractions.to_vec() };
    outdir::write_file(&dir.join(RESUME_NOTES), serde_json::to_vec(&notes)?)?;
    outdir::write_file(&dir.join(RESUME_FILE), snapshot)
}

/// The run ended and wrote its results: its state is no longer needed.
///
/// # Errors
/// When a file cannot be removed.
pub fn clear(dir: &Path) -> Result<()> {
    outdir::remove_files(dir, &[RESUME_FILE, RESUME_NOTES])
}
