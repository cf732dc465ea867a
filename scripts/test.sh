#!/usr/bin/env bash
# Run every test, installing what is missing first:
#  1. native: the model crate (the seeds' values, split, one-hot, training, interpretation),
#     the plots (rendered to SVG) and the dnaplay CLI end to end;
#  2. wasm32 in Node: the same split and the CNN training on burn-flex.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
source scripts/common.sh

say "native tests (release profile, target dir $CARGO_TARGET_DIR)"
cargo test --locked --release -p dnaplay-model -p dnaplay-plots -p dnaplay-state -p dnaplay-cli

say "wasm32 tests in Node (wasm-bindgen-test-runner)"
ensure_wasm_target
ensure_wasm_bindgen
command -v node >/dev/null || apt_install nodejs
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test --locked --release --target wasm32-unknown-unknown -p dnaplay-model --features simd --test wasm
