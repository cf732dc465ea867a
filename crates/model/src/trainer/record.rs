//! One epoch's record, as the trainer keeps it and the page and the CLI show it.

use std::fmt;

use serde::{Deserialize, Serialize};

/// What one epoch gave.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpochRecord {
    /// 0-based epoch number (the seed prints `E0` for the first).
    pub epoch: usize,
    /// Mean training loss (MSE or BCE) over the epoch's batches, weighted by batch size.
    pub train_loss: f32,
    /// Validation loss with the weights at the end of the epoch.
    pub val_loss: f32,
    /// Validation AUROC (classification only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub val_auroc: Option<f32>,
    /// Validation AUPR, the mean over tasks (multi-task classification only: seed 003's Task 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub val_aupr: Option<f32>,
    /// Learning rate used during this epoch.
    pub learning_rate: f64,
}

impl fmt::Display for EpochRecord {
    /// The seed's line: `E0 | train loss: 21.318 | val loss: 13.230`, with
    /// `| val AUROC: 0.912` for classification.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "E{} | train loss: {:.3} | val loss: {:.3}", self.epoch, self.train_loss, self.val_loss)?;
        if let Some(a) = self.val_auroc {
            write!(f, " | val AUROC: {a:.3}")?;
        }
        if let Some(a) = self.val_aupr {
            write!(f, " | val AUPR: {a:.3}")?;
        }
        Ok(())
    }
}
