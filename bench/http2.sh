#!/usr/bin/env bash
# HTTP/2 benchmarks against nginx with http2 on TLS (a CA made here):
#   1. throughput: N_H2 GETs of a small file, 100 in flight: asyncfetch over
#      h2 and over HTTP/1.1, curl --http2 -Z, and h2load (one connection,
#      100 streams: the machine's ceiling for an HTTP/2 client)
#   2. latency-bound: N_SLOW URLs that each take 100 ms (nginx proxies them
#      to the test server), all at once: h2 on few connections vs HTTP/1.1
#      with one connection each
# Medians of RUNS runs (default 5), client CPU, and the TCP connections
# nginx saw for each tool (its access log names each request's connection).
# SMOKE=1 runs tiny sizes once (CI). Everything stays on 127.0.0.1.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

if [ "${SMOKE:-0}" = 1 ]; then
  RUNS=1 N_H2=500 N_SLOW=50
fi
N_H2=${N_H2:-20000}
N_SLOW=${N_SLOW:-1000}
CONNS=$WORK/connections.txt
: > "$CONNS"

start_testserver
mkdir -p "$WORK/tls" "$WORK/www" "$WORK/nginx"
bash "$BENCH_ROOT/tests/tools/make-test-ca.sh" "$WORK/tls"
printf 'hello from nginx\n' > "$WORK/www/small.txt"
port=$(free_port)
# keepalive_requests also caps the requests of one HTTP/2 connection in
# nginx 1.22 (1000 by default): raised, as for HTTP/1.1.
cat > "$WORK/nginx/nginx.conf" <<CONF
worker_processes 1;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log;
user root;
events { worker_connections 20000; }
http {
  log_format conn '\$connection';
  access_log $WORK/nginx/access.log conn;
  keepalive_requests 1000000;
  keepalive_timeout 60s;
  # One connection can carry the latency-bound run's 1,000 streams.
  http2_max_concurrent_streams 1000;
$(nginx_temp_paths)
  upstream slow { server ${TESTSERVER_URL#http://}; keepalive 1000; }
  server {
    listen 127.0.0.1:$port ssl http2;
    ssl_certificate $WORK/tls/server.pem;
    ssl_certificate_key $WORK/tls/server.key;
    root $WORK/www;
    location /delay/ { proxy_pass http://slow; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
CONF
nginx -c "$WORK/nginx/nginx.conf" -g 'daemon off;' &
PIDS+=($!)
URL="https://localhost:$port"
CA=$WORK/tls/ca.pem
for _ in $(seq 100); do curl -sf --cacert "$CA" "$URL/small.txt" >/dev/null && break; sleep 0.05; done
echo "nginx $URL (http2, TLS), test server $TESTSERVER_URL, $(nproc) cores, runs: $RUNS" >&2

# measured WORKLOAD TOOL CMD...: RUNS runs, and the connections of the last.
measured() {
  local workload=$1 tool=$2; shift 2
  for _ in $(seq "$RUNS"); do
    : > "$WORK/nginx/access.log"
    measure "$workload" "$tool" "$@"
  done
  printf '%s|%s|%s\n' "$workload" "$tool" "$(sort -u "$WORK/nginx/access.log" | wc -l)" >> "$CONNS"
}

# --- 1. throughput ----------------------------------------------------------
for i in $(seq "$N_H2"); do echo "$URL/small.txt?i=$i"; done > "$WORK/tp.txt"
awk '{print "url = \"" $0 "\"\noutput = \"/dev/null\""}' "$WORK/tp.txt" > "$WORK/tp.curl"
measured h2 "asyncfetch -c 100 (h2)" "$ASYNCFETCH" "$WORK/tp.txt" -q -c 100 --cacert "$CA" -o /dev/null
measured h2 "asyncfetch -c 100 --http1.1" "$ASYNCFETCH" "$WORK/tp.txt" -q -c 100 --http1.1 --cacert "$CA" -o /dev/null
measured h2 "curl --http2 -Z --parallel-max 100" curl -s --http2 --parallel --parallel-max 100 --cacert "$CA" -K "$WORK/tp.curl"
measured h2 "h2load -c 1 -m 100" h2load -n "$N_H2" -c 1 -m 100 "$URL/small.txt"

# --- 2. latency-bound: one origin, N_SLOW responses of 100 ms ----------------
for i in $(seq "$N_SLOW"); do echo "$URL/delay/100ms?i=$i"; done > "$WORK/slow.txt"
measured slow "asyncfetch -c $N_SLOW (h2)" "$ASYNCFETCH" "$WORK/slow.txt" -q -c "$N_SLOW" --cacert "$CA" -o /dev/null
measured slow "asyncfetch -c $N_SLOW --http1.1" "$ASYNCFETCH" "$WORK/slow.txt" -q -c "$N_SLOW" --http1.1 --cacert "$CA" -o /dev/null

report h2="$N_H2" slow="$N_SLOW"
python3 - "$RESULTS" "$CONNS" "$N_H2" <<'PY'
import statistics, sys
rows = [l.strip().split("|") for l in open(sys.argv[1])]
conns = {(w, t): c for w, t, c in (l.strip().split("|") for l in open(sys.argv[2]))}
n = int(sys.argv[3])
def med(workload, tool, col):
    return statistics.median(float(r[col]) for r in rows if r[0] == workload and r[1] == tool)
print("\nTCP connections nginx saw (last run of each):")
for (w, t), c in conns.items():
    print(f"  {w:<6} {t:<40} {c}")
af, curl, h2load = ("asyncfetch -c 100 (h2)", "curl --http2 -Z --parallel-max 100", "h2load -c 1 -m 100")
rate = lambda t: n / med("h2", t, 2)
print(f"\ngoals: asyncfetch h2 / curl req/s {rate(af) / rate(curl):.2f} (>= 1.5), "
      f"CPU {med('h2', af, 3):.2f} s vs curl {med('h2', curl, 3):.2f} s (less); "
      f"/ h2load {rate(af) / rate(h2load):.2f} (>= 0.5); connections {conns[('h2', af)]} (<= 4)")
slow = [t for (w, t) in conns if w == "slow"]
if len(slow) == 2:
    h2w, h1w = med("slow", slow[0], 2), med("slow", slow[1], 2)
    print(f"latency-bound: h2 {h2w:.3f} s on {conns[('slow', slow[0])]} connection(s), "
          f"HTTP/1.1 {h1w:.3f} s on {conns[('slow', slow[1])]}: h2 / HTTP/1.1 {h2w / h1w:.2f} (<= 1.2)")
PY
