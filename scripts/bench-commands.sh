#!/usr/bin/env bash
# Whole-command figures for BENCHMARKS.md: generates the inputs (seeded), then times the release
# binary with `/usr/bin/time` (median of RUNS runs) and reports peak memory. Criterion benchmarks
# are separate: `cargo bench -p trustlint-benches`.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${RUNS:-5}"
WORK="${WORK:-/tmp/trustlint-bench}"
mkdir -p "$WORK"
cargo build -q --release --locked -p trustlint-cli -p trustlint-benches
T=target/release
DUMP="$WORK/auth100k.json"
[ -s "$DUMP" ] || "$T/gen-inputs" dump 100000 "$DUMP" >/dev/null
SMALL=examples/irsa-payments.json

# median wall seconds and max RSS (KB) of RUNS runs of a command
measure() {
  local name="$1"; shift
  local walls=() rss=0
  for _ in $(seq "$RUNS"); do
    local out
    /usr/bin/time -o "$WORK/time.txt" -f "%e %M" "$@" >/dev/null 2>&1 || true
    out=$(tail -1 "$WORK/time.txt")
    walls+=("${out% *}")
    local r="${out#* }"; [ "$r" -gt "$rss" ] && rss="$r"
  done
  local median
  median=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  printf '| %s | %s s | %s MB |\n' "$name" "$median" "$((rss / 1024))"
}

# start-up: time N invocations in one loop, per-run average
startup() {
  local name="$1"; shift
  local n=200 start end
  start=$(date +%s%N)
  for _ in $(seq $n); do "$@" >/dev/null 2>&1 || true; done
  end=$(date +%s%N)
  printf '| %s | %s ms |\n' "$name" "$(awk -v d=$((end - start)) -v n=$n 'BEGIN {printf "%.2f", d / n / 1e6}')"
}

echo "dump: $(stat -c %s "$DUMP") bytes"
echo "| command | median wall | peak RSS |"
echo "|---|---|---|"
measure "baseline: serde_json typed parse of the dump (parse-baseline)" "$T/parse-baseline" "$DUMP"
measure "trustlint check DUMP --format json" "$T/trustlint" check "$DUMP" --format json --fail-on never
measure "trustlint check DUMP (TRUSTLINT_THREADS=1)" env TRUSTLINT_THREADS=1 "$T/trustlint" check "$DUMP" --format json --fail-on never
measure "trustlint can-assume DUMP --format json" "$T/trustlint" can-assume "$DUMP" --issuer https://oidc.eks.eu-west-1.amazonaws.com/id/5C1E4B0A9D8F7E6A3B2C1D0E9F8A7B6C --sa payments/api --format json
measure "trustlint who-can-assume DUMP --format json" "$T/trustlint" who-can-assume "$DUMP" --format json
echo
echo "| start-up | per run |"
echo "|---|---|"
startup "trustlint --version" "$T/trustlint" --version
startup "trustlint check $SMALL" "$T/trustlint" check "$SMALL" --fail-on never
