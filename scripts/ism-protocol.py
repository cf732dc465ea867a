#!/usr/bin/env python3
"""Seed 003's in silico mutagenesis protocol, choice by choice (issue 25).

For each run folder given, reads what `dnaplay explain --method ism-centred` wrote for the
logit (DIR/explain-logit) and for the probability (DIR/explain-probability): the mean-centred
maps hold every substitution's change, `delta_j = centred_j - centred_observed` (the observed
base's change is 0). From them it scores each reduction of the four changes to one score per
position against truth.csv, as seed 003's `helper.interpretability_performance` does: per
sequence, the AUROC of the position scores at positions above 0.01 bits against the rest (ties
share their rank, as sklearn's roc_curve), then the mean over sequences.

Reductions:
  l2        sqrt(sum_j delta_j^2) on the observed base (seed 003, Methods; its notebook
            task3_step3: np.sqrt(np.sum(scores**2, axis=-1, keepdims=True)) * X)
  centred   the observed base's mean-centred score, -mean_j delta_j (tangermeme)
  max-drop  the largest fall, max_j(-delta_j)
  l1        sum_j |delta_j|

Usage: scripts/ism-protocol.py RUN_DIR...   (prints a table; run folders named ACT-seedN)
"""
import csv
import pathlib
import statistics
import sys


def read_maps(path):
    """{sequence: [(base, [A, C, G, T]) per position]}"""
    out = {}
    with open(path) as f:
        for row in csv.DictReader(f):
            out.setdefault(int(row["sequence"]), []).append((row["base"], [float(row[b]) for b in "ACGT"]))
    return out


def read_truth(path):
    out = {}
    with open(path) as f:
        for row in csv.DictReader(f):
            out.setdefault(int(row["sequence"]), []).append(float(row["information_bits"]))
    return out


def auroc(labels, scores):
    """Mann-Whitney AUROC with average ranks for ties; None without both classes."""
    pos = sum(labels)
    neg = len(labels) - pos
    if pos == 0 or neg == 0:
        return None
    order = sorted(range(len(scores)), key=lambda i: scores[i])
    ranks = [0.0] * len(scores)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and scores[order[j + 1]] == scores[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    rank_sum = sum(r for r, l in zip(ranks, labels) if l)
    return (rank_sum - pos * (pos + 1) / 2) / (pos * neg)


REDUCTIONS = {
    "l2": lambda d: sum(v * v for v in d) ** 0.5,
    "centred": lambda d: -sum(d) / 4,
    "max-drop": lambda d: max(-v for v in d),
    "l1": lambda d: sum(abs(v) for v in d),
}


def score(run, output, reduction):
    maps = read_maps(run / f"explain-{output}" / "maps-ism-centred.csv")
    truth = read_truth(run / f"explain-{output}" / "truth.csv")
    values = []
    for b, positions in maps.items():
        scores = []
        for base, centred in positions:
            own = "ACGT".index(base) if base in "ACGT" else None
            delta = [c - centred[own] for c in centred] if own is not None else [0.0] * 4
            scores.append(REDUCTIONS[reduction](delta))
        a = auroc([i > 0.01 for i in truth[b]], scores)
        if a is not None:
            values.append(a)
    return statistics.mean(values)


def main():
    runs = [pathlib.Path(p) for p in sys.argv[1:]]
    if not runs:
        sys.exit(__doc__)
    table = {}
    for run in runs:
        act = run.name.split("-")[0]
        for output in ("logit", "probability"):
            for reduction in REDUCTIONS:
                table.setdefault((output, reduction), {}).setdefault(act, []).append((run.name, score(run, output, reduction)))
    acts = sorted({a for cells in table.values() for a in cells})
    sd = lambda v: statistics.stdev(v) if len(v) > 1 else 0.0
    print("| output | reduction | " + " | ".join(acts) + " | exp − relu, per seed |")
    print("|---|---|" + "---|" * len(acts) + "---|")
    for (output, reduction), cells in table.items():
        row = []
        for act in acts:
            v = [s for _, s in cells.get(act, [])]
            row.append(f"{statistics.mean(v):.3f} ± {sd(v):.3f}" if v else "–")
        margins = ""
        if "exp" in cells and "relu" in cells:
            relu = {n.split("-", 1)[1]: s for n, s in cells["relu"]}
            diffs = [s - relu[n.split("-", 1)[1]] for n, s in cells["exp"] if n.split("-", 1)[1] in relu]
            margins = f"{statistics.mean(diffs):+.3f} ({sum(d > 0 for d in diffs)}/{len(diffs)} seeds exp above)" if diffs else ""
        print(f"| {output} | {reduction} | " + " | ".join(row) + f" | {margins} |")


if __name__ == "__main__":
    main()
