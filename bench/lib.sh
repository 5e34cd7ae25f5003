# Shared helpers for the benchmark scripts: local servers in a temp dir, and
# timing a command (wall, client CPU, peak RSS) with /usr/bin/time.
# Every server listens on 127.0.0.1 only.

BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$BENCH_ROOT/build}
ASYNCFETCH=${ASYNCFETCH:-$BUILD_DIR/asyncfetch}
TESTSERVER=${TESTSERVER:-$BUILD_DIR/asyncfetch-testserver}
RUNS=${RUNS:-5}
WORK=$(mktemp -d /tmp/asyncfetch-bench-XXXXXX)
chmod 755 "$WORK"
RESULTS=$WORK/results.txt
: > "$RESULTS"
PIDS=()

cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  # RESULTS_OUT=FILE keeps the raw rows (bench/compare.sh reads them); appended,
  # since ssh.sh runs ssh_jump.sh, whose own cleanup writes first.
  if [ -n "${RESULTS_OUT:-}" ]; then cat "$RESULTS" >> "$RESULTS_OUT"; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
ulimit -n "$(ulimit -Hn)"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_testserver: sets TESTSERVER_URL.
start_testserver() {
  "$TESTSERVER" > "$WORK/testserver.url" &
  PIDS+=($!)
  for _ in $(seq 100); do [ -s "$WORK/testserver.url" ] && break; sleep 0.05; done
  TESTSERVER_URL=$(head -1 "$WORK/testserver.url")
}

# nginx_temp_paths: the http-block lines that keep nginx's temp files in $WORK.
nginx_temp_paths() {
  local kind
  for kind in client_body proxy fastcgi uwsgi scgi; do echo "  ${kind}_temp_path $WORK/nginx;"; done
}

# start_nginx [workers]: static files from $WORK/www on a free port; sets NGINX_URL.
start_nginx() {
  local workers=${1:-1} port
  port=$(free_port)
  mkdir -p "$WORK/www" "$WORK/nginx"
  printf 'hello from nginx\n' > "$WORK/www/small.txt"
  cat > "$WORK/nginx/nginx.conf" <<CONF
worker_processes $workers;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log;
user root;
events { worker_connections 20000; }
http {
  access_log off;
  keepalive_requests 1000000;
  keepalive_timeout 60s;
$(nginx_temp_paths)
  server { listen 127.0.0.1:$port; root $WORK/www; location = /post { return 200 "ok\\n"; } }
}
CONF
  nginx -c "$WORK/nginx/nginx.conf" -g 'daemon off;' &
  PIDS+=($!)
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/small.txt" >/dev/null && break; sleep 0.05; done
  NGINX_URL="http://127.0.0.1:$port"
}

# start_test_sshd [--sftp-dirs|--command-dirs]: the tests' sshd on 127.0.0.1-4
# (ADDRS), each address its own start directory (sftp_dir ADDRESS). Sets
# PORT USER KEY KH (known_hosts) and writes $WORK/hosts.txt.
ADDRS=(127.0.0.1 127.0.0.2 127.0.0.3 127.0.0.4)
start_test_sshd() {
  "${TEST_SSHD:-$BUILD_DIR/asyncfetch-test-sshd}" --addresses "$(IFS=,; echo "${ADDRS[*]}")" "$@" > "$WORK/sshd.txt" &
  PIDS+=($!)
  local lines=1; [ $# -gt 0 ] && lines=$((${#ADDRS[@]} + 1)) # "PORT USER KEY", then the directories
  for _ in $(seq 200); do [ "$(wc -l < "$WORK/sshd.txt")" -ge "$lines" ] && break; sleep 0.05; done
  read -r PORT USER KEY < <(head -n 1 "$WORK/sshd.txt")
  KH=$WORK/known_hosts
  ssh-keyscan -t ed25519 -p "$PORT" "${ADDRS[@]}" > "$KH" 2>/dev/null
  for a in "${ADDRS[@]}"; do echo "$USER@$a:$PORT"; done > "$WORK/hosts.txt"
}
sftp_dir() { awk -v a="$1" '$1 == a {print $2}' "$WORK/sshd.txt"; }
# start_nginx_proxy ORIGIN_URL: nginx (1 worker) as a forward proxy on a free
# port, taking absolute-form requests and sending them on to ORIGIN_URL over
# kept-alive connections; sets PROXY_URL.
start_nginx_proxy() {
  local origin=${1#http://} port
  port=$(free_port)
  mkdir -p "$WORK/nginx-proxy"
  cat > "$WORK/nginx-proxy/nginx.conf" <<CONF
worker_processes 1;
pid $WORK/nginx-proxy/nginx.pid;
error_log $WORK/nginx-proxy/error.log;
user root;
events { worker_connections 20000; }
http {
  access_log off;
  keepalive_requests 1000000;
$(nginx_temp_paths)
  upstream origin { server $origin; keepalive 200; }
  server {
    listen 127.0.0.1:$port;
    location / { proxy_pass http://origin; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
CONF
  nginx -c "$WORK/nginx-proxy/nginx.conf" -g 'daemon off;' &
  PIDS+=($!)
  PROXY_URL="http://127.0.0.1:$port"
  for _ in $(seq 100); do curl -sf -x "$PROXY_URL" "http://$origin/small.txt" >/dev/null && break; sleep 0.05; done
}

# measure WORKLOAD TOOL CMD...: runs CMD once under /usr/bin/time and appends
# "WORKLOAD|TOOL|wall_s|cpu_s|rss_kb|exit" to the results.
measure() {
  local workload=$1 tool=$2; shift 2
  local status=0
  /usr/bin/time -f '%e %U %S %M' -o "$WORK/time.txt" "$@" > /dev/null 2> "$WORK/stderr.txt" || status=$?
  read -r wall user sys rss < <(tail -1 "$WORK/time.txt")
  printf '%s|%s|%s|%s|%s|%s\n' "$workload" "$tool" "$wall" \
    "$(python3 -c "print(round($user+$sys, 3))")" "$rss" "$status" >> "$RESULTS"
}

# measure_runs WORKLOAD TOOL CMD...: RUNS times.
measure_runs() {
  for _ in $(seq "$RUNS"); do measure "$@"; done
}

# report [REQUESTS_PER_WORKLOAD...]: median table with peer/asyncfetch ratios.
report() { python3 "$BENCH_ROOT/bench/report.py" "$RESULTS" "$@"; }
