#!/usr/bin/env bash
# Build the trustlint WebAssembly package: the Node.js package into crates/wasm/pkg/node/ and the
# browser bundle into the checker page's crates/wasm/www/pkg/. Honours CARGO_TARGET_DIR.
# Needs the wasm32-unknown-unknown target and wasm-bindgen-cli of the Cargo.lock version
# (scripts/test-wasm.sh installs both). Set WASM_OPT=1 to shrink with npm binaryen's wasm-opt.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
target_dir="${CARGO_TARGET_DIR:-target}"
cargo build --profile wasm-release --target wasm32-unknown-unknown -p trustlint-wasm
wasm="$target_dir/wasm32-unknown-unknown/wasm-release/trustlint_wasm.wasm"
flags=(--remove-name-section --remove-producers-section)
rm -rf crates/wasm/pkg/node crates/wasm/www/pkg
wasm-bindgen "${flags[@]}" --target nodejs --out-dir crates/wasm/pkg/node "$wasm"
wasm-bindgen "${flags[@]}" --target web --out-dir crates/wasm/www/pkg "$wasm"
cp crates/wasm/package.json crates/wasm/pkg/node/package.json
if [ "${WASM_OPT:-0}" = 1 ] && [ -x crates/wasm/js/node_modules/.bin/wasm-opt ]; then
  for f in crates/wasm/pkg/node/trustlint_wasm_bg.wasm crates/wasm/www/pkg/trustlint_wasm_bg.wasm; do
    crates/wasm/js/node_modules/.bin/wasm-opt -Oz --enable-reference-types --enable-bulk-memory \
      --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals "$f" -o "$f"
  done
fi
size=$(wc -c < crates/wasm/www/pkg/trustlint_wasm_bg.wasm)
gz=$(gzip -9 -c crates/wasm/www/pkg/trustlint_wasm_bg.wasm | wc -c)
echo "trustlint_wasm_bg.wasm: $size bytes, $gz bytes gzipped (-9)"
