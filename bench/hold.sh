#!/usr/bin/env bash
# Connections held: how much memory a held HTTP connection and a held SSH
# session cost the client.
#   1. HTTP: N_HTTP connections at once, each waiting on a slow response
#      (/delay/HOLD_S from SERVERS test servers, one per 127.0.1.x address, so
#      no (address, port) pair runs out of ephemeral ports). One process holds
#      as many as the hard open-files limit allows; when N_HTTP needs more,
#      -j P processes hold them together.
#   2. SSH: N_SSH sessions at once running `sleep SSH_HOLD_S` on the test sshd
#      (several instances when one's MaxStartups would refuse them).
# Reported: peak client RSS (summed over the -j workers, sampled), user-space
# bytes per connection above a run holding one connection per process, the
# kernel's socket memory (slab caches and TCP buffer pages, both ends of each
# loopback connection) and wall time. Every target must yield one ok record.
# The fd limit, fs.nr_open, the ephemeral port range and kernel.pid_max are
# raised for the run and restored after. SMOKE=1 runs tiny sizes (CI).
# Needs root. Everything stays on 127.0.0.0/8.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

if [ "${SMOKE:-0}" = 1 ]; then
  N_HTTP=300 N_SSH=10 HOLD_S=2 SSH_HOLD_S=3 SERVERS=2
fi
N_HTTP=${N_HTTP:-100000}
N_SSH=${N_SSH:-10000}
HOLD_S=${HOLD_S:-40}
SSH_HOLD_S=${SSH_HOLD_S:-120}
SERVERS=${SERVERS:-8}
SAMPLER=$BENCH_ROOT/bench/hold_sampler.py

# --- limits, restored on exit -------------------------------------------------
saved_sysctls=()
for key in fs.nr_open net.ipv4.ip_local_port_range kernel.pid_max; do
  saved_sysctls+=("$key=$(sysctl -n "$key" | tr '\t' ' ')")
done
restore_limits() {
  for kv in "${saved_sysctls[@]}"; do sysctl -q -w "$kv" >/dev/null 2>&1 || true; done
  cleanup
}
trap restore_limits EXIT
want_fds=$((N_HTTP + 1000))
[ "$(sysctl -n fs.nr_open)" -lt "$want_fds" ] && sysctl -q -w fs.nr_open="$want_fds"
sysctl -q -w net.ipv4.ip_local_port_range="1024 65000"
[ "$(sysctl -n kernel.pid_max)" -lt $((N_SSH * 4 + 10000)) ] && sysctl -q -w kernel.pid_max=$((N_SSH * 4 + 10000))
# Raising the hard limit needs CAP_SYS_RESOURCE, which a container may not grant.
fd_note="hard RLIMIT_NOFILE raised to $want_fds"
if ! ulimit -Hn "$want_fds" 2>/dev/null; then
  fd_note="hard RLIMIT_NOFILE stays $(ulimit -Hn): raising it needs CAP_SYS_RESOURCE, not held here"
fi
ulimit -n "$(ulimit -Hn)"
FD_MAX=$(ulimit -n)
PER_PROCESS=$((FD_MAX - 200)) # connections one process may hold
echo "fd limit $FD_MAX ($fd_note); $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)" >&2

# --- servers: each holds at most PER_PROCESS connections ----------------------
need=$(((N_HTTP + PER_PROCESS - 1) / PER_PROCESS))
[ "$SERVERS" -lt "$need" ] && SERVERS=$need
for k in $(seq "$SERVERS"); do
  "$TESTSERVER" --address "127.0.1.$k" > "$WORK/server$k.url" &
  PIDS+=($!)
done
for k in $(seq "$SERVERS"); do
  for _ in $(seq 100); do [ -s "$WORK/server$k.url" ] && break; sleep 0.05; done
  SERVER_URLS[k]=$(head -1 "$WORK/server$k.url")
done
url_list() { # COUNT PATH: COUNT URLs of PATH, spread over the servers
  for i in $(seq "$1"); do echo "${SERVER_URLS[$((i % SERVERS + 1))]}$2?i=$i"; done
}

# hold NAME COUNT PROCESSES LIST: runs the client on LIST while the sampler
# watches it; appends "NAME|count|processes|wall|rss_kb|sockets|slab|tcp_pages|ok|records".
hold() {
  local name=$1 count=$2 procs=$3 list=$4
  local per=$(((count + procs - 1) / procs))
  local t0 pid
  t0=$(date +%s.%N)
  "$ASYNCFETCH" "$list" -q -j "$procs" -c "$per" --per-host 0 --timeout $((HOLD_S * 3)) \
    -o "$WORK/$name.jsonl" 2> "$WORK/$name.err" &
  pid=$!
  python3 "$SAMPLER" "$pid" "$WORK/$name.peak" 1 &
  local sampler=$!
  wait "$pid" || true
  wait "$sampler" || true
  local wall ok records
  wall=$(python3 -c "import time; print(round(time.time() - $t0, 2))")
  records=$(wc -l < "$WORK/$name.jsonl")
  ok=$(grep -c '"error":null' "$WORK/$name.jsonl" || true)
  python3 - "$WORK/$name.peak" "$name|$count|$procs|$wall" "$ok|$records" >> "$WORK/hold.txt" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
print(f"{sys.argv[2]}|{p['rss_kb']}|{p['sockets']}|{p['slab_bytes']}|{p['tcp_mem_pages']}|{sys.argv[3]}")
PY
  grep -h "limits\|lowered\|open-files" "$WORK/$name.err" >&2 || true
}
: > "$WORK/hold.txt"

# --- 1. HTTP --------------------------------------------------------------------
ONE=$((N_HTTP < PER_PROCESS ? N_HTTP : PER_PROCESS))
PROCS=$(((N_HTTP + PER_PROCESS - 1) / PER_PROCESS))
url_list 1 "/delay/${HOLD_S}s" > "$WORK/base1.txt"
url_list "$PROCS" "/delay/${HOLD_S}s" > "$WORK/baseP.txt"
url_list "$ONE" "/delay/${HOLD_S}s" > "$WORK/one-process.txt"
url_list "$N_HTTP" "/delay/${HOLD_S}s" > "$WORK/all.txt"
hold http-base-1 1 1 "$WORK/base1.txt"
hold http-1proc "$ONE" 1 "$WORK/one-process.txt"
if [ "$PROCS" -gt 1 ]; then
  hold http-base-j "$PROCS" "$PROCS" "$WORK/baseP.txt"
  hold http-all "$N_HTTP" "$PROCS" "$WORK/all.txt"
fi

# --- 2. SSH ---------------------------------------------------------------------
# One test sshd per MAX_STARTUPS sessions: its MaxStartups (2000:30:4000)
# drops unauthenticated connections beyond 2000 at random.
MAX_STARTUPS=${MAX_STARTUPS:-1500}
SSHDS=$(((N_SSH + MAX_STARTUPS - 1) / MAX_STARTUPS))
: > "$WORK/ssh-hosts.txt"
: > "$WORK/ssh-kh"
for s in $(seq "$SSHDS"); do
  "$BUILD_DIR/asyncfetch-test-sshd" --addresses "127.0.2.$s" > "$WORK/sshd$s.txt" &
  PIDS+=($!)
done
for s in $(seq "$SSHDS"); do
  for _ in $(seq 200); do [ -s "$WORK/sshd$s.txt" ] && break; sleep 0.05; done
  read -r port user key < "$WORK/sshd$s.txt"
  ssh-keyscan -t ed25519 -p "$port" "127.0.2.$s" >> "$WORK/ssh-kh" 2>/dev/null
  echo "$user@127.0.2.$s:$port $key" >> "$WORK/sshds.txt"
done
n=0
while [ "$n" -lt "$N_SSH" ]; do
  while read -r host key && [ "$n" -lt "$N_SSH" ]; do echo "$host"; n=$((n + 1)); done < "$WORK/sshds.txt"
done > "$WORK/ssh-all.txt"
head -1 "$WORK/ssh-all.txt" > "$WORK/ssh-one.txt"
KEYS=()
while read -r host key; do KEYS+=(-i "$key"); done < "$WORK/sshds.txt"
ssh_hold() { # NAME COUNT LIST
  local t0 pid sampler wall
  t0=$(date +%s.%N)
  "$ASYNCFETCH" ssh -q --no-agent "${KEYS[@]}" --known-hosts "$WORK/ssh-kh" --host-key-policy strict \
    -c "$2" --connect-timeout 120 -o "$WORK/$1.jsonl" "$3" -- sleep "$SSH_HOLD_S" 2> "$WORK/$1.err" &
  pid=$!
  python3 "$SAMPLER" "$pid" "$WORK/$1.peak" 1 &
  sampler=$!
  wait "$pid" || true
  wait "$sampler" || true
  wall=$(python3 -c "import time; print(round(time.time() - $t0, 2))")
  python3 - "$WORK/$1.peak" "$1|$2|1|$wall" \
    "$(grep -c '"error":null' "$WORK/$1.jsonl" || true)|$(wc -l < "$WORK/$1.jsonl")" >> "$WORK/hold.txt" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
print(f"{sys.argv[2]}|{p['rss_kb']}|{p['sockets']}|{p['slab_bytes']}|{p['tcp_mem_pages']}|{sys.argv[3]}")
PY
  grep -h "limits\|lowered" "$WORK/$1.err" >&2 || true
}
ssh_hold ssh-base 1 "$WORK/ssh-one.txt"
ssh_hold ssh-all "$N_SSH" "$WORK/ssh-all.txt"

python3 - "$WORK/hold.txt" <<'PY'
import sys
rows = {}
for line in open(sys.argv[1]):
    name, count, procs, wall, rss, socks, slab, pages, ok, records = line.strip().split("|")
    rows[name] = dict(count=int(count), procs=int(procs), wall=float(wall), rss=int(rss),
                      socks=int(socks), slab=int(slab), pages=int(pages), ok=int(ok), records=int(records))
def line(name, base, what):
    r, b = rows.get(name), rows.get(base)
    if not r or not b:
        return
    per = (r["rss"] - b["rss"]) * 1024 / max(1, r["count"] - b["count"])
    print(f"| {what} | {r['count']:,} | {r['procs']} | {r['socks']:,} | {r['rss'] / 1024:.1f} MB | "
          f"{per / 1000:.2f} KB | {r['slab'] / max(1, r['socks']) / 1000:.2f} KB | "
          f"{r['pages'] * 4096 / max(1, r['socks']) / 1000:.2f} KB | {r['wall']:.1f} s | "
          f"{r['ok']:,}/{r['records']:,} |")
print("\n| case | held | processes | client sockets at peak | peak client RSS | user space per "
      "connection above baseline | kernel slab per client socket (both ends) | TCP buffer pages "
      "per client socket | wall | ok/records |")
print("|---|---|---|---|---|---|---|---|---|---|")
line("http-1proc", "http-base-1", "HTTP, one process")
line("http-all", "http-base-j", "HTTP, -j workers")
line("ssh-all", "ssh-base", "SSH sessions")
for name, r in rows.items():
    if r["ok"] != r["count"] or r["records"] != r["count"]:
        print(f"WARNING: {name}: {r['ok']} ok of {r['records']} records for {r['count']} targets")
PY
