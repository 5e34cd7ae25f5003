#!/usr/bin/env bash
# Runs every harness of BUILD_DIR/fuzzers.txt for SECONDS each, starting from
# the committed seeds (tests/fuzz/corpus/NAME), FUZZ_JOBS harnesses at once
# (default: one per core). New inputs go to BUILD_DIR/fuzz-corpus/NAME,
# crashes to BUILD_DIR/fuzz-artifacts/. Exits 1 when any harness found a
# crash, a leak, a timeout or an out-of-memory input.
# Usage: tests/fuzz/run.sh BUILD_DIR SECONDS [NAME...]
set -uo pipefail
build=${1:?build dir}
seconds=${2:?seconds per harness}
shift 2
here=$(cd "$(dirname "$0")" && pwd)
names=("$@")
[ ${#names[@]} -gt 0 ] || mapfile -t names < "$build/fuzzers.txt"
jobs=${FUZZ_JOBS:-$(nproc)}

# One harness: its log in BUILD_DIR/fuzz-NAME.log, its verdict (what is
# printed for it) in BUILD_DIR/fuzz-NAME.verdict, exit 1 on a finding.
run_one() {
  local name=$1
  local corpus="$build/fuzz-corpus/$name" artifacts="$build/fuzz-artifacts/$name/"
  local log="$build/fuzz-$name.log" verdict="$build/fuzz-$name.verdict"
  mkdir -p "$corpus" "$artifacts"
  # -timeout: one input may take at most 10 s (a hang is a finding);
  # -rss_limit_mb: a run that grows past 2 GB is one too.
  "$build/tests/fuzz/fuzz_$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$artifacts" "$corpus" "$here/corpus/$name" \
    >"$log" 2>&1
  local status=$?
  local runs cov
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
  if [ $status -eq 0 ]; then
    echo "fuzz $name: ok, ${runs:-?} inputs in ${seconds}s, $cov" >"$verdict"
    return 0
  fi
  {
    echo "fuzz $name: FAILED (exit $status); see $log; reproduce with" \
      "$build/tests/fuzz/fuzz_$name $artifacts<file>"
    grep -m1 -A12 '^==[0-9]*==ERROR\|^SUMMARY\|runtime error\|deadly signal' "$log" | head -25
  } >"$verdict"
  return 1
}

pids=()
running=()
failed=()
# Waits for the oldest harness still running and prints its verdict.
reap() {
  if ! wait "${pids[0]}"; then failed+=("${running[0]}"); fi
  cat "$build/fuzz-${running[0]}.verdict"
  pids=("${pids[@]:1}")
  running=("${running[@]:1}")
}
for name in "${names[@]}"; do
  [ ${#pids[@]} -lt "$jobs" ] || reap
  run_one "$name" &
  pids+=($!)
  running+=("$name")
done
while [ ${#pids[@]} -gt 0 ]; do reap; done
[ ${#failed[@]} -eq 0 ] || { echo "fuzz: findings in ${failed[*]}"; exit 1; }
