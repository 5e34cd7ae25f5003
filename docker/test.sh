#!/usr/bin/env bash
# Builds the asyncfetch image on a private dockerd and runs `asyncfetch demo`
# in it with no network. The daemon runs from a temp dir (no iptables, no
# bridge); the base image comes from debootstrap (Debian's mirror), not from
# a registry. Skips, saying why, where dockerd cannot start. Needs root.
#   docker/test.sh [BUILD_DIR]
# With BUILD_DIR, a plain Release build of this checkout (`make test-docker`
# passes its own), the image takes that build's binary (docker/prebuilt/)
# instead of compiling the library again; FROM_SOURCE=1 compiles it anyway.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh scripts/docker-packages.txt

if [ -e docker/prebuilt/asyncfetch ]; then
  echo "docker/test.sh: docker/prebuilt/asyncfetch is there already (not made by this script):" \
    "move it away first" >&2
  exit 2
fi
prebuilt=""
build_dir=${1:-}
if [ -n "$build_dir" ] && [ "${FROM_SOURCE:-0}" != 1 ]; then
  cache=$build_dir/CMakeCache.txt
  if [ -x "$build_dir/asyncfetch" ] && grep -qx "CMAKE_BUILD_TYPE:STRING=Release" "$cache" &&
     ! grep -qE "^ASYNCFETCH_(SANITIZE|FUZZ):BOOL=ON$" "$cache" &&
     ! grep -qE "^CMAKE_CXX_COMPILER:[A-Z]+=.*clang" "$cache"; then
    prebuilt=docker/prebuilt/asyncfetch
  else
    echo "docker/test.sh: $build_dir is not a plain Release build: the image compiles its own" >&2
  fi
fi

work=$(mktemp -d /tmp/asyncfetch-docker-XXXXXX)
sock=$work/docker.sock
cleanup() {
  [ -f "$work/dockerd.pid" ] && kill "$(cat "$work/dockerd.pid")" 2>/dev/null || true
  for _ in $(seq 50); do [ -f "$work/dockerd.pid" ] || break; sleep 0.2; done
  grep -o " $work/[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  rm -rf "$work"
  [ -z "$prebuilt" ] || rm -f "$prebuilt"
}
trap cleanup EXIT

dockerd --iptables=false --ip-masq=false --bridge=none --data-root "$work/data" \
  --exec-root "$work/exec" --pidfile "$work/dockerd.pid" --host "unix://$sock" \
  > "$work/dockerd.log" 2>&1 &
for _ in $(seq 150); do [ -S "$sock" ] && DOCKER_HOST=unix://$sock docker info > /dev/null 2>&1 && break; sleep 0.2; done
if ! DOCKER_HOST=unix://$sock docker info > /dev/null 2>&1; then
  echo "docker/test.sh: skipped: dockerd cannot start here:" >&2
  tail -5 "$work/dockerd.log" >&2
  exit 0
fi
export DOCKER_HOST=unix://$sock

echo "docker/test.sh: building a Debian 12 base image with debootstrap" >&2
base=$(docker/make-base-image.sh asyncfetch-base:bookworm)
if [ -n "$prebuilt" ]; then
  cp "$build_dir/asyncfetch" "$prebuilt"
  echo "docker/test.sh: building the asyncfetch image with $build_dir/asyncfetch" >&2
else
  echo "docker/test.sh: building the asyncfetch image (compiling asyncfetch in it)" >&2
fi
docker build -q --network host -f docker/Dockerfile --build-arg "BASE=$base" \
  --target runtime -t asyncfetch:test . > /dev/null
out=$(docker run --rm --network none asyncfetch:test demo -q -n 5 2>&1)
echo "$out" | tail -4
grep -q "speedup" <<< "$out" || { echo "docker/test.sh: the demo did not run" >&2; exit 1; }
grep -q "5 targets: 5 ok" <<< "$out" || { echo "docker/test.sh: the demo failed" >&2; exit 1; }
size=$(docker image inspect asyncfetch:test --format '{{.Size}}')
echo "docker/test.sh: ok: the image ($((size / 1024 / 1024)) MB) runs the demo with no network" >&2
