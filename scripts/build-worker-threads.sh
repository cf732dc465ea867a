#!/usr/bin/env bash
# Build the threaded training worker (crates/worker, --features threads) into a folder:
# dnaplay-worker-mt.js, dnaplay-worker-mt_bg.wasm and wasm-bindgen-rayon's snippet.
#
# Trunk runs this as a post-build hook (Trunk.toml), writing into its staging folder; Trunk's
# own worker build (Index.html) is the one-thread worker with WebGPU. Threads in wasm need the
# standard library rebuilt with atomics, which only a nightly toolchain does (-Z build-std); the
# toolchain is pinned here and used for this build alone (wasm-bindgen-rayon README).
#
# Usage: scripts/build-worker-threads.sh [OUT_DIR]   (default: $TRUNK_STAGING_DIR)
# Env: DNAPLAY_NIGHTLY (default nightly-2026-05-20, rustc 1.97.0-nightly e50aa6fba).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
source scripts/common.sh
out="${1:-${TRUNK_STAGING_DIR:?pass an output folder, or run as a Trunk hook}}"
toolchain="$(nightly_toolchain)"
ensure_nightly
# Its own target folder: other RUSTFLAGS and another rustc would otherwise thrash the stable
# build's artifacts.
target="${CARGO_TARGET_DIR}-threads"
say "building the threaded training worker ($toolchain, atomics; target dir $target)"
# Since rust-lang/rust#147225, atomics no longer imply a shared memory: ask the linker for one
# (imported, so wasm-bindgen's threads transform can hand it to each rayon worker), with room
# for 2 GiB, and export the TLS symbols wasm-bindgen sets up per thread.
link=(--shared-memory --max-memory=2147483648 --import-memory
  --export=__wasm_init_tls --export=__tls_size --export=__tls_align --export=__tls_base)
RUSTFLAGS="-C target-feature=+atomics,+bulk-memory,+mutable-globals,+simd128 ${link[*]/#/-C link-arg=}" \
  cargo "+$toolchain" build --locked --profile wasm-release --target wasm32-unknown-unknown \
  -Z build-std=std,panic_abort --target-dir "$target" \
  -p dnaplay-worker --no-default-features --features threads
wasm-bindgen --target web --no-typescript --out-dir "$out" --out-name dnaplay-worker-mt \
  "$target/wasm32-unknown-unknown/wasm-release/dnaplay-worker.wasm"
if [ "${TRUNK_PROFILE:-release}" = release ]; then
  say "wasm-opt -Oz on the threaded worker"
  wasm-opt -Oz --enable-threads --enable-bulk-memory --enable-mutable-globals --enable-simd \
    --enable-nontrapping-float-to-int --enable-sign-ext \
    -o "$out/dnaplay-worker-mt_bg.wasm" "$out/dnaplay-worker-mt_bg.wasm"
fi
ls -l "$out"/dnaplay-worker-mt*
