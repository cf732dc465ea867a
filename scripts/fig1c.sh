#!/usr/bin/env bash
# Seed 003's Fig. 1c and Extended Data Fig. 1e in full: CNN-2, CNN-50 and CNN-deep on Task 1 with
# seven first-layer activations over 10 seeds, and log-relu with an L2 penalty of 0.2: 240 runs
# of seed 003's training (Adam 0.001, batch 100, AUPR monitored). Writes OUT/summary.csv,
# OUT/summary.md and OUT/boxplot-match_fraction.svg (the figure). Resumable: run it again to
# finish an interrupted grid. On a bigger machine, SHARDS=N runs N processes side by side.
#
#   scripts/fig1c.sh OUT [EPOCHS]      (default: 100 epochs with early stopping, as the paper)
set -euo pipefail
OUT=${1:?usage: scripts/fig1c.sh OUT [EPOCHS]}
EPOCHS=${2:-100}
SHARDS=${SHARDS:-1}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cargo build --release --locked -p dnaplay-cli --manifest-path "$ROOT/Cargo.toml"
BIN=${CARGO_TARGET_DIR:-$ROOT/target}/release/dnaplay
grid() {
  "$BIN" sweep --task task1 --model cnn-2,cnn-50,cnn-deep --activation relu,exp,sigmoid,tanh,softplus,linear,elu --seeds 1-10 --epochs "$EPOCHS" --out "$OUT" "$@"
  "$BIN" sweep --task task1 --model cnn-2,cnn-50,cnn-deep --activation log-relu --l2 0.2 --seeds 1-10 --epochs "$EPOCHS" --out "$OUT" "$@"
}
if [ "$SHARDS" -gt 1 ]; then
  for i in $(seq 1 "$SHARDS"); do RAYON_NUM_THREADS=1 grid --shard "$i/$SHARDS" > "$OUT.shard$i.log" 2>&1 & done
  wait
fi
grid   # with every cell done, this only writes the summary
