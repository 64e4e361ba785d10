#!/usr/bin/env bash
# Every WebAssembly test: installs what is missing (Debian chromium + chromium-driver, the
# wasm32-unknown-unknown target, wasm-bindgen-cli of the Cargo.lock version, the npm test
# dependencies), then runs wasm-bindgen-test in Node.js and headless Chromium, node --test of the
# package against the CLI on the shared corpus, and the Playwright end-to-end test of the page.
# Fails when the shipped _bg.wasm exceeds 300 KB gzipped. Honours CARGO_TARGET_DIR.
# See /work/shared/WASM.md for the recipe and its traps.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}"
WB_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3 }' Cargo.lock)

if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium chromium-driver
fi
rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WB_VERSION" ]; then
  # Not --locked: the locked webpki-roots is missing from this registry (WASM.md, pitfall 2).
  cargo install wasm-bindgen-cli --version "$WB_VERSION" --force
fi
if [ ! -d crates/wasm/js/node_modules/playwright-core ]; then
  npm ci --prefix crates/wasm/js --no-audit --no-fund
fi

scripts/build-wasm.sh
cargo build -p trustlint-cli

echo "== wasm-bindgen-test: Node.js"
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test --target wasm32-unknown-unknown -p trustlint-wasm
echo "== wasm-bindgen-test: headless Chromium"
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner WASM_BINDGEN_USE_BROWSER=1 \
  CHROMEDRIVER="$(command -v chromedriver)" cargo test --target wasm32-unknown-unknown -p trustlint-wasm

echo "== node --test: the package against the CLI"
TRUSTLINT_BIN="$CARGO_TARGET_DIR/debug/trustlint" node --test crates/wasm/js/test/
echo "== node --test: the page in Chromium (Playwright)"
node --test crates/wasm/js/e2e/

gz=$(gzip -9 -c crates/wasm/www/pkg/trustlint_wasm_bg.wasm | wc -c)
echo "trustlint_wasm_bg.wasm: $(wc -c < crates/wasm/www/pkg/trustlint_wasm_bg.wasm) bytes, $gz bytes gzipped (limit 300 KB)"
if [ "$gz" -gt 300000 ]; then
  echo "error: the shipped module is over 300 KB gzipped" >&2
  exit 1
fi
