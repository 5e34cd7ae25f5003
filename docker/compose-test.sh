#!/usr/bin/env bash
# Runs docker/compose.yaml on a private dockerd: builds the images, starts
# redis, nginx, two sshd hosts, two workers and the scheduler, enqueues 200
# URLs of the nginx and collects 200 records, then checks the scheduler's SSH
# job records from both hosts and its status page and /metrics. The daemon keeps its data in a temp dir
# and its containers on its own bridge (no iptables: nothing leaves the
# machine). Skips, saying why, where dockerd cannot start. Needs root.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh scripts/docker-packages.txt
command -v docker-compose > /dev/null || scripts/install-deps.sh <(echo docker-compose)

work=$(mktemp -d /tmp/asyncfetch-compose-XXXXXX)
sock=$work/docker.sock
bridge=afbr$$
export DOCKER_HOST=unix://$sock COMPOSE_PROJECT_NAME=afdemo
cleanup() {
  docker-compose -f docker/compose.yaml --profile tools down -v -t 1 > /dev/null 2>&1 || true
  [ -f "$work/dockerd.pid" ] && kill "$(cat "$work/dockerd.pid")" 2>/dev/null || true
  for _ in $(seq 50); do [ -f "$work/dockerd.pid" ] || break; sleep 0.2; done
  grep -o " $work/[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  ip link delete "$bridge" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

ip link add "$bridge" type bridge && ip addr add 10.231.0.1/24 dev "$bridge" && ip link set "$bridge" up
dockerd --iptables=false --ip-masq=false --bridge="$bridge" --data-root "$work/data" \
  --exec-root "$work/exec" --pidfile "$work/dockerd.pid" --host "unix://$sock" \
  > "$work/dockerd.log" 2>&1 &
for _ in $(seq 150); do docker info > /dev/null 2>&1 && break; sleep 0.2; done
if ! docker info > /dev/null 2>&1; then
  echo "docker/compose-test.sh: skipped: dockerd cannot start here:" >&2
  tail -5 "$work/dockerd.log" >&2
  exit 0
fi

export ASYNCFETCH_BASE
ASYNCFETCH_BASE=$(docker/make-base-image.sh asyncfetch-base:bookworm)
docker-compose -f docker/compose.yaml --profile tools build -q
docker-compose -f docker/compose.yaml up -d
docker-compose -f docker/compose.yaml run --rm enqueue
out=$(timeout 120 docker-compose -f docker/compose.yaml run --rm collect 2> "$work/collect.err")
n=$(grep -c '"id"' <<< "$out" || true)
tail -1 "$work/collect.err"
[ "$n" = 200 ] || { echo "docker/compose-test.sh: collected $n of 200 records" >&2; exit 1; }
docker-compose -f docker/compose.yaml ps

# The scheduled SSH job on the two sshd hosts (keys made at start, host keys
# pinned): an ok run's records, one per host, the command run on each.
compose_exec() { docker-compose -f docker/compose.yaml exec -T "$@"; }
# The first run may find the hosts still starting: wait for an ok run.
output=
for _ in $(seq 60); do
  output=$(compose_exec status sh -c 'cat /home/asyncfetch/runs.jsonl 2>/dev/null' |
    /usr/bin/python3 -c 'import json, sys
ok = [j for j in map(json.loads, sys.stdin) if j["job"] == "fleet" and j["status"] == "ok"]
print(ok[0]["output"] if ok else "")') || true
  [ -n "$output" ] && break
  sleep 2
done
[ -n "$output" ] || { echo "docker/compose-test.sh: no ok run of the SSH job in 120 s:" >&2;
  compose_exec status cat /home/asyncfetch/runs.jsonl >&2; exit 1; }
compose_exec status cat "$output" | /usr/bin/python3 -c 'import json, sys
records = {r["host"]: r for r in map(json.loads, sys.stdin)}
assert sorted(records) == ["host1", "host2"], records
for host, r in records.items():
    assert r["exit_status"] == 0 and r["error"] is None, r
    assert r["stdout"] == host + "\ndemo\n", r  # its own hostname, as user demo
print("docker/compose-test.sh: SSH job records:", *records.values(), sep="\n  ", file=sys.stderr)'

# The status page, /metrics and /healthz, published on loopback, token required.
port=${ASYNCFETCH_STATUS_PORT:-9100}
token=$(compose_exec status cat /keys/listen-token)
auth="Authorization: Bearer $token"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/metrics")
[ "$code" = 401 ] || { echo "docker/compose-test.sh: /metrics without the token: $code" >&2; exit 1; }
curl -fsS -H "$auth" "http://127.0.0.1:$port/metrics" | grep -q '^asyncfetch_runs_total{job="fleet",outcome="ok"} [1-9]' ||
  { echo "docker/compose-test.sh: /metrics counts no ok fleet run" >&2; exit 1; }
curl -fsS -H "$auth" "http://127.0.0.1:$port/" | grep -q '<td>fleet</td>' ||
  { echo "docker/compose-test.sh: the status page does not list the fleet job" >&2; exit 1; }
[ "$(curl -fsS -H "$auth" "http://127.0.0.1:$port/healthz")" = ok ] ||
  { echo "docker/compose-test.sh: /healthz" >&2; exit 1; }
# No private key in an image layer (openssh-server's install makes host keys:
# the image removes them in the same layer); the hosts use the volume's.
baked=$(compose_exec host1 sh -c 'ls /etc/ssh/ssh_host_*key* 2>/dev/null || true')
[ -z "$baked" ] || { echo "docker/compose-test.sh: host keys in the image: $baked" >&2; exit 1; }
echo "docker/compose-test.sh: ok: 200 URLs through redis and two workers, 200 records;" \
  "the SSH job on host1 and host2; the status page and /metrics on 127.0.0.1:$port" >&2
