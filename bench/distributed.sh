#!/usr/bin/env bash
# Distributed runs through Redis Streams: N_URLS small GETs from local nginx
# (1 worker), shared by 1, 2 and 4 `asyncfetch worker` processes on one local
# redis-server, against a plain `asyncfetch` run of the same URLs. Reports
# records/s and the cost per record of going through Redis. Each timed run
# includes enqueue, the workers (until done) and collect. The workers share
# the plain run's concurrency (-c 100: 50 each for 2 workers, 25 for 4).
# Medians of RUNS runs (default 5). SMOKE=1: tiny sizes, once (CI).
# With 2 or more cores, nginx and Redis are pinned to the first core and the
# clients (plain run and workers alike) to the second, so a client's CPU time
# is not inflated by sharing its core with the servers (PIN=0: no pinning).
# Then the start-up cost: instructions of processes that do little (one URL,
# a worker with an empty job), under callgrind.
# Everything stays on 127.0.0.1.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

if [ "${SMOKE:-0}" = 1 ]; then
  RUNS=1 N_URLS=500
fi
N_URLS=${N_URLS:-20000}
CONCURRENCY=${CONCURRENCY:-100}

start_nginx 1
REDIS_PORT=$(free_port)
redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$WORK" --save "" --appendonly no \
  --logfile "$WORK/redis.log" --daemonize no &
PIDS+=($!)
REDIS_PID=$!
for _ in $(seq 100); do redis-cli -p "$REDIS_PORT" ping > /dev/null 2>&1 && break; sleep 0.05; done
CLIENT=()
if [ "${PIN:-1}" = 1 ] && [ "$(nproc)" -ge 2 ]; then
  nginx_master=$(cat "$WORK/nginx/nginx.pid")
  for p in "$nginx_master" $(pgrep -P "$nginx_master") "$REDIS_PID"; do taskset -apc 0 "$p" > /dev/null; done
  CLIENT=(taskset -c 1)
fi
for i in $(seq "$N_URLS"); do echo "$NGINX_URL/small.txt?i=$i"; done > "$WORK/urls.txt"
echo "nginx $NGINX_URL, redis 127.0.0.1:$REDIS_PORT, $N_URLS URLs, -c $CONCURRENCY, $(nproc) cores, runs: $RUNS${CLIENT:+, servers on cpu 0, clients on cpu 1}" >&2

# One distributed run: enqueue, W workers until done, collect; checks the
# count. Only bash builtins besides asyncfetch, so the client CPU measured is
# asyncfetch's (plus one bash); the jobs' keys are deleted after all runs.
# (Arguments after the worker count go before each asyncfetch: a valgrind
# command line, for the instruction counts below.)
cat > "$WORK/distributed.sh" <<SH
#!/usr/bin/env bash
set -e
w=\$1; shift
job=redis://127.0.0.1:$REDIS_PORT/bench-\$RANDOM\$RANDOM
"\$@" "$ASYNCFETCH" enqueue "\$job" "$WORK/urls.txt" 2> /dev/null
c=\$(($CONCURRENCY / w)) # the plain run's concurrency, shared among the workers
for ((i = 0; i < w; i++)); do
  "\$@" "$ASYNCFETCH" worker "\$job" --until-done -q -c "\$c" --per-host "\$c" &
done
fail=0; for p in \$(jobs -p); do wait "\$p" || fail=1; done
"\$@" "$ASYNCFETCH" collect "\$job" -o /dev/null 2> "$WORK/collect.txt" || fail=1
read -r n _ < "$WORK/collect.txt" # "N records, F failed"
[ "\$n" = "$N_URLS" ] || { echo "collected \$n of $N_URLS" >&2; exit 1; }
exit \$fail
SH
chmod +x "$WORK/distributed.sh"

# Runs interleaved (plain, 1, 2, 4 workers, then again), so a slow spell of
# the machine weighs on all of them alike.
for _ in $(seq "$RUNS"); do
  measure local "asyncfetch (no Redis)" "${CLIENT[@]}" "$ASYNCFETCH" "$WORK/urls.txt" -q -c "$CONCURRENCY" --per-host "$CONCURRENCY" -o /dev/null
  for w in 1 2 4; do
    measure "redis" "asyncfetch via redis, $w worker(s)" "${CLIENT[@]}" "$WORK/distributed.sh" "$w"
  done
done

# Instructions executed by the clients (callgrind; exact, unlike CPU time on
# a shared machine): the plain run, then enqueue + workers + collect.
# INSTRUCTIONS=0 skips this (it takes a minute or two); SMOKE runs skip it.
INSTR=$WORK/instructions.txt
: > "$INSTR"
if [ "${INSTRUCTIONS:-1}" = 1 ] && [ "${SMOKE:-0}" != 1 ] && command -v valgrind > /dev/null; then
  count() { # count NAME CMD...: runs CMD with every asyncfetch under callgrind
    local name=$1; shift
    rm -rf "$WORK/vg"; mkdir -p "$WORK/vg"
    "$@" > /dev/null 2>&1 || { echo "$name failed under valgrind" >&2; return; }
    echo "$name|$(cat "$WORK"/vg/*.log | sed -n 's/.*Collected : //p' | awk '{s += $1} END {printf "%.0f\n", s}')" >> "$INSTR"
  }
  grind=(valgrind --tool=callgrind --callgrind-out-file=/dev/null "--log-file=$WORK/vg/%p.log")
  count plain "${grind[@]}" "$ASYNCFETCH" "$WORK/urls.txt" -q -c "$CONCURRENCY" --per-host "$CONCURRENCY" -o /dev/null
  for w in 1 2 4; do count "$w" "$WORK/distributed.sh" "$w" "${grind[@]}"; done
fi

# Start-up: instructions (callgrind, the whole process, dynamic loader
# included) of processes that do little: --version; one http:// URL; one
# https:// URL from a local openssl s_server, against the system's CAs (the
# test CA is not among them: the record is a verify error, the cost is the
# CA store's) and with --cacert; a worker whose job is empty. Runs with
# SMOKE too; INSTRUCTIONS=0 skips it.
STARTUP=$WORK/startup.txt
: > "$STARTUP"
if [ "${INSTRUCTIONS:-1}" = 1 ] && command -v valgrind > /dev/null; then
  mkdir -p "$WORK/ca"
  bash "$BENCH_ROOT/tests/tools/make-test-ca.sh" "$WORK/ca"
  TLS_PORT=$(free_port)
  openssl s_server -quiet -www -accept "127.0.0.1:$TLS_PORT" -cert "$WORK/ca/server.pem" \
    -key "$WORK/ca/server.key" > /dev/null 2>&1 < /dev/null &
  PIDS+=($!)
  for _ in $(seq 100); do curl -sfk "https://127.0.0.1:$TLS_PORT/" > /dev/null && break; sleep 0.05; done
  startup() { # startup NAME ARGS...: one asyncfetch under callgrind
    local name=$1; shift
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "--log-file=$WORK/startup.log" \
      "$ASYNCFETCH" "$@" > /dev/null 2>&1 < /dev/null || true
    echo "$name|$(sed -n 's/.*Collected : //p' "$WORK/startup.log")" >> "$STARTUP"
  }
  empty=redis://127.0.0.1:$REDIS_PORT/bench-empty
  "$ASYNCFETCH" enqueue "$empty" /dev/null 2> /dev/null
  echo "$NGINX_URL/small.txt" > "$WORK/one-http.txt"
  echo "https://localhost:$TLS_PORT/" > "$WORK/one-https.txt"
  startup "asyncfetch --version" --version
  startup "one http:// URL" "$WORK/one-http.txt" -q
  startup "one https:// URL, system CAs" "$WORK/one-https.txt" -q --retries 0
  startup "one https:// URL, --cacert" "$WORK/one-https.txt" -q --cacert "$WORK/ca/ca.pem"
  startup "worker, empty job" worker "$empty" --until-done -q
fi

redis-cli -p "$REDIS_PORT" flushall > /dev/null
report local="$N_URLS" redis="$N_URLS"
python3 - "$RESULTS" "$N_URLS" "$INSTR" "$STARTUP" <<'PY'
import statistics, sys
rows = [l.strip().split("|") for l in open(sys.argv[1])]
n = int(sys.argv[2])
instructions = dict(l.strip().split("|") for l in open(sys.argv[3]) if "|" in l)
def med(workload, tool, col):
    v = [float(r[col]) for r in rows if r[0] == workload and r[1] == tool]
    return statistics.median(v) if v else float("nan")
def change(value, base):
    # SMOKE sizes can measure a plain run at 0.00 s of CPU: no ratio then.
    return f"{(value / base - 1) * 100:+.0f}%" if base > 0 else "n/a"
def rate(count, seconds):
    return f"{count / seconds:,.0f}" if seconds > 0 else "n/a"
local_wall, local_cpu = med("local", "asyncfetch (no Redis)", 2), med("local", "asyncfetch (no Redis)", 3)
print()
for w in (1, 2, 4):
    wall, cpu = med("redis", f"asyncfetch via redis, {w} worker(s)", 2), med("redis", f"asyncfetch via redis, {w} worker(s)", 3)
    print(f"{w} worker(s): {rate(n, wall)} records/s ({wall:.2f} s; plain run {local_wall:.2f} s): "
          f"client CPU {cpu / n * 1e6:.0f} us per record vs {local_cpu / n * 1e6:.0f} us plain "
          f"({change(cpu, local_cpu)})")
if "plain" in instructions:
    plain = int(instructions["plain"])
    print(f"\nclient instructions per record (callgrind): plain run {plain / n:,.0f}")
    for w in ("1", "2", "4"):
        if instructions.get(w):
            i = int(instructions[w])
            print(f"{w} worker(s): {i / n:,.0f} ({change(i, plain)})")
startup = [l.strip().split("|") for l in open(sys.argv[4]) if "|" in l]
if startup:
    print("\nstart-up, instructions per process (callgrind, loader included):")
    for name, count in startup:
        print(f"  {name}: {int(count or 0) / 1e6:,.1f}M")
PY
