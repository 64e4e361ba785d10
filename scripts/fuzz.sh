#!/usr/bin/env bash
# Run the cargo-fuzz targets of fuzz/ (see fuzz/README.md).
#
#   scripts/fuzz.sh [TARGET|all] [SECONDS]
#
# Each target runs for SECONDS (default 900) on one core, starting from the seeds in
# fuzz/corpus/TARGET (kept in git) and writing what it finds to fuzz/corpus-work/TARGET (ignored).
# Crashes, timeouts (> 10 s for one input) and OOMs (> 2 GiB) land in fuzz/artifacts/TARGET.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
target=${1:-all}
seconds=${2:-900}
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  cargo install --locked cargo-fuzz
fi
if [ "$target" = all ]; then
  targets=$(cargo +nightly fuzz list)
else
  targets=$target
fi
status=0
for t in $targets; do
  mkdir -p "corpus-work/$t" "artifacts/$t"
  echo "== $t (${seconds}s)"
  cargo +nightly fuzz run "$t" "corpus-work/$t" "corpus/$t" -- \
    -max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 || status=1
done
exit $status
