#!/usr/bin/env bash
# Seed 003's contrast (Fig. 1c direction), natively: CNN-dist on Task 3 with relu and with exp
# first-layer activations over several seeds; prints each run's test AUROC and filter match
# fraction, then the mean and spread per activation.
#
# Usage: scripts/exp-vs-relu.sh [OUT_DIR] [SEEDS...]   (defaults: /tmp/exp-vs-relu, seeds 1-5)
# Env: EPOCHS (default 30), DEVICE (default cpu).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh
out=${1:-/tmp/exp-vs-relu}
shift || true
seeds=("${@:-1 2 3 4 5}")
read -r -a seeds <<< "${seeds[*]}"
cargo build --locked --release -p dnaplay-cli
bin="$CARGO_TARGET_DIR/release/dnaplay"
for seed in "${seeds[@]}"; do
  for act in relu exp; do
    dir="$out/$act-seed$seed"
    if [[ -f "$dir/metrics.json" ]]; then continue; fi
    "$bin" train --task task3 --model cnn-dist --activation "$act" --seed "$seed" \
      --epochs "${EPOCHS:-30}" --device "${DEVICE:-cpu}" --out "$dir" --quiet
  done
done
python3 - "$out" <<'PY'
import json, pathlib, statistics, sys
root = pathlib.Path(sys.argv[1])
rows = {}
print(f"{'run':<14} {'epochs':>6} {'test AUROC':>10} {'match fraction':>15} {'s/epoch':>8}")
for m in sorted(root.glob("*/metrics.json")):
    d = json.loads(m.read_text())
    rows.setdefault(d["activation"], []).append(d)
    print(f"{m.parent.name:<14} {d['epochs']:>6} {d['test_auroc']:>10.3f} {d['match_fraction']:>15.3f} {d['seconds_per_epoch']:>8.2f}")
print()
for act, ds in rows.items():
    a = [d["test_auroc"] for d in ds]; f = [d["match_fraction"] for d in ds]
    sd = lambda v: statistics.stdev(v) if len(v) > 1 else 0.0
    print(f"{act:<5} n={len(ds)}  AUROC {statistics.mean(a):.3f} ± {sd(a):.3f} (min {min(a):.3f})  "
          f"match fraction {statistics.mean(f):.3f} ± {sd(f):.3f} (range {min(f):.3f}–{max(f):.3f})")
PY
