#!/usr/bin/env bash
# -j N benchmarks: CPU-bound fetch workloads where one event loop saturates a
# core, with -j 1 and -j 2 (same total in flight).
#   1. gzip: N_GZIP GETs of a 4 MB text file nginx serves pre-compressed
#      (gzip_static: no server CPU), so the client's inflate is the work
#   2. tls: N_TLS HTTPS GETs, each on a new connection (nginx closes after
#      every response), so TLS handshakes are the work; curl for reference
# Medians of RUNS runs (default 5). SMOKE=1 runs tiny sizes once (CI).
# Everything stays on 127.0.0.1.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

if [ "${SMOKE:-0}" = 1 ]; then
  RUNS=1 N_GZIP=20 N_TLS=50
fi
N_GZIP=${N_GZIP:-500}
N_TLS=${N_TLS:-2000}

mkdir -p "$WORK/www" "$WORK/nginx" "$WORK/ca"
seq 1 600000 > "$WORK/www/big.txt" # about 4 MB of text
gzip -9 -k "$WORK/www/big.txt"
printf 'hello over TLS\n' > "$WORK/www/small.txt"
bash "$BENCH_ROOT/tests/tools/make-test-ca.sh" "$WORK/ca"
port=$(free_port) tls_port=$(free_port)
cat > "$WORK/nginx/nginx.conf" <<CONF
worker_processes 1;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log;
user root;
events { worker_connections 4096; }
http {
  access_log off;
$(nginx_temp_paths)
  server { listen 127.0.0.1:$port; root $WORK/www; gzip_static on; keepalive_requests 1000000; }
  server {
    listen 127.0.0.1:$tls_port ssl;
    root $WORK/www;
    ssl_certificate $WORK/ca/server.pem;
    ssl_certificate_key $WORK/ca/server.key;
    keepalive_timeout 0;
  }
}
CONF
nginx -c "$WORK/nginx/nginx.conf" -g 'daemon off;' &
PIDS+=($!)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/small.txt" >/dev/null && break; sleep 0.05; done
echo "nginx http $port (gzip_static), https $tls_port (no keep-alive), $(nproc) cores, runs: $RUNS" >&2

for i in $(seq "$N_GZIP"); do echo "http://127.0.0.1:$port/big.txt?i=$i"; done > "$WORK/gzip.txt"
for i in $(seq "$N_TLS"); do echo "https://localhost:$tls_port/small.txt?i=$i"; done > "$WORK/tls.txt"
awk '{print "url = \"" $0 "\"\noutput = \"/dev/null\""}' "$WORK/tls.txt" > "$WORK/tls.curl"

AF=("$ASYNCFETCH" -q -o /dev/null --per-host 0)
measure_runs gzip "asyncfetch -j 1 -c 20" "${AF[@]}" -c 20 "$WORK/gzip.txt"
measure_runs gzip "asyncfetch -j 2 -c 10" "${AF[@]}" -j 2 -c 10 "$WORK/gzip.txt"
measure_runs tls "asyncfetch -j 1 -c 50" "${AF[@]}" --cacert "$WORK/ca/ca.pem" -c 50 "$WORK/tls.txt"
measure_runs tls "asyncfetch -j 2 -c 25" "${AF[@]}" --cacert "$WORK/ca/ca.pem" -j 2 -c 25 "$WORK/tls.txt"
measure_runs tls "curl --parallel-max 50" curl -s --cacert "$WORK/ca/ca.pem" --parallel --parallel-immediate \
  --parallel-max 50 -K "$WORK/tls.curl"

report gzip="$N_GZIP" tls="$N_TLS"
python3 - "$RESULTS" <<'PY'
import statistics, sys
rows = [l.strip().split("|") for l in open(sys.argv[1])]
def med(workload, tool, col):
    v = [float(r[col]) for r in rows if r[0] == workload and r[1].startswith(tool)]
    return statistics.median(v) if v else float("nan")
for r in rows:
    if r[5] != "0":
        print(f"WARNING: {r[1]} ({r[0]}) exited {r[5]}")
for w in ("gzip", "tls"):
    one, two = med(w, "asyncfetch -j 1", 2), med(w, "asyncfetch -j 2", 2)
    print(f"{w}: -j 2 is {one / two:.2f}x the throughput of -j 1 "
          f"(client CPU {med(w, 'asyncfetch -j 1', 3):.2f} s vs {med(w, 'asyncfetch -j 2', 3):.2f} s)")
PY
