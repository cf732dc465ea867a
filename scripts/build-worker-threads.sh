#!/usr/bin/env bash
# Build the threaded training worker (crates/worker, --features threads) into a folder, twice:
# dnaplay-worker-mt.js, dnaplay-worker-mt_bg.wasm and wasm-bindgen-rayon's snippet, and the same
# with relaxed SIMD in its relaxed/ subfolder.
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
# Two builds, each in its own target folder (other RUSTFLAGS and another rustc would otherwise
# thrash the stable build's artifacts, and each other's):
#  - the baseline (wasm SIMD128), into OUT_DIR, for every engine with threads;
#  - relaxed SIMD (+relaxed-simd: gemm's microkernel with f32x4.relaxed_madd, crates/patched),
#    into OUT_DIR/relaxed, which the loader (assets/dnaplay-worker-mt-loader.js) picks where
#    WebAssembly.validate accepts a relaxed-SIMD module (Chromium, Firefox; not WebKit). A
#    folder of its own because wasm-bindgen-rayon's snippet imports its module by a relative path.
# Since rust-lang/rust#147225, atomics no longer imply a shared memory: ask the linker for one
# (imported, so wasm-bindgen's threads transform can hand it to each rayon worker), with room
# for 2 GiB, and export the TLS symbols wasm-bindgen sets up per thread.
link=(--shared-memory --max-memory=2147483648 --import-memory
  --export=__wasm_init_tls --export=__tls_size --export=__tls_align --export=__tls_base)
features="+atomics,+bulk-memory,+mutable-globals,+simd128"
# One variant: cargo, wasm-bindgen, then wasm-opt for a release.
build_variant() {
  local variant="$1" target dir extra opt=()
  if [ "$variant" = relaxed ]; then
    target="${CARGO_TARGET_DIR}-threads-relaxed" dir="$out/relaxed" extra=",+relaxed-simd" opt=(--enable-relaxed-simd)
  else
    target="${CARGO_TARGET_DIR}-threads" dir="$out" extra=""
  fi
  say "building the threaded training worker, $variant ($toolchain, atomics$extra; target dir $target)"
  RUSTFLAGS="-C target-feature=$features$extra ${link[*]/#/-C link-arg=}" \
    cargo "+$toolchain" build --locked --profile wasm-release --target wasm32-unknown-unknown \
    -Z build-std=std,panic_abort --target-dir "$target" \
    -p dnaplay-worker --no-default-features --features threads
  wasm-bindgen --target web --no-typescript --out-dir "$dir" --out-name dnaplay-worker-mt \
    "$target/wasm32-unknown-unknown/wasm-release/dnaplay-worker.wasm"
  if [ "${TRUNK_PROFILE:-release}" = release ]; then
    say "wasm-opt -Oz on the threaded worker, $variant"
    wasm-opt -Oz --enable-threads --enable-bulk-memory --enable-mutable-globals --enable-simd \
      --enable-nontrapping-float-to-int --enable-sign-ext "${opt[@]}" \
      -o "$dir/dnaplay-worker-mt_bg.wasm" "$dir/dnaplay-worker-mt_bg.wasm"
  fi
  ls -l "$dir"/dnaplay-worker-mt*
}
# Both at once: each build has stretches on one core (the largest crates' codegen, the link,
# wasm-opt's serial passes), which the other fills. Each line is tagged with its variant.
pids=()
for variant in baseline relaxed; do
  build_variant "$variant" > >(sed -u "s/^/[$variant] /") 2>&1 &
  pids+=($!)
done
status=0
for pid in "${pids[@]}"; do
  wait "$pid" || status=1
done
exit "$status"
