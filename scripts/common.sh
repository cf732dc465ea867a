# Shared by serve.sh and test.sh: one cargo target directory outside the clone, so that every
# checkout and every CI run on this machine reuses the same build artifacts, and one folder for
# the tools these scripts install.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/dna-playground/target}"
export DNAPLAY_TOOLS="${DNAPLAY_TOOLS:-$HOME/.cache/dna-playground/tools}"
export PATH="$HOME/.cargo/bin:$DNAPLAY_TOOLS/bin:$DNAPLAY_TOOLS/node_modules/.bin:$PATH"
mkdir -p "$CARGO_TARGET_DIR" "$DNAPLAY_TOOLS"

say() { printf '\n==> %s\n' "$*"; }

# The wasm-bindgen version pinned in Cargo.lock; the CLI and test runner must match it exactly.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"
}

ensure_wasm_target() {
  rustup target list --installed | grep -qx 'wasm32-unknown-unknown' || {
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  }
}

ensure_wasm_bindgen() {
  local v; v="$(wasm_bindgen_version)"
  if ! wasm-bindgen --version 2>/dev/null | grep -q " $v\$"; then
    say "installing wasm-bindgen-cli $v (about 4 minutes)"
    cargo install wasm-bindgen-cli --version "$v" --root "$DNAPLAY_TOOLS"
  fi
  if ! grep -q "^wasm_bindgen = \"$v\"" "$ROOT/Trunk.toml"; then
    echo "error: Trunk.toml pins a wasm_bindgen other than Cargo.lock's $v; set [tools] wasm_bindgen = \"$v\"" >&2
    exit 1
  fi
}

# The nightly toolchain that builds the threaded worker (scripts/build-worker-threads.sh):
# pinned, with rust-src for -Z build-std.
nightly_toolchain() {
  echo "${DNAPLAY_NIGHTLY:-nightly-2026-05-20}"
}

ensure_nightly() {
  local t; t="$(nightly_toolchain)"
  if ! rustup component list --toolchain "$t" --installed 2>/dev/null | grep -q '^rust-src'; then
    say "installing the $t toolchain with rust-src, for the threaded worker (about 2 minutes)"
    rustup toolchain install "$t" --profile minimal --component rust-src
  fi
}

ensure_trunk() {
  if ! trunk --version 2>/dev/null | grep -q '0\.21\.14'; then
    # Without Trunk's own release profile (fat LTO in one codegen unit: 13 minutes on 2 cores)
    # and without TLS (Trunk.toml sets offline: it downloads nothing): about 4 minutes. Its work
    # is running wasm-bindgen and wasm-opt, so opt-level 1 costs nothing that shows.
    say "installing Trunk 0.21.14 (about 4 minutes on 2 cores)"
    CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 CARGO_PROFILE_RELEASE_OPT_LEVEL=1 \
      cargo install trunk --version 0.21.14 --locked --no-default-features
    trunk --version | grep -q '0\.21\.14' || { echo "error: trunk 0.21.14 is not on PATH after cargo install" >&2; return 1; }
  fi
}

ensure_wasm_opt() {
  if ! wasm-opt --version 2>/dev/null | grep -q 'version 132'; then
    say "installing wasm-opt (binaryen 132 from npm)"
    npm install --no-fund --no-audit --loglevel=error --prefix "$DNAPLAY_TOOLS" binaryen@132.0.0 >/dev/null
    wasm-opt --version 2>/dev/null | grep -q 'version 132' || {
      echo "error: npm did not install binaryen 132 into $DNAPLAY_TOOLS (see npm's message above)" >&2
      return 1
    }
  fi
}

# geckodriver, the WebDriver server of Firefox, for the browser tests in Firefox (tests/e2e).
ensure_geckodriver() {
  if ! geckodriver --version 2>/dev/null | grep -q '^geckodriver 0\.37\.'; then
    say "installing geckodriver 0.37 (a few minutes on 2 cores)"
    # It relays WebDriver commands: opt-level 1 is fast enough and quicker to build.
    CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 CARGO_PROFILE_RELEASE_OPT_LEVEL=1 \
      cargo install geckodriver --version '~0.37' --locked --root "$DNAPLAY_TOOLS"
  fi
}

# axe-core, the accessibility checker the browser tests inject into every lesson (tests/e2e).
AXE_VERSION=4.14.1
ensure_axe() {
  if ! grep -q "\"version\": \"$AXE_VERSION\"" "$DNAPLAY_TOOLS/node_modules/axe-core/package.json" 2>/dev/null; then
    say "installing axe-core $AXE_VERSION (npm)"
    npm install --no-fund --no-audit --loglevel=error --prefix "$DNAPLAY_TOOLS" "axe-core@$AXE_VERSION" >/dev/null
  fi
}

# Install Debian packages that are missing (needs root or sudo).
apt_install() {
  local missing=() p sudo=""
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ "${#missing[@]}" -eq 0 ] && return 0
  say "installing ${missing[*]} (apt)"
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}
