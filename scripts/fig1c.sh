#!/usr/bin/env bash
# Seed 003's Fig. 1c and Extended Data Fig. 1e: CNN-2, CNN-50 and CNN-deep on Task 1 with relu and
# exp over SEEDS (default 1-5); all three with log-relu, and CNN-deep with relu as its control,
# under the first-layer L2 penalty of 0.2 (--l2-first; seed 003's code puts it on the first
# kernel only) over SEEDS; and sigmoid, tanh, softplus, linear and elu over seed 1. Seed 003's recipe
# (Methods, "Training"): Glorot uniform kernels and zero biases (--init glorot), Adam 0.001
# decayed by 0.3 after 5 epochs without a better validation AUPR, batch 100, L2 1e-6, up to 100
# epochs, the best validation epoch's weights kept; runs stop after 20 epochs without
# improvement (the EarlyStopping(patience=20) of seed 003's code). Writes OUT/summary.csv,
# OUT/summary.md and OUT/boxplot-match_fraction.svg (the figure). Resumable: run it again to
# finish an interrupted grid. SHARDS=N runs N one-thread processes side by side.
#
#   scripts/fig1c.sh OUT [EPOCHS]      (default: 100 epochs)
set -euo pipefail
OUT=${1:?usage: scripts/fig1c.sh OUT [EPOCHS]}
EPOCHS=${2:-100}
SHARDS=${SHARDS:-1}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cargo build --release --locked -p dnaplay-cli --manifest-path "$ROOT/Cargo.toml"
BIN=${CARGO_TARGET_DIR:-$ROOT/target}/release/dnaplay
SEEDS=${SEEDS:-1-5}
grid() {
  local recipe=(--task task1 --init glorot --early-stopping 20 --epochs "$EPOCHS" --out "$OUT")
  local all=(--model cnn-2,cnn-50,cnn-deep)
  "$BIN" sweep "${recipe[@]}" "${all[@]}" --activation relu,exp --seeds "$SEEDS" "$@"
  "$BIN" sweep "${recipe[@]}" --model cnn-deep --activation log-relu,relu --l2-first 0.2 --seeds "$SEEDS" "$@"
  "$BIN" sweep "${recipe[@]}" --model cnn-50,cnn-2 --activation log-relu --l2-first 0.2 --seeds "$SEEDS" "$@"
  "$BIN" sweep "${recipe[@]}" "${all[@]}" --activation sigmoid,tanh,softplus,linear,elu --seeds 1 "$@"
}
if [ "$SHARDS" -gt 1 ]; then
  for i in $(seq 1 "$SHARDS"); do RAYON_NUM_THREADS=1 grid --shard "$i/$SHARDS" > "$OUT.shard$i.log" 2>&1 & done
  wait
fi
grid   # with every cell done, this only writes the summary
