#!/bin/sh
# An sshd "host" of the compose demo: its host key and the client's public key
# from the "keys" volume (docker/compose-keys.sh), a user "demo" with a plain
# /bin/sh, keys only. HOST_NAME: host1 or host2.
set -eu
for _ in $(seq 300); do [ -f /keys/ready ] && break; sleep 0.2; done
[ -f /keys/ready ] || { echo "compose-sshd.sh: no keys in /keys after 60 s" >&2; exit 1; }
id demo > /dev/null 2>&1 || useradd --create-home --shell /bin/sh demo
usermod -p '*' demo # not locked ('!' would refuse keys too), no password either
install -d -m 700 -o demo -g demo /home/demo/.ssh
install -m 600 -o demo -g demo /keys/client.pub /home/demo/.ssh/authorized_keys
install -m 600 "/keys/$HOST_NAME" /etc/ssh/host_key
exec /usr/sbin/sshd -D -e -h /etc/ssh/host_key -o UsePAM=no -o PasswordAuthentication=no \
  -o KbdInteractiveAuthentication=no -o MaxStartups=100
