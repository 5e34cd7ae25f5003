#!/bin/sh
# The compose demo's secrets, made when compose starts (never at image build:
# no private key or token is in a layer that ships) in the "keys" volume:
# the client's key, a host key for each sshd host, the known_hosts that pins
# them, and the status page's bearer token. Runs as root; kept across restarts.
set -eu
cd /keys
umask 077
[ -f client ] || ssh-keygen -q -t ed25519 -N '' -C asyncfetch-demo -f client
for h in host1 host2; do
  [ -f "$h" ] || ssh-keygen -q -t ed25519 -N '' -C "$h" -f "$h"
done
: > known_hosts.new
for h in host1 host2; do echo "$h $(cut -d' ' -f1,2 "$h.pub")" >> known_hosts.new; done
mv known_hosts.new known_hosts
[ -f listen-token ] || head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > listen-token
# The asyncfetch user reads its key, the pins and the token; the host keys stay root's.
chown asyncfetch client listen-token
chmod 644 known_hosts ./*.pub
touch ready
