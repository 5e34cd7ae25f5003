#!/usr/bin/env bash
# Name resolution at the run's concurrency: N URLs on N distinct host names
# whose DNS server answers after DELAY_MS, fetched all at once by asyncfetch
# (c-ares on the event loop, and --resolver system), curl -Z (its threaded
# resolver) and aiohttp (getaddrinfo on a thread pool). Everything runs in a
# network namespace whose resolv.conf names the DNS test server on its own
# 127.0.0.1:53, so every tool resolves through its ordinary system path
# (Debian's curl has no --dns-servers). Then N_BIG names: the resolver's
# memory and client CPU per name. Needs root (ip netns). SMOKE=1: tiny sizes.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

if [ "${SMOKE:-0}" = 1 ]; then
  RUNS=1 N=20 N_BIG=100 DELAY_MS=50
fi
N=${N:-1000}
N_BIG=${N_BIG:-10000}
DELAY_MS=${DELAY_MS:-50}
TESTDNS=${TESTDNS:-$BUILD_DIR/asyncfetch-test-dns}
PEERS=$BENCH_ROOT/bench/peers

if [ "$(id -u)" != 0 ] || ! ip netns list >/dev/null 2>&1; then
  echo "bench/dns.sh: SKIPPED: needs root and ip netns (a namespace with its own resolv.conf)" >&2
  exit 0
fi
NS=asyncfetch-dns-$$
mkdir -p "/etc/netns/$NS"
printf 'nameserver 127.0.0.1\n' > "/etc/netns/$NS/resolv.conf"
ip netns add "$NS"
remove_namespace() {
  cleanup
  ip netns del "$NS" 2>/dev/null || true
  rm -rf "/etc/netns/$NS"
}
trap remove_namespace EXIT
IN_NS=(ip netns exec "$NS")
"${IN_NS[@]}" ip link set lo up

# start_in_ns NAME CMD...: CMD in the namespace, its own pid in $WORK/NAME.pid
# (ip netns exec may fork rather than exec), its stdout in $WORK/NAME.out.
start_in_ns() {
  local name=$1; shift
  "${IN_NS[@]}" sh -c 'echo $$ > "$0"; exec "$@"' "$WORK/$name.pid" "$@" > "$WORK/$name.out" &
  for _ in $(seq 100); do [ -s "$WORK/$name.out" ] && break; sleep 0.05; done
  PIDS+=("$(cat "$WORK/$name.pid")")
}

# The HTTP test server and the DNS test server, inside the namespace.
start_in_ns testserver "$TESTSERVER"
start_in_ns dns "$TESTDNS" --port 53 --delay "$DELAY_MS" --names "$N_BIG"
DNS_PID=$(cat "$WORK/dns.pid")
PORT=$(head -1 "$WORK/testserver.out" | sed 's/.*://')

for i in $(seq 0 $((N - 1))); do echo "http://name$i.test:$PORT/bytes/10"; done > "$WORK/urls.txt"
for i in $(seq 0 $((N_BIG - 1))); do echo "http://name$i.test:$PORT/bytes/10"; done > "$WORK/big.txt"
awk '{print "url = \"" $0 "\"\noutput = \"/dev/null\""}' "$WORK/urls.txt" > "$WORK/urls.curl"
echo "$N URLs on $N names, DNS answering in ${DELAY_MS} ms, $(nproc) cores, runs: $RUNS" >&2

measure_runs names "asyncfetch -c $N" "${IN_NS[@]}" "$ASYNCFETCH" "$WORK/urls.txt" -q -c "$N" -o /dev/null
measure_runs names "asyncfetch --resolver system" "${IN_NS[@]}" "$ASYNCFETCH" "$WORK/urls.txt" -q -c "$N" \
  --resolver system -o /dev/null
measure_runs names "curl -Z --parallel-max $N" "${IN_NS[@]}" curl -s --parallel --parallel-immediate \
  --parallel-max "$N" -K "$WORK/urls.curl"
measure_runs names "aiohttp limit $N" "${IN_NS[@]}" /usr/bin/python3 "$PEERS/aiohttp_fetch.py" \
  "$WORK/urls.txt" "$N"
# The same URLs on one IP literal: what the run costs without names.
sed "s/name[0-9]*\.test/127.0.0.1/" "$WORK/urls.txt" > "$WORK/literal.txt"
measure_runs names "asyncfetch (IP literals)" "${IN_NS[@]}" "$ASYNCFETCH" "$WORK/literal.txt" -q -c "$N" \
  -o /dev/null
# Many names: memory and CPU per name, against one name for all the URLs.
measure_runs "many names" "asyncfetch -c 1000 ($N_BIG names)" "${IN_NS[@]}" "$ASYNCFETCH" "$WORK/big.txt" \
  -q -c 1000 -o /dev/null
sed "s/name[0-9]*\.test/name0.test/" "$WORK/big.txt" > "$WORK/one-name.txt"
measure_runs "many names" "asyncfetch -c 1000 (1 name)" "${IN_NS[@]}" "$ASYNCFETCH" "$WORK/one-name.txt" \
  -q -c 1000 -o /dev/null

kill "$DNS_PID"
for _ in $(seq 100); do [ "$(wc -l < "$WORK/dns.out")" -ge 2 ] && break; sleep 0.05; done
report names="$N" "many names=$N_BIG"
python3 - "$RESULTS" "$N_BIG" "$(tail -1 "$WORK/dns.out")" <<'PY'
import statistics, sys
rows = [l.strip().split("|") for l in open(sys.argv[1])]
n = int(sys.argv[2])
def med(workload, tool, col):
    v = [float(r[col]) for r in rows if r[0] == workload and r[1].startswith(tool)]
    return statistics.median(v) if v else float("nan")
many, one = f"asyncfetch -c 1000 ({n} names)", "asyncfetch -c 1000 (1 name)"
cpu = (med("many names", many, 3) - med("many names", one, 3)) / n * 1e6
rss = (med("many names", many, 4) - med("many names", one, 4)) / n * 1024
print(f"\n{n} names vs 1 name: {cpu:.0f} us client CPU and {rss:.0f} bytes peak RSS per name")
print(f"DNS server: {sys.argv[3]}")
PY
