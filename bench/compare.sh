#!/usr/bin/env bash
# Before/after: runs benchmark scripts once with an older asyncfetch binary
# (BASELINE=PATH, required) and once with this build (ASYNCFETCH, default
# $BUILD_DIR/asyncfetch), the order alternating from script to script, and
# prints per script a table of the asyncfetch rows only: medians before and
# after, after/before ratios, rows more than THRESHOLD percent (default 10)
# worse in wall, CPU or RSS flagged (bench/compare.py). Peers run in both, so
# their line shows whether the machine changed between the two runs.
#   bench/compare.sh [SCRIPT.sh ...]   default: what `make bench` runs except
#                                      hold.sh and input.sh (their own before/after)
# SMOKE, RUNS and the scripts' size variables pass through. Every run's stdout,
# stderr and raw rows are kept in OUT (default a new temp dir), with summary.txt.
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
export BUILD_DIR=${BUILD_DIR:-$ROOT/build}
CURRENT=${ASYNCFETCH:-$BUILD_DIR/asyncfetch}
THRESHOLD=${THRESHOLD:-10}
[ -n "${BASELINE:-}" ] || { echo "compare.sh: set BASELINE=PATH to the older asyncfetch binary" >&2; exit 2; }
for bin in "$BASELINE" "$CURRENT"; do
  [ -x "$bin" ] || { echo "compare.sh: $bin: not an executable file" >&2; exit 2; }
done
BEFORE=$(realpath "$BASELINE")
AFTER=$(realpath "$CURRENT")

if [ $# -gt 0 ]; then
  SCRIPTS=("$@")
else # the bench target's lines, so a script added there is compared too
  mapfile -t SCRIPTS < <(sed -n '/^bench:/,/^$/p' "$ROOT/Makefile" | grep -o 'bench/[a-z0-9_]*\.sh' |
    sed 's|^bench/||' | grep -vx 'hold.sh\|input.sh')
fi
[ ${#SCRIPTS[@]} -gt 0 ] || { echo "compare.sh: no scripts to run" >&2; exit 2; }
for s in "${SCRIPTS[@]}"; do
  [ -x "$HERE/${s#bench/}" ] || { echo "compare.sh: bench/${s#bench/}: no such script" >&2; exit 2; }
done

OUT=${OUT:-$(mktemp -d /tmp/asyncfetch-compare-XXXXXX)}
mkdir -p "$OUT"
SUMMARY=$OUT/summary.txt
{
  echo "before: $BEFORE"
  echo "after:  $AFTER"
  echo "SMOKE=${SMOKE:-0} RUNS=${RUNS:-script default} THRESHOLD=$THRESHOLD%, $(date -u '+%F %T UTC')," \
    "load average $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$SUMMARY"
# A rebuild during the runs would mix two builds in "after": say so at the end.
STAMP=$(stat -L -c '%n %s %Y' "$BEFORE" "$AFTER")

# run NAME SIDE BINARY: one script with ASYNCFETCH=BINARY. BASELINE is left
# out of its environment: sftp.sh would otherwise add the baseline to both runs.
run() {
  local name=$1 side=$2 bin=$3 start status=0
  local base=$OUT/${name%.sh}.$side
  : > "$base.rows"
  start=$(date +%s.%N)
  echo "$name $side: running ($bin)" >&2
  env -u BASELINE ASYNCFETCH="$bin" RESULTS_OUT="$base.rows" "$HERE/$name" > "$base.out" 2> "$base.err" ||
    status=$?
  local took
  took=$(python3 -c "print(f'{$(date +%s.%N) - $start:.0f}')")
  echo "$name $side: ${took} s, exit $status, $(wc -l < "$base.rows") rows" | tee -a "$SUMMARY" >&2
  [ "$status" = 0 ] || { echo "  see $base.err" | tee -a "$SUMMARY" >&2; failed=1; }
}

failed=0 # exit 1 when a script or the comparison failed or a binary changed
for i in "${!SCRIPTS[@]}"; do
  name=${SCRIPTS[$i]#bench/}
  if ((i % 2 == 0)); then
    run "$name" before "$BEFORE"; run "$name" after "$AFTER"
  else
    run "$name" after "$AFTER"; run "$name" before "$BEFORE"
  fi
  python3 "$HERE/compare.py" "$name" "$OUT/${name%.sh}.before.rows" "$OUT/${name%.sh}.after.rows" \
    "$THRESHOLD" | tee "$OUT/${name%.sh}.table.txt" | tee -a "$SUMMARY" || failed=1
done
if [ "$(stat -L -c '%n %s %Y' "$BEFORE" "$AFTER")" != "$STAMP" ]; then
  echo "WARNING: a binary changed (rebuilt?) while the scripts ran: the tables mix builds" | tee -a "$SUMMARY"
  failed=1
fi
echo
echo "full output of every run (stdout .out, stderr .err, rows .rows) and summary.txt: $OUT"
exit $failed
