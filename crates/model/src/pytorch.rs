//! A run as a PyTorch script (issue 13's export): seed 002's own style, so a student can carry
//! on in a notebook. Text only: the page and the CLI write it out.

use crate::models::{Activation, ModelConfig, ModelKind};
use crate::trainer::config::PLATEAU_MIN_DELTA;
use crate::trainer::{Monitor, OptimizerKind, TrainConfig};
use crate::upload::UserTask;

/// A PyTorch script that reproduces a run in seed 002's style (Dataset, DataLoader, the same
/// model, optimizer and settings), reading `data.csv` ([`crate::upload::data_csv_with_split`]). `None` for the
/// seed-003 models, which the script does not write.
pub fn script(model: &ModelConfig, config: &TrainConfig, task: UserTask) -> Option<String> {
    let net = match model.kind {
        ModelKind::Linear => format!("class DNA_Linear(nn.Module):\n    def __init__(self, seq_len):\n        super().__init__()\n        self.lin = nn.Linear(4 * seq_len, 1)\n\n    def forward(self, xb):\n        return self.lin(xb.flatten(1)).squeeze(1)\n\n\nmodel = DNA_Linear(SEQ_LEN)\n"),
        ModelKind::Cnn => {
            let act = match model.activation {
                Activation::Relu => "nn.ReLU()",
                Activation::Exp => "Exp()",
                Activation::Softplus => "nn.Softplus()",
                Activation::Sigmoid => "nn.Sigmoid()",
                Activation::Tanh => "nn.Tanh()",
                Activation::Elu => "nn.ELU()",
                _ => "nn.Identity()",
            };
            format!(
                "class Exp(nn.Module):\n    def forward(self, x):\n        return torch.exp(x)\n\n\nclass DNA_CNN(nn.Module):\n    def __init__(self, seq_len, num_filters={f}, kernel_size={k}):\n        super().__init__()\n        self.conv_net = nn.Sequential(\n            nn.Conv1d(4, num_filters, kernel_size=kernel_size),\n            {act},\n            nn.Flatten(),\n            nn.Linear(num_filters * (seq_len - kernel_size + 1), 1),\n        )\n\n    def forward(self, xb):\n        return self.conv_net(xb).squeeze(1)\n\n\nmodel = DNA_CNN(SEQ_LEN)\n",
                f = model.num_filters,
                k = model.filter_width
            )
        }
        _ => return None,
    };
    // The L2 penalty added to the gradients, as PyTorch's `weight_decay` adds it (not AdamW's).
    let decay = if config.weight_decay > 0.0 { format!(", weight_decay={}", config.weight_decay) } else { String::new() };
    let opt = match config.optimizer {
        OptimizerKind::Sgd => format!("torch.optim.SGD(model.parameters(), lr={}{decay})", config.learning_rate),
        OptimizerKind::Adam => format!("torch.optim.Adam(model.parameters(), lr={}{decay})", config.learning_rate),
    };
    let (setup, watch) = schedule(config, task);
    let loss = match task {
        UserTask::Regression => "nn.MSELoss()",
        UserTask::Binary => "nn.BCEWithLogitsLoss()",
    };
    Some(format!(
        r#"#!/usr/bin/env python3
"""Reproduce a DNA Playground run in PyTorch, in seed 002's style (Dataset, DataLoader).

Exported by DNA Playground (lesson 13). Reads data.csv (id,sequence,label,split), exported with
it; the split column is the page's own split. Run:  python3 train.py [--epochs N] [--data data.csv]
"""
import argparse
import copy
import csv

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset

EPOCHS = {epochs}
BATCH_SIZE = {bs}
SEED = {seed}


def one_hot_encode(seq):
    """[4, L] one-hot, A C G T order; N is an all-zero column (seed 002, Part 2)."""
    index = {{"A": 0, "C": 1, "G": 2, "T": 3}}
    x = np.zeros((4, len(seq)), dtype=np.float32)
    for i, b in enumerate(seq):
        if b in index:
            x[index[b], i] = 1.0
    return x


class SeqDatasetOHE(Dataset):
    def __init__(self, rows):
        self.seqs = [r["sequence"] for r in rows]
        self.ohe_seqs = torch.stack([torch.from_numpy(one_hot_encode(s)) for s in self.seqs])
        self.labels = torch.tensor([float(r["label"]) for r in rows], dtype=torch.float32)

    def __len__(self):
        return len(self.seqs)

    def __getitem__(self, idx):
        return self.ohe_seqs[idx], self.labels[idx]


parser = argparse.ArgumentParser()
parser.add_argument("--data", default="data.csv")
parser.add_argument("--epochs", type=int, default=EPOCHS)
parser.add_argument("--seed", type=int, default=SEED)
args = parser.parse_args()
torch.manual_seed(args.seed)
with open(args.data, newline="") as f:
    rows = list(csv.DictReader(f))
splits = {{name: [r for r in rows if r["split"] == name] for name in ("train", "val", "test")}}
SEQ_LEN = len(rows[0]["sequence"])
train_dl = DataLoader(SeqDatasetOHE(splits["train"]), batch_size=BATCH_SIZE, shuffle=True)
val_dl = DataLoader(SeqDatasetOHE(splits["val"]), batch_size=BATCH_SIZE)

{net}
loss_func = {loss}
opt = {opt}
{setup}

def loss_batch(model, loss_func, xb, yb, opt=None):
    loss = loss_func(model(xb), yb)
    if opt is not None:
        loss.backward()
        opt.step()
        opt.zero_grad()
    return loss.item(), len(xb)


for epoch in range(args.epochs):
    model.train()
    losses, nums = zip(*[loss_batch(model, loss_func, xb, yb, opt) for xb, yb in train_dl])
    train_loss = np.sum(np.multiply(losses, nums)) / np.sum(nums)
    model.eval()
    with torch.no_grad():
        losses, nums = zip(*[loss_batch(model, loss_func, xb, yb) for xb, yb in val_dl])
    val_loss = np.sum(np.multiply(losses, nums)) / np.sum(nums)
    print(f"E{{epoch}} | train loss: {{train_loss:.3f}} | val loss: {{val_loss:.3f}}")
{watch}"#,
        epochs = config.num_epochs,
        bs = config.batch_size,
        seed = config.seed,
    ))
}


/// The script's lines for the run's schedule, early stopping and kept epoch, as the app's
/// trainer runs them (`trainer::stepper`): set-up after the optimizer, and the loop's end. Empty
/// for a run without them (seed 002's regression).
fn schedule(config: &TrainConfig, task: UserTask) -> (String, String) {
    let keep = config.early_stopping.filter(|e| e.restore_best);
    if config.reduce_lr.is_none() && config.early_stopping.is_none() {
        return (String::new(), String::new());
    }
    // What is watched: the validation AUROC (higher is better) or, where it is undefined (one
    // class) or not asked for, minus the validation loss.
    let auroc = task == UserTask::Binary && config.monitor == Monitor::ValAuroc;
    let mut setup = String::new();
    if auroc {
        setup.push_str(
            "\n\ndef auroc(labels, scores):\n    \"\"\"Area under the ROC curve (the Mann-Whitney U statistic, ties count half); None for one class.\"\"\"\n    pos, neg = scores[labels == 1], scores[labels == 0]\n    if len(pos) == 0 or len(neg) == 0:\n        return None\n    return ((pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()) / (len(pos) * len(neg))\n\n\n",
        );
    }
    if let Some(r) = config.reduce_lr {
        // PyTorch cuts after more than `patience` epochs without improvement, Keras and the app
        // after `patience`.
        setup.push_str(&format!(
            "sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode=\"max\", factor={}, patience={}, threshold={}, threshold_mode=\"abs\", min_lr={})\n",
            r.factor,
            r.patience.saturating_sub(1),
            PLATEAU_MIN_DELTA,
            r.min_lr
        ));
    }
    setup.push_str("best, best_state, since_best = None, None, 0\n");
    let mut watch = String::new();
    if auroc {
        watch.push_str("    model.eval()\n    with torch.no_grad():\n        pairs = [(model(xb), yb) for xb, yb in val_dl]\n    val_auroc = auroc(torch.cat([y for _, y in pairs]).numpy(), torch.cat([s for s, _ in pairs]).numpy())\n    watched = -val_loss if val_auroc is None else val_auroc\n");
    } else {
        watch.push_str("    watched = -val_loss\n");
    }
    if config.reduce_lr.is_some() {
        watch.push_str("    sched.step(watched)\n");
    }
    watch.push_str("    if best is None or watched > best:\n        best, best_state, since_best = watched, copy.deepcopy(model.state_dict()), 0\n    else:\n        since_best += 1\n");
    if let Some(e) = config.early_stopping {
        watch.push_str(&format!("        if since_best >= {}:\n            break\n", e.patience));
    }
    if keep.is_some() {
        watch.push_str("# The epoch with the best validation score is the run's model.\nmodel.load_state_dict(best_state)\n");
    }
    (setup, watch)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_holds_the_runs_model_and_settings() {
        let config = TrainConfig { num_epochs: 7, batch_size: 64, learning_rate: 0.05, ..TrainConfig::default() };
        let s = script(&ModelConfig { num_filters: 16, filter_width: 5, activation: Activation::Exp, ..ModelConfig::cnn(8) }, &config, UserTask::Regression).unwrap();
        for want in ["EPOCHS = 7", "BATCH_SIZE = 64", "torch.optim.SGD(model.parameters(), lr=0.05)", "nn.Conv1d(4, num_filters, kernel_size=kernel_size)", "num_filters=16, kernel_size=5", "Exp(),", "nn.MSELoss()", "class SeqDatasetOHE(Dataset)"] {
            assert!(s.contains(want), "{want} missing");
        }
        let b = script(&ModelConfig::linear(200), &TrainConfig { optimizer: OptimizerKind::Adam, ..config }, UserTask::Binary).unwrap();
        assert!(b.contains("nn.BCEWithLogitsLoss()") && b.contains("torch.optim.Adam") && b.contains("DNA_Linear(SEQ_LEN)"));
        assert!(script(&ModelConfig::cnn_dist(200, Activation::Relu), &config, UserTask::Binary).is_none());
        assert!(!s.contains("ReduceLROnPlateau") && !s.contains("load_state_dict"), "seed 002's regression keeps its last epoch at one rate");
    }

    #[test]
    fn a_binary_runs_script_cuts_the_rate_stops_and_keeps_the_best_epoch_as_the_app_did() {
        // Lesson 13's binary settings: seed 003's schedule on the validation AUROC, early
        // stopping after 10 epochs without a better one, the best epoch kept, L2 1e-6.
        let config = UserTask::Binary.default_training();
        let s = script(&ModelConfig::cnn(200), &config, UserTask::Binary).unwrap();
        for want in [
            "torch.optim.Adam(model.parameters(), lr=0.01, weight_decay=0.000001)",
            "ReduceLROnPlateau(opt, mode=\"max\", factor=0.3, patience=4, threshold=0.0001, threshold_mode=\"abs\", min_lr=0.000001)",
            "def auroc(labels, scores):",
            "watched = -val_loss if val_auroc is None else val_auroc",
            "        if since_best >= 10:\n            break",
            "\nmodel.load_state_dict(best_state)\n",
        ] {
            assert!(s.contains(want), "{want} missing from:\n{s}");
        }
    }
}
