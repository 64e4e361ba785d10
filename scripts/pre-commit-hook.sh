#!/usr/bin/env bash
# pre-commit entry point: build trustlint once inside the hook's checkout, then check the files
# pre-commit passes (paths relative to the user's repository, which stays the working directory,
# so its trustlint.toml is found as usual). An inherited CARGO_TARGET_DIR is honoured.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$repo/target}"
cargo build --release --quiet --locked --manifest-path "$repo/Cargo.toml" --target-dir "$target" -p trustlint-cli >&2
exec "$target/release/trustlint" check "$@"
