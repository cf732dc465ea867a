#!/usr/bin/env bash
# Run every test: the model crate (seed values, split, one-hot, training, interpretation), the
# plots (rendered to SVG), and the dnaplay CLI end to end. Installs what is missing first.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
source scripts/common.sh
say "native tests (release profile; target dir $CARGO_TARGET_DIR)"
cargo test --locked --release -p dnaplay-model -p dnaplay-plots -p dnaplay-cli
