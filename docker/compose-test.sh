#!/usr/bin/env bash
# Runs docker/compose.yaml on a private dockerd: builds the images, starts
# redis, nginx, two sshd hosts and two workers, enqueues 200 URLs of the
# nginx and collects 200 records. The daemon keeps its data in a temp dir
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
  docker-compose -f docker/compose.yaml --profile tools down -t 1 > /dev/null 2>&1 || true
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
echo "docker/compose-test.sh: ok: 200 URLs through redis and two workers, 200 records" >&2
