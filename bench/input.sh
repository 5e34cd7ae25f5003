#!/usr/bin/env bash
# Long target lists: memory must not grow with the list (issue 23, goal 5).
#   1. N_LIST URLs (~72 bytes each) in a file, against a port nothing listens
#      on: peak RSS of this build and of $BASELINE (the build before the
#      input was streamed) when that binary is there
#   2. N_STREAM URLs piped on standard input from a generator (no file on
#      disk) against the same refusing port: peak RSS (goal <= 64 MB), and
#      refused connects = records per second
# Every URL is refused at once on 127.0.0.1: the run measures the per-target
# cost of reading, connecting and writing a record, not a server.
# SMOKE=1 runs tiny sizes once (CI).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

if [ "${SMOKE:-0}" = 1 ]; then
  RUNS=1 N_LIST=10000 N_STREAM=20000 STREAM_RUNS=1
fi
N_LIST=${N_LIST:-1000000}
N_STREAM=${N_STREAM:-10000000}
STREAM_RUNS=${STREAM_RUNS:-1}
BASELINE=${BASELINE:-} # an older asyncfetch binary to compare with
CONCURRENCY=${CONCURRENCY:-256}
PORT=$(free_port) # nothing listens on it: each connect is refused
PREFIX="http://127.0.0.1:$PORT/bench/input/a-path-of-some-length/item"
FLAGS=(-q -c "$CONCURRENCY" --per-host 0 --retries 0 -o /dev/null)
echo "refusing port $PORT, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), runs: $RUNS" >&2

# --- 1. a file of N_LIST URLs: before and after -----------------------------
awk -v n="$N_LIST" -v p="$PREFIX" 'BEGIN { for (i = 1; i <= n; i++) printf "%s?n=%09d\n", p, i }' \
  > "$WORK/list.txt"
list_mb=$(du -m "$WORK/list.txt" | cut -f1)
for _ in $(seq "$RUNS"); do
  measure list "asyncfetch" "$ASYNCFETCH" "$WORK/list.txt" "${FLAGS[@]}"
  if [ -x "$BASELINE" ]; then
    measure list "baseline" "$BASELINE" "$WORK/list.txt" "${FLAGS[@]}"
  fi
done
rm -f "$WORK/list.txt"

# --- 2. N_STREAM URLs on standard input, from a generator --------------------
export N_STREAM PREFIX ASYNCFETCH
for _ in $(seq "$STREAM_RUNS"); do
  measure stream "asyncfetch -" bash -c \
    'awk -v n="$N_STREAM" -v p="$PREFIX" "BEGIN { for (i = 1; i <= n; i++) printf \"%s?n=%09d\n\", p, i }" |
     exec "$ASYNCFETCH" - "$@"' _ "${FLAGS[@]}"
done

python3 - "$RESULTS" "$N_LIST" "$list_mb" "$N_STREAM" <<'PY'
import statistics, sys
rows = [l.strip().split("|") for l in open(sys.argv[1])]
n_list, list_mb, n_stream = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
def med(workload, tool, col):
    v = [float(r[col]) for r in rows if r[0] == workload and r[1] == tool]
    return statistics.median(v) if v else float("nan")
def statuses(workload, tool):
    return ",".join(sorted({r[5] for r in rows if r[0] == workload and r[1] == tool}))
print(f"\n{n_list:,} URLs in a file ({list_mb} MB), all refused:")
for tool in ("asyncfetch", "baseline"):
    wall = med("list", tool, 2)
    if wall != wall: continue
    print(f"  {tool:10}: peak RSS {med('list', tool, 4) / 1024:6.1f} MB, wall {wall:6.1f} s, "
          f"CPU {med('list', tool, 3):6.1f} s, {n_list / wall:,.0f} records/s (exit {statuses('list', tool)})")
wall = med("stream", "asyncfetch -", 2)
rss = med("stream", "asyncfetch -", 4) / 1024
print(f"{n_stream:,} URLs on standard input, all refused: peak RSS {rss:.1f} MB (goal <= 64 MB), "
      f"wall {wall:.1f} s, CPU {med('stream', 'asyncfetch -', 3):.1f} s, "
      f"{n_stream / wall:,.0f} refused connects = records/s (exit {statuses('stream', 'asyncfetch -')})")
PY
