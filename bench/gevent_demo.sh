#!/usr/bin/env bash
# The classic gevent demo, scaled: N URLs on a local server where every
# response takes DELAY, fetched one at a time and then all at once, by
# asyncfetch, gevent + urllib (the pattern users know) and aiohttp.
# Concurrent runs: medians of RUNS (default 5); serial runs: SERIAL_RUNS
# (default 1: each takes N x DELAY). SMOKE=1: tiny sizes, once (CI).
# Everything stays on 127.0.0.1.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

if [ "${SMOKE:-0}" = 1 ]; then
  RUNS=1 N=20 DELAY_MS=50
fi
N=${N:-200}
DELAY_MS=${DELAY_MS:-200}
SERIAL_RUNS=${SERIAL_RUNS:-1}
PEERS=$BENCH_ROOT/bench/peers

start_testserver
for i in $(seq "$N"); do echo "$TESTSERVER_URL/delay/${DELAY_MS}ms?i=$i"; done > "$WORK/urls.txt"
echo "test server $TESTSERVER_URL, $N URLs x ${DELAY_MS} ms, $(nproc) cores, runs: $RUNS" >&2

measure_runs concurrent "asyncfetch -c $N" "$ASYNCFETCH" "$WORK/urls.txt" -q -c "$N" --per-host 0 -o /dev/null
measure_runs concurrent "gevent+urllib pool $N" /usr/bin/python3 "$PEERS/gevent_fetch.py" "$WORK/urls.txt" "$N"
measure_runs concurrent "aiohttp limit $N" /usr/bin/python3 "$PEERS/aiohttp_fetch.py" "$WORK/urls.txt" "$N"
for _ in $(seq "$SERIAL_RUNS"); do
  measure serial "asyncfetch --serial" "$ASYNCFETCH" "$WORK/urls.txt" -q --serial -o /dev/null
  measure serial "gevent+urllib serial" /usr/bin/python3 "$PEERS/gevent_fetch.py" "$WORK/urls.txt" serial
  measure serial "aiohttp limit 1" /usr/bin/python3 "$PEERS/aiohttp_fetch.py" "$WORK/urls.txt" 1
done
# The floor a concurrent run cannot beat: one process start and one response.
echo "$TESTSERVER_URL/delay/${DELAY_MS}ms" > "$WORK/one.txt"
measure_runs floor "asyncfetch (1 URL)" "$ASYNCFETCH" "$WORK/one.txt" -q -o /dev/null

report concurrent="$N" serial="$N"
python3 - "$RESULTS" "$N" "$DELAY_MS" <<'PY'
import statistics, sys
rows = [l.strip().split("|") for l in open(sys.argv[1])]
n, delay = int(sys.argv[2]), int(sys.argv[3]) / 1000
def med(workload, prefix):
    v = [float(r[2]) for r in rows if r[0] == workload and r[1].startswith(prefix)]
    return statistics.median(v) if v else float("nan")
floor = med("floor", "asyncfetch")
print()
for tool in ("asyncfetch", "gevent", "aiohttp"):
    s, c = med("serial", tool), med("concurrent", tool)
    print(f"{tool}: serial {s:.2f} s, concurrent {c:.3f} s, speedup {s / c:.0f} x")
c = med("concurrent", "asyncfetch")
print(f"asyncfetch concurrent {c:.3f} s vs ideal {floor:.3f} s (one {delay * 1000:.0f} ms URL, "
      f"process start included): {(c / floor - 1) * 100:+.1f}%")
PY
