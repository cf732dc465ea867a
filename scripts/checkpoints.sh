#!/usr/bin/env bash
# Train the checkpoints the lessons ship (assets/checkpoints/), with the CLI and the same model
# crate as the page. Each folder holds model.bpk (burn's record format) and checkpoint.json
# (the settings, history and the test metrics the CLI measured with these weights).
#
#   lesson5-cnn          seed 002's CNN on every 8-mer (Part 4's settings: SGD 0.01, 50 epochs)
#   lesson9-relu/-exp    CNN-dist on seed 003's Task 3, relu and exp first layer (seed 003's
#                        training: Adam 1e-3, batch 100, L2 1e-6, best validation AUROC kept)
#   lesson10-multiscale  seed 000's multi-scale CNN on its 200-nt data (seed 000's training)
#
# Usage: scripts/checkpoints.sh [NAME...]   (default: all four; about 25 minutes on 2 cores)
# Env: OUT (default assets/checkpoints), SEED (default 17, the lessons' default seed: lesson 5),
# SEED9 (default 4: lesson 9's pair; over seeds 1-5 exp matched 0.38-0.63 and relu 0-0.08 of
# the filters, docs/results-seed003.md, "seed 003's contrast reproduced", and seed 4 shows it clearest),
# SEED10 (default 42, seed 000's own random_state: test AUROC 0.835 and accuracy 0.798 with the
# batch-norm recalibration, 2026-12-04; 0.819 and 0.749 before it; the Keras code's 0.78-0.82).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
source scripts/common.sh
out=${OUT:-assets/checkpoints}
seed=${SEED:-17}
seed9=${SEED9:-4}
seed10=${SEED10:-42}
names=("${@:-lesson5-cnn lesson9-relu lesson9-exp lesson10-multiscale}")
read -r -a names <<< "${names[*]}"
cargo build --locked --release -p dnaplay-cli
bin="$CARGO_TARGET_DIR/release/dnaplay"
runs="$(mktemp -d)"
for name in "${names[@]}"; do
  case "$name" in
    lesson5-cnn) args=(--task 8mer --model cnn --seed "$seed") ;;
    lesson9-relu) args=(--task task3 --model cnn-dist --activation relu --num-seqs 20000 --epochs 30 --seed "$seed9") ;;
    lesson9-exp) args=(--task task3 --model cnn-dist --activation exp --num-seqs 20000 --epochs 30 --seed "$seed9") ;;
    lesson10-multiscale) args=(--task keras200 --model multiscale --num-seqs 10000 --seed "$seed10") ;;
    *) echo "error: unknown checkpoint '$name'; expected lesson5-cnn, lesson9-relu, lesson9-exp or lesson10-multiscale" >&2; exit 2 ;;
  esac
  say "$name: dnaplay train ${args[*]}"
  rm -rf "${out:?}/$name"
  "$bin" train "${args[@]}" --quiet --out "$runs/$name" --save "$out/$name"
  rm -f "$out/$name/.dnaplay-run"
done
ls -l "$out"/*/
