#!/bin/sh
# The compose demo's scheduler: docker/compose-run.json's jobs (an SSH job on
# the two sshd hosts, a fetch of nginx's pages) with the status page,
# /metrics and /healthz on port 9100. Inside the container that is not
# loopback, so the bearer token from the "keys" volume is required.
set -eu
for _ in $(seq 300); do [ -f /keys/ready ] && break; sleep 0.2; done
[ -f /keys/ready ] || { echo "compose-status.sh: no keys in /keys after 60 s" >&2; exit 1; }
AF_LISTEN_TOKEN=$(cat /keys/listen-token)
export AF_LISTEN_TOKEN
exec asyncfetch run /etc/asyncfetch/compose-run.json --listen 0.0.0.0:9100 \
  --listen-token-env AF_LISTEN_TOKEN
