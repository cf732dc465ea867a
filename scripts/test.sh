#!/usr/bin/env bash
# Run every test, installing what is missing first:
#  - native: the model crate (the seeds' values, split, one-hot, training, interpretation), the
#    plots (rendered to SVG), the page state, the page ↔ worker protocol (run state, typed
#    errors, messages), and the dnaplay CLI end to end;
#  - the web app end to end: `trunk build --release` makes dist/ (the page and its training
#    workers), served on 127.0.0.1 and driven over WebDriver (tests/e2e): every lesson in
#    headless Chromium (the CPU, WebGPU, the workers' failures and fallbacks, the shipped
#    checkpoints, phones and tablets, axe-core's accessibility rules, the keyboard), and the
#    main paths in Firefox and in Safari's engine (WebKitGTK, with and without
#    SharedArrayBuffer).
#
# Tool installs (wasm-bindgen-cli, Trunk, wasm-opt) run in the background, in their own target
# folder, while the app's wasm builds. dist/ is cached by the hash of its inputs, because
# wasm-opt takes minutes. `scripts/test.sh --wasm-node` also runs the model crate's wasm tests in
# Node (wasm-bindgen-test).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
source scripts/common.sh

ensure_wasm_target
tools_log="$DNAPLAY_TOOLS/install.log"
say "installing missing tools in the background (log: $tools_log)"
(
  export CARGO_TARGET_DIR="$DNAPLAY_TOOLS/build"
  ensure_wasm_bindgen && ensure_wasm_opt && ensure_axe && ensure_trunk && ensure_nightly && ensure_geckodriver
) >"$tools_log" 2>&1 &
tools_pid=$!

# The native build of every test, in the background from the start too, at a lower priority than
# the wasm builds (the longer path) and in a target folder of its own: cargo builds one thing at a
# time in a target folder. It fills the stretches where the other builds use one core (a crate's
# codegen, a link, wasm-opt): on a fresh machine they left a third of the 2 cores idle.
native_target="${CARGO_TARGET_DIR}-native"
native_log="$DNAPLAY_TOOLS/native-build.log"
# The two patched crates (crates/patched) from a copy outside the checkout, in a folder named by
# their contents (the config's [patch] wins over the manifest's: cargo 1.56). Cargo names a path
# package by its path, so from the checkout every fresh clone (CI's) was a new gemm-f32 and
# macerator, and the native build compiled them again with burn and gemm above them.
patched="$HOME/.cache/dna-playground/patched-$(find crates/patched -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)"
if [ ! -d "$patched" ]; then
  rm -rf "$patched.tmp" && cp -r crates/patched "$patched.tmp" && mv "$patched.tmp" "$patched"
fi
native_tests=(--locked --release --config 'profile.release.package.burn-ndarray.opt-level=1' --target-dir "$native_target"
  --config "patch.crates-io.gemm-f32.path='$patched/gemm-f32'" --config "patch.crates-io.macerator.path='$patched/macerator'"
  -p dnaplay-model -p dnaplay-plots -p dnaplay-state -p dnaplay-protocol -p dnaplay-cli -p dnaplay-e2e)
say "building the native tests in the background (log: $native_log; target dir $native_target)"
nice -n 10 cargo test --no-run "${native_tests[@]}" >"$native_log" 2>&1 &
native_pid=$!
# An early exit stops the background builds too.
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT

# The three engines: Chromium, Firefox, and WebKitGTK (Safari's engine) under Xvfb.
apt_install chromium chromium-driver firefox-esr webkit2gtk-driver xvfb

# dist/ from Trunk, reused when nothing that goes into it changed: the key hashes every source
# and setting that builds it (the CLI aside) and both toolchains' versions. With the key found, no
# wasm is compiled: a fresh checkout's new file times would otherwise rebuild the page and both
# workers (about 3 minutes) to produce the same bytes.
key="$( {
  rustc -V; nightly_toolchain
  find Cargo.toml Cargo.lock .cargo Index.html Trunk.toml scripts/build-worker-threads.sh src crates style assets \
    -type f ! -path 'crates/cli/*' -print0 | sort -z | xargs -0 sha256sum
} | sha256sum | cut -c1-16)"
cache="$HOME/.cache/dna-playground/dist-$key"
if [ ! -f "$cache/index.html" ]; then
  say "building the app for wasm32 (the page wasm-page, the worker wasm-release, as Trunk does; target dir $CARGO_TARGET_DIR)"
  # Two cargo runs, as Trunk makes them: the page without burn, then the training worker with it
  # (one run would unify their features and give the page burn). They run here, before Trunk, so
  # that they overlap the tool installs.
  cargo build --locked --profile wasm-page --target wasm32-unknown-unknown -p dna-playground
  cargo build --locked --profile wasm-release --target wasm32-unknown-unknown -p dnaplay-worker
fi

say "waiting for the tool installs"
if ! wait "$tools_pid"; then
  cat "$tools_log" >&2
  echo "error: installing the tools failed (log above)" >&2
  exit 1
fi

if [ -f "$cache/index.html" ]; then
  say "dist/ unchanged since a previous run: reusing $cache"
  rm -rf dist && cp -r "$cache" dist
else
  say "trunk build --release (wasm-bindgen, then wasm-opt: a few minutes)"
  trunk build --release
  rm -rf "$HOME"/.cache/dna-playground/dist-* && cp -r dist "$cache"
fi
ls -l dist/*.wasm

say "native and end-to-end tests"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}" XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp}"
# burn-ndarray (the CLI's second CPU backend, which no test trains on) at opt-level 1 here: at 3 it
# was the build's longest crate (336 s of one core on a fresh machine). It is still compiled, and
# `cargo build --release` of the CLI keeps it at 3. Built in the background above.
if ! wait "$native_pid"; then
  cat "$native_log" >&2
  echo "error: building the native tests failed (log above)" >&2
  exit 1
fi
cargo test "${native_tests[@]}"

if [ "${1:-}" = "--wasm-node" ]; then
  say "wasm32 tests in Node (wasm-bindgen-test-runner)"
  command -v node >/dev/null || apt_install nodejs
  wasm_tests=(--locked --release --target wasm32-unknown-unknown -p dnaplay-model --features simd --test wasm)
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner cargo test "${wasm_tests[@]}"
  # The same tests with relaxed SIMD, as the threaded worker's second build compiles gemm
  # (crates/patched): Node 20 validates it behind a V8 flag, given here by a `node` shim.
  say "wasm32 tests in Node with relaxed SIMD (target dir ${CARGO_TARGET_DIR}-relaxed)"
  shim="$(mktemp -d)"
  printf '#!/bin/sh\nexec %s --experimental-wasm-relaxed-simd "$@"\n' "$(command -v node)" >"$shim/node"
  chmod +x "$shim/node"
  PATH="$shim:$PATH" RUSTFLAGS="-C target-feature=+simd128,+relaxed-simd" \
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
    cargo test "${wasm_tests[@]}" --target-dir "${CARGO_TARGET_DIR}-relaxed"
  rm -rf "$shim"
fi
