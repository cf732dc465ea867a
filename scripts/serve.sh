#!/usr/bin/env bash
# Build the web app and serve it on http://127.0.0.1:8080. Installs what is missing first: the
# wasm32 target, Trunk 0.21.14, wasm-bindgen-cli matching Cargo.lock, wasm-opt, and the pinned
# nightly toolchain that builds the threaded training worker.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
source scripts/common.sh
ensure_wasm_target
ensure_wasm_bindgen
ensure_wasm_opt
ensure_trunk
ensure_nightly
say "building and serving on http://127.0.0.1:8080 (Ctrl-C stops)"
exec trunk serve --release "$@"
