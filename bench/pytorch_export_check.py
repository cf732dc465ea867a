#!/usr/bin/env python3
"""Check lesson 13's PyTorch export: the exported script runs, and its losses after 2 epochs lie
within the run-to-run spread of DNA Playground's own.

Not part of CI (it needs PyTorch). For each seed, ``dnaplay train --data DATA --epochs 2 --seed S``
trains the run the page trains (the same model crate, split, model and settings) and writes the
same ``train.py`` and ``data.csv`` the page's "PyTorch script + data.csv" button downloads. Then
``python3 train.py --epochs 2 --seed S`` trains it in PyTorch on the same split. The script
prints both sets of losses, their spread over the seeds, and whether each PyTorch loss lies in the
range of ours (widened by half its width, so that 5 seeds are a fair sample).

    python3 bench/pytorch_export_check.py --dnaplay ~/.cache/dna-playground/target/release/dnaplay
    python3 bench/pytorch_export_check.py --train-py page-export/train.py   # a script from the page

Exit status 1 when a PyTorch loss falls outside.
"""

import argparse
import csv
import os
import re
import subprocess
import sys
import tempfile


def ours(dnaplay, data, seed, out, extra):
    subprocess.run([dnaplay, "train", "--data", data, "--epochs", "2", "--seed", str(seed), "--out", out, "--quiet", *extra], check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(out, "history.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    return float(rows[-1]["train_loss"]), float(rows[-1]["val_loss"])


def pytorch(script, data_csv, seed):
    run = subprocess.run([sys.executable, script, "--data", data_csv, "--epochs", "2", "--seed", str(seed)], check=True, capture_output=True, text=True)
    last = [l for l in run.stdout.splitlines() if l.startswith("E")][-1]
    m = re.search(r"train loss: ([0-9.eE+-]+) \| val loss: ([0-9.eE+-]+)", last)
    return float(m.group(1)), float(m.group(2))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser()
    parser.add_argument("--dnaplay", default=os.path.expanduser("~/.cache/dna-playground/target/release/dnaplay"))
    parser.add_argument("--data", default=os.path.join(here, "..", "assets", "examples", "kmers-seed002.csv"))
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--train-py", help="a train.py downloaded from the page (default: the one dnaplay writes)")
    parser.add_argument("extra", nargs="*", help="more dnaplay train options, after --")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(1, args.seeds + 1):
            out = os.path.join(tmp, f"seed{seed}")
            a = ours(args.dnaplay, args.data, seed, out, args.extra)
            b = pytorch(args.train_py or os.path.join(out, "train.py"), os.path.join(out, "data.csv"), seed)
            rows.append((seed, a, b))
            print(f"seed {seed}: DNA Playground train {a[0]:.3f} val {a[1]:.3f} | PyTorch train {b[0]:.3f} val {b[1]:.3f}", flush=True)
    ok = True
    for i, name in enumerate(["train", "val"]):
        mine = [r[1][i] for r in rows]
        theirs = [r[2][i] for r in rows]
        lo, hi = min(mine), max(mine)
        pad = (hi - lo) / 2
        inside = [lo - pad <= t <= hi + pad for t in theirs]
        ok &= all(inside)
        print(f"{name} loss after 2 epochs: DNA Playground {lo:.3f} to {hi:.3f} (mean {sum(mine) / len(mine):.3f}); "
              f"PyTorch {min(theirs):.3f} to {max(theirs):.3f} (mean {sum(theirs) / len(theirs):.3f}); "
              f"{sum(inside)} of {len(theirs)} PyTorch runs within DNA Playground's spread (±half its width)")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
