#!/usr/bin/env bash
# Distributed runs through Redis Streams: N_URLS small GETs from local nginx
# (1 worker), shared by 1, 2 and 4 `asyncfetch worker` processes on one local
# redis-server, against a plain `asyncfetch` run of the same URLs. Reports
# records/s and the cost per record of going through Redis. Each timed run
# includes enqueue, the workers (until done) and collect.
# Medians of RUNS runs (default 5). SMOKE=1: tiny sizes, once (CI).
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
for _ in $(seq 100); do redis-cli -p "$REDIS_PORT" ping > /dev/null 2>&1 && break; sleep 0.05; done
for i in $(seq "$N_URLS"); do echo "$NGINX_URL/small.txt?i=$i"; done > "$WORK/urls.txt"
echo "nginx $NGINX_URL, redis 127.0.0.1:$REDIS_PORT, $N_URLS URLs, -c $CONCURRENCY, $(nproc) cores, runs: $RUNS" >&2

# One distributed run: enqueue, W workers until done, collect; checks the count.
cat > "$WORK/distributed.sh" <<SH
#!/usr/bin/env bash
set -e
job=redis://127.0.0.1:$REDIS_PORT/bench-\$RANDOM\$RANDOM
"$ASYNCFETCH" enqueue "\$job" "$WORK/urls.txt" 2> /dev/null
for _ in \$(seq "\$1"); do
  "$ASYNCFETCH" worker "\$job" --until-done -q -c $CONCURRENCY --per-host $CONCURRENCY &
done
fail=0; for p in \$(jobs -p); do wait "\$p" || fail=1; done
n=\$("$ASYNCFETCH" collect "\$job" -q | wc -l)
redis-cli -p $REDIS_PORT del "\${job##*/}:targets" "\${job##*/}:results" "\${job##*/}:done" > /dev/null
[ "\$n" = "$N_URLS" ] || { echo "collected \$n of $N_URLS" >&2; exit 1; }
exit \$fail
SH
chmod +x "$WORK/distributed.sh"

measure_runs local "asyncfetch (no Redis)" "$ASYNCFETCH" "$WORK/urls.txt" -q -c "$CONCURRENCY" --per-host "$CONCURRENCY" -o /dev/null
for w in 1 2 4; do
  measure_runs "redis" "asyncfetch via redis, $w worker(s)" "$WORK/distributed.sh" "$w"
done

report local="$N_URLS" redis="$N_URLS"
python3 - "$RESULTS" "$N_URLS" <<'PY'
import statistics, sys
rows = [l.strip().split("|") for l in open(sys.argv[1])]
n = int(sys.argv[2])
def med(workload, tool, col):
    v = [float(r[col]) for r in rows if r[0] == workload and r[1] == tool]
    return statistics.median(v) if v else float("nan")
local_wall, local_cpu = med("local", "asyncfetch (no Redis)", 2), med("local", "asyncfetch (no Redis)", 3)
print()
for w in (1, 2, 4):
    wall, cpu = med("redis", f"asyncfetch via redis, {w} worker(s)", 2), med("redis", f"asyncfetch via redis, {w} worker(s)", 3)
    print(f"{w} worker(s): {n / wall:,.0f} records/s ({wall:.2f} s; plain run {local_wall:.2f} s): "
          f"client CPU {cpu / n * 1e6:.0f} us per record vs {local_cpu / n * 1e6:.0f} us plain "
          f"(+{(cpu / local_cpu - 1) * 100:.0f}%)")
PY
