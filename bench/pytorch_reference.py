#!/usr/bin/env python3
"""Seed 002's 8-mer CNN in PyTorch, timed, for comparison with `dnaplay bench`.

Two variants, both on the CPU with PyTorch's default thread count:

* ``dataloader``: the seed's code as written (002_43bf568607ee2a41.txt, Parts 1-5):
  ``SeqDatasetOHE`` + ``DataLoader(batch_size=128, shuffle=True)``, ``DNA_CNN`` (32 filters,
  width 3), ``torch.optim.SGD(lr=0.01)``, MSE loss, per-epoch train and validation loss.
* ``prebatched``: the same model, optimizer and batches, but the one-hot tensor is built once
  and each epoch slices a random permutation of it: PyTorch's best case on this task.

Prints one line per epoch in the seed's form and a summary of seconds per epoch.

    python3 bench/pytorch_reference.py --epochs 50 --variant both
"""

import argparse
import time
from itertools import product

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset


def kmers(k):
    return ["".join(x) for x in product(["A", "C", "G", "T"], repeat=k)]


SCORE = {"A": 20, "C": 17, "G": 14, "T": 11}


def score_seqs_motif(seqs):
    out = []
    for seq in seqs:
        score = np.mean([SCORE[b] for b in seq], dtype=np.float32)
        if "TAT" in seq:
            score += 10
        if "GCG" in seq:
            score -= 10
        out.append(score)
    return np.array(out, dtype=np.float32)


NUC = {"A": [1.0, 0.0, 0.0, 0.0], "C": [0.0, 1.0, 0.0, 0.0], "G": [0.0, 0.0, 1.0, 0.0],
       "T": [0.0, 0.0, 0.0, 1.0], "N": [0.0, 0.0, 0.0, 0.0]}


def one_hot_encode(seq):
    return np.array([NUC[x] for x in seq], dtype=np.float32)


class SeqDatasetOHE(Dataset):
    """Seed 002, Part 2."""

    def __init__(self, seqs, scores):
        self.seqs = list(seqs)
        self.ohe_seqs = torch.stack([torch.tensor(one_hot_encode(x)) for x in self.seqs])
        self.labels = torch.tensor(list(scores)).unsqueeze(1)

    def __len__(self):
        return len(self.seqs)

    def __getitem__(self, idx):
        return self.ohe_seqs[idx], self.labels[idx]


class DNA_CNN(nn.Module):
    """Seed 002, Part 3."""

    def __init__(self, seq_len, num_filters=32, kernel_size=3):
        super().__init__()
        self.conv = nn.Conv1d(4, num_filters, kernel_size=kernel_size)
        self.relu = nn.ReLU(inplace=True)
        self.linear = nn.Linear(num_filters * (seq_len - kernel_size + 1), 1)

    def forward(self, xb):
        xb = xb.permute(0, 2, 1)
        x = self.relu(self.conv(xb))
        x = x.flatten(1)
        return self.linear(x)


def split(n, seed=42):
    """64/16/20 by scikit-learn's ceil rule (41,942 / 10,486 / 13,108 for 65,536)."""
    rng = np.random.default_rng(seed)
    order = rng.permutation(n)
    n_test = int(np.ceil(0.2 * n))
    n_val = int(np.ceil(0.2 * (n - n_test)))
    return order[n_test + n_val:], order[n_test:n_test + n_val], order[:n_test]


def epoch_dataloader(model, opt, loss_fn, train_dl, val_dl):
    model.train()
    bl, bs = [], []
    for xb, yb in train_dl:
        pred = model(xb.float())
        loss = loss_fn(pred, yb.float())
        opt.zero_grad()
        loss.backward()
        opt.step()
        bl.append(loss.item())
        bs.append(len(xb))
    model.eval()
    with torch.no_grad():
        vl, ns = [], []
        for xb, yb in val_dl:
            vl.append(loss_fn(model(xb.float()), yb.float()).item())
            ns.append(len(xb))
    return np.average(bl, weights=bs), np.average(vl, weights=ns)


def epoch_prebatched(model, opt, loss_fn, x, y, xv, yv, batch):
    model.train()
    perm = torch.randperm(len(x))
    total = torch.zeros(())
    for i in range(0, len(x), batch):
        idx = perm[i:i + batch]
        xb, yb = x[idx], y[idx]
        loss = loss_fn(model(xb), yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.detach() * len(idx)
    model.eval()
    with torch.no_grad():
        val = loss_fn(model(xv), yv).item()
    return total.item() / len(x), val


def run(variant, epochs, quiet):
    torch.manual_seed(17)
    np.random.seed(17)
    seqs = kmers(8)
    scores = score_seqs_motif(seqs)
    tr, va, _ = split(len(seqs))
    t0 = time.perf_counter()
    train_ds = SeqDatasetOHE([seqs[i] for i in tr], scores[tr])
    val_ds = SeqDatasetOHE([seqs[i] for i in va], scores[va])
    setup_s = time.perf_counter() - t0
    model = DNA_CNN(8)
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    loss_fn = nn.MSELoss()
    if variant == "dataloader":
        train_dl = DataLoader(train_ds, batch_size=128, shuffle=True)
        val_dl = DataLoader(val_ds, batch_size=128)
        step = lambda: epoch_dataloader(model, opt, loss_fn, train_dl, val_dl)
    else:
        x, y = train_ds.ohe_seqs, train_ds.labels
        xv, yv = val_ds.ohe_seqs, val_ds.labels
        step = lambda: epoch_prebatched(model, opt, loss_fn, x, y, xv, yv, 128)
    times = []
    for e in range(epochs):
        t = time.perf_counter()
        tl, vl = step()
        times.append(time.perf_counter() - t)
        if not quiet:
            print(f"E{e} | train loss: {tl:.3f} | val loss: {vl:.3f}")
    return setup_s, times, vl


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--epochs", type=int, default=50)
    p.add_argument("--variant", choices=["dataloader", "prebatched", "both"], default="both")
    p.add_argument("--quiet", action="store_true")
    a = p.parse_args()
    variants = ["dataloader", "prebatched"] if a.variant == "both" else [a.variant]
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    rows = []
    for v in variants:
        print(f"--- {v}")
        setup_s, times, vl = run(v, a.epochs, a.quiet)
        timed = times[1:] if len(times) > 1 else times
        rows.append((v, len(timed), sum(timed) / len(timed), min(timed), times[0], setup_s, vl))
    print(f"{'variant':<12} {'epochs timed':>12} {'s/epoch mean':>14} {'s/epoch min':>12} {'first epoch s':>14} {'setup s':>8} {'final val':>10}")
    for r in rows:
        print(f"{r[0]:<12} {r[1]:>12} {r[2]:>14.3f} {r[3]:>12.3f} {r[4]:>14.3f} {r[5]:>8.2f} {r[6]:>10.3f}")


if __name__ == "__main__":
    main()
