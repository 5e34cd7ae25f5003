#!/usr/bin/env bash
# local: N_LOCAL targets each running `true`, 100 at a time: asyncfetch local
# (one event loop, posix_spawn + pidfd) against xargs -P 100 and GNU parallel
# -j 100. Process start-up bound: the figure that matters is CPU per target
# (/usr/bin/time counts the tool and the `true` processes it reaped, the same
# `true` for every tool, so the differences are the tools' own).
# Medians of RUNS runs (default 5). SMOKE=1 runs 50 targets once (CI).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

if [ "${SMOKE:-0}" = 1 ]; then
  RUNS=1 N_LOCAL=50
fi
N_LOCAL=${N_LOCAL:-1000}
seq 1 "$N_LOCAL" > "$WORK/targets.txt"
echo "local: $N_LOCAL targets running true, $(nproc) cores, runs: $RUNS" >&2

measure_runs true "asyncfetch local -c 100" "$ASYNCFETCH" local -q -o /dev/null -c 100 \
  "$WORK/targets.txt" -- true {}
measure_runs true "asyncfetch local -j 2 -c 50" "$ASYNCFETCH" local -q -o /dev/null -j 2 -c 50 \
  "$WORK/targets.txt" -- true {}
measure_runs true "xargs -P 100" xargs -a "$WORK/targets.txt" -P 100 -n 1 true
if command -v parallel > /dev/null; then
  measure_runs true "parallel -j 100" parallel -j 100 true {} :::: "$WORK/targets.txt"
else
  echo "parallel not installed (apt-get install parallel): skipped" >&2
fi

report true="$N_LOCAL"
python3 - "$RESULTS" "$N_LOCAL" <<'PY'
import statistics, sys
rows = [l.strip().split("|") for l in open(sys.argv[1])]
n = int(sys.argv[2])
for r in rows:
    if r[5] != "0":
        print(f"WARNING: {r[1]} exited {r[5]}")
for tool in dict.fromkeys(r[1] for r in rows):
    cpu = statistics.median(float(r[3]) for r in rows if r[1] == tool)
    print(f"{tool:<30} CPU per target {cpu / n * 1e3:.2f} ms (tool + true)")
PY
