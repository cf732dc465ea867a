# Shared by serve.sh and test.sh: one cargo target directory outside the clone, so that every
# checkout and every CI run on this machine reuses the same build artifacts.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/dna-playground/target}"
export DNAPLAY_TOOLS="${DNAPLAY_TOOLS:-$HOME/.cache/dna-playground/tools}"
export PATH="$HOME/.cargo/bin:$DNAPLAY_TOOLS/bin:$DNAPLAY_TOOLS/node_modules/.bin:$PATH"
mkdir -p "$CARGO_TARGET_DIR" "$DNAPLAY_TOOLS"

say() { printf '\n==> %s\n' "$*"; }

# The wasm-bindgen version pinned in Cargo.lock (the CLI must match it exactly).
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"
}

apt_install() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ "${#missing[@]}" -gt 0 ]; then
    say "installing ${missing[*]} (apt)"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

ensure_wasm_tools() {
  rustup target list --installed | grep -q '^wasm32-unknown-unknown$' || { say "adding the wasm32 target"; rustup target add wasm32-unknown-unknown; }
  if ! trunk --version 2>/dev/null | grep -q '0.21.14'; then
    say "installing Trunk 0.21.14 (about 13 minutes on 2 cores)"
    cargo install trunk --version 0.21.14 --locked
  fi
  local wbv; wbv="$(wasm_bindgen_version)"
  if ! wasm-bindgen --version 2>/dev/null | grep -q " $wbv\$"; then
    say "installing wasm-bindgen-cli $wbv (about 4 minutes)"
    cargo install wasm-bindgen-cli --version "$wbv" --root "$DNAPLAY_TOOLS"
  fi
  if ! wasm-opt --version 2>/dev/null | grep -q 'version 132'; then
    say "installing wasm-opt (npm binaryen 132)"
    npm install --silent --prefix "$DNAPLAY_TOOLS" binaryen@132.0.0 >/dev/null
  fi
  # Trunk.toml pins the tool versions; keep the wasm-bindgen pin equal to Cargo.lock's.
  sed -i "s/^wasm_bindgen = .*/wasm_bindgen = \"$wbv\"/" "$ROOT/Trunk.toml"
}
