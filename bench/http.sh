#!/usr/bin/env bash
# HTTP benchmarks: asyncfetch and its peers on the same workloads, in one run.
#   1. latency-bound: N_LATENCY URLs that each take 100 ms (test server)
#   2. throughput: N_THROUGHPUT small keep-alive GETs from nginx (1 worker),
#      records to a file and checked, with wrk's requests/s on the same nginx
#      (run between asyncfetch's runs, median) as the ceiling
#   3. connections held: N_HOLD concurrent slow responses, client peak RSS
#   4. POST: N_POST requests with a 1 KB JSON body to nginx, 100 in flight
#   5. --save: N_SAVE 100 KB bodies from nginx written to files, against the
#      same run without --save (goal: within 20%); to $WORK (the disk) and,
#      when there, to /dev/shm (tmpfs: the client's cost without the file
#      system's: ext4 file creation dominates the disk case under perf)
#   6. proxy: N_PROXY small GETs through a local forward proxy (nginx taking
#      absolute-form requests, keep-alive to the origin) against direct
# Medians of RUNS runs (default 5). SMOKE=1 runs tiny sizes once (CI).
# Everything stays on 127.0.0.1.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

if [ "${SMOKE:-0}" = 1 ]; then
  RUNS=1 N_LATENCY=50 N_SERIAL=5 N_THROUGHPUT=500 N_HOLD=200 N_POST=500 WRK_SECONDS=1
  N_SAVE=200 N_PROXY=500
fi
N_LATENCY=${N_LATENCY:-1000}
N_SERIAL=${N_SERIAL:-50}
N_THROUGHPUT=${N_THROUGHPUT:-20000}
N_HOLD=${N_HOLD:-10000}
N_POST=${N_POST:-20000}
WRK_SECONDS=${WRK_SECONDS:-5}
N_SAVE=${N_SAVE:-10000}
N_PROXY=${N_PROXY:-20000}
PEERS=$BENCH_ROOT/bench/peers

start_testserver
start_nginx 1
echo "test server $TESTSERVER_URL, nginx $NGINX_URL, $(nproc) cores, runs: $RUNS" >&2

# --- 1. latency-bound -------------------------------------------------------
for i in $(seq "$N_LATENCY"); do echo "$TESTSERVER_URL/delay/100ms?i=$i"; done > "$WORK/latency.txt"
head -n "$N_SERIAL" "$WORK/latency.txt" > "$WORK/serial.txt"
measure_runs latency "asyncfetch -c $N_LATENCY" "$ASYNCFETCH" "$WORK/latency.txt" -q -c "$N_LATENCY" --per-host 0 -o /dev/null
measure_runs latency "aiohttp limit $N_LATENCY" /usr/bin/python3 "$PEERS/aiohttp_fetch.py" "$WORK/latency.txt" "$N_LATENCY"
measure_runs latency "gevent+urllib pool $N_LATENCY" /usr/bin/python3 "$PEERS/gevent_fetch.py" "$WORK/latency.txt" "$N_LATENCY"
measure latency-serial "asyncfetch --serial ($N_SERIAL URLs)" "$ASYNCFETCH" "$WORK/serial.txt" -q --serial -o /dev/null

# --- 2. throughput ----------------------------------------------------------
for i in $(seq "$N_THROUGHPUT"); do echo "$NGINX_URL/small.txt?i=$i"; done > "$WORK/tp.txt"
awk '{print "url = \"" $0 "\"\noutput = \"/dev/null\""}' "$WORK/tp.txt" > "$WORK/tp.curl"
# asyncfetch writes its records to a file, each checked (one per URL, all
# 200); wrk runs between its runs, so both see the same machine.
: > "$WORK/wrk.txt"
for _ in $(seq "$RUNS"); do
  measure throughput "asyncfetch -c 100" "$ASYNCFETCH" "$WORK/tp.txt" -q -c 100 --per-host 100 -o "$WORK/tp.jsonl"
  good=$(grep -c '"status":200,"bytes":17,.*"error":null}$' "$WORK/tp.jsonl" || true)
  urls=$(grep -o '^{"url":"[^"]*"' "$WORK/tp.jsonl" | sort -u | wc -l)
  [ "$good" = "$N_THROUGHPUT" ] && [ "$urls" = "$N_THROUGHPUT" ] ||
    { echo "throughput: $good of $N_THROUGHPUT records correct, $urls URLs" >&2; exit 1; }
  wrk -t1 -c100 -d"${WRK_SECONDS}s" "$NGINX_URL/small.txt" | awk '/Requests\/sec/ {print $2}' >> "$WORK/wrk.txt"
done
measure_runs throughput "curl --parallel-max 100" curl -s --parallel --parallel-immediate --parallel-max 100 -K "$WORK/tp.curl"
measure_runs throughput "aiohttp limit 100" /usr/bin/python3 "$PEERS/aiohttp_fetch.py" "$WORK/tp.txt" 100
wrk_rate=$(sort -n "$WORK/wrk.txt" | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}')

# --- 3. connections held ----------------------------------------------------
for i in $(seq "$N_HOLD"); do echo "$TESTSERVER_URL/delay/5s?i=$i"; done > "$WORK/hold.txt"
echo "$TESTSERVER_URL/bytes/1" > "$WORK/one.txt"
measure hold-baseline "asyncfetch (1 URL)" "$ASYNCFETCH" "$WORK/one.txt" -q -o /dev/null
measure_runs hold "asyncfetch -c $N_HOLD" "$ASYNCFETCH" "$WORK/hold.txt" -q -c "$N_HOLD" --per-host 0 -o /dev/null

# --- 4. POST of a 1 KB JSON body --------------------------------------------
python3 -c 'import json; print(json.dumps({"id": 1, "pad": "x" * 1000}))' > "$WORK/body.json"
for i in $(seq "$N_POST"); do echo "$NGINX_URL/post?i=$i"; done > "$WORK/post.txt"
awk '{print "url = \"" $0 "\"\noutput = \"/dev/null\""}' "$WORK/post.txt" > "$WORK/post.curl"
measure_runs post "asyncfetch -c 100 --json" "$ASYNCFETCH" "$WORK/post.txt" -q -c 100 --json --data "@$WORK/body.json" -o /dev/null
measure_runs post "curl -Z --parallel-max 100 --json" curl -s --parallel --parallel-immediate --parallel-max 100 --json "@$WORK/body.json" -K "$WORK/post.curl"
measure_runs post "aiohttp limit 100 (POST)" /usr/bin/python3 "$PEERS/aiohttp_fetch.py" "$WORK/post.txt" 100 "$WORK/body.json"

# --- 5. --save of 100 KB bodies ---------------------------------------------
head -c 102400 /dev/urandom > "$WORK/www/100k.bin"
for i in $(seq "$N_SAVE"); do echo "$NGINX_URL/100k.bin?i=$i"; done > "$WORK/save.txt"
for _ in $(seq "$RUNS"); do
  measure save-none "asyncfetch -c 100" "$ASYNCFETCH" "$WORK/save.txt" -q -c 100 -o /dev/null
  rm -rf "$WORK/saved"
  measure save "asyncfetch -c 100 --save" "$ASYNCFETCH" "$WORK/save.txt" -q -c 100 --save "$WORK/saved" -o /dev/null
  if [ -d /dev/shm ] && [ -w /dev/shm ]; then
    shm=$(mktemp -d /dev/shm/asyncfetch-bench-XXXXXX)
    measure save-tmpfs "asyncfetch -c 100 --save tmpfs" "$ASYNCFETCH" "$WORK/save.txt" -q -c 100 --save "$shm" -o /dev/null
    rm -rf "$shm"
  fi
done
saved_files=$(find "$WORK/saved" -type f | wc -l)
rm -rf "$WORK/saved"

# --- 6. through a forward proxy ---------------------------------------------
start_nginx_proxy "$NGINX_URL"
for i in $(seq "$N_PROXY"); do echo "$NGINX_URL/small.txt?i=$i"; done > "$WORK/proxy.txt"
for _ in $(seq "$RUNS"); do
  measure proxy-direct "asyncfetch -c 100 direct" "$ASYNCFETCH" "$WORK/proxy.txt" -q -c 100 --proxy "" -o /dev/null
  measure proxy "asyncfetch -c 100 --proxy" "$ASYNCFETCH" "$WORK/proxy.txt" -q -c 100 --proxy "$PROXY_URL" -o /dev/null
done

report latency="$N_LATENCY" throughput="$N_THROUGHPUT" hold="$N_HOLD" post="$N_POST" \
  save-none="$N_SAVE" save="$N_SAVE" save-tmpfs="$N_SAVE" proxy-direct="$N_PROXY" proxy="$N_PROXY"
python3 - "$RESULTS" "$N_SAVE" "$saved_files" "$N_PROXY" <<'PY'
import statistics, sys
rows = [l.strip().split("|") for l in open(sys.argv[1])]
n_save, saved, n_proxy = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
def med(workload, col):
    return statistics.median(float(r[col]) for r in rows if r[0] == workload)
without, with_save = med("save-none", 2), med("save", 2)
print(f"\n--save: {n_save} x 100 KB in {with_save:.2f} s ({n_save * 100 / 1024 / with_save:.0f} MB/s, "
      f"{saved} files) vs {without:.2f} s without: {with_save / without:.2f} x the time "
      f"(goal <= 1.20), client CPU {med('save', 3):.2f} s vs {med('save-none', 3):.2f} s")
if any(r[0] == "save-tmpfs" for r in rows):
    tmpfs = med("save-tmpfs", 2)
    print(f"--save to tmpfs: {tmpfs:.2f} s, {tmpfs / without:.2f} x the time without --save, "
          f"client CPU {med('save-tmpfs', 3):.2f} s")
direct, proxied = med("proxy-direct", 2), med("proxy", 2)
print(f"forward proxy: {n_proxy / proxied:,.0f} req/s through nginx vs {n_proxy / direct:,.0f} direct; "
      f"{(proxied - direct) / n_proxy * 1e6:.1f} us wall and "
      f"{(med('proxy', 3) - med('proxy-direct', 3)) / n_proxy * 1e6:.1f} us client CPU more per request")
PY
serial_wall=$(awk -F'|' '$1=="latency-serial" {print $3}' "$RESULTS")
python3 - "$RESULTS" "$N_SERIAL" "$N_LATENCY" "$N_HOLD" "$N_THROUGHPUT" "$wrk_rate" <<'PY'
import statistics, sys
rows = [l.strip().split("|") for l in open(sys.argv[1])]
n_serial, n_lat, n_hold, n_tp, wrk = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6] or 0)
def med(workload, tool_prefix, col):
    v = [float(r[col]) for r in rows if r[0] == workload and r[1].startswith(tool_prefix)]
    return statistics.median(v) if v else float("nan")
serial = med("latency-serial", "asyncfetch", 2) * n_lat / n_serial
conc = med("latency", "asyncfetch", 2)
print(f"\nlatency-bound: serial {serial:.1f} s (extrapolated from {n_serial} URLs), concurrent {conc:.3f} s, speedup {serial / conc:.0f} x; ideal 0.100 s + set-up")
af_rate = n_tp / med("throughput", "asyncfetch", 2)
print(f"throughput: asyncfetch {af_rate:,.0f} req/s; wrk -t1 -c100 ceiling {wrk:,.0f} req/s; wrk / asyncfetch {wrk / af_rate:.2f} "
      f"(asyncfetch / wrk {af_rate / wrk:.2f}, goal >= 0.8); client CPU {med('throughput', 'asyncfetch', 3) / n_tp * 1e6:.1f} us per request")
base, held = med("hold-baseline", "asyncfetch", 4), med("hold", "asyncfetch", 4)
print(f"connections held: peak RSS {held / 1024:.1f} MB for {n_hold} connections, "
      f"{(held - base) * 1024 / n_hold / 1000:.1f} KB per connection above the {base / 1024:.1f} MB baseline")
PY
