#!/usr/bin/env bash
# pre-commit entry point: build trustlint once inside the hook's checkout, then check the files
# pre-commit passes (paths relative to the user's repository, which stays the working directory).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$repo/target/release/trustlint"
if [ ! -x "$bin" ]; then
  cargo build --release --quiet --locked --manifest-path "$repo/Cargo.toml" -p trustlint-cli >&2
fi
exec "$bin" check "$@"
