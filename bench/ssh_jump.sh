#!/usr/bin/env bash
# SSH through a jump host: N_JUMP sessions running `true` on 3 loopback
# addresses of one local sshd, reached through a bastion (the same sshd on
# 127.0.0.1) or directly, at most 100 at once: asyncfetch -J (direct-tcpip
# channels of one bastion session), asyncfetch directly, asyncssh with one
# shared tunnel= connection, and OpenSSH `ssh -J` through pssh -p 100 (two
# ssh processes per host). Goal: through the bastion, at most 1.5x the
# direct client CPU per session. Medians of RUNS runs (default 5); SMOKE=1
# runs 20 sessions once. Everything stays on 127.0.0.0/8. Needs root.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

if [ "${SMOKE:-0}" = 1 ]; then
  RUNS=1 N_JUMP=20
fi
N_JUMP=${N_JUMP:-200}
PEERS=$BENCH_ROOT/bench/peers
TEST_SSHD=${TEST_SSHD:-$BUILD_DIR/asyncfetch-test-sshd}

"$TEST_SSHD" --addresses 127.0.0.1,127.0.0.2,127.0.0.3,127.0.0.4 > "$WORK/sshd.txt" &
PIDS+=($!)
for _ in $(seq 200); do [ -s "$WORK/sshd.txt" ] && break; sleep 0.05; done
read -r PORT USER KEY < "$WORK/sshd.txt"
KH=$WORK/known_hosts
ssh-keyscan -t ed25519 -p "$PORT" 127.0.0.1 127.0.0.2 127.0.0.3 127.0.0.4 > "$KH" 2>/dev/null
JUMP=$USER@127.0.0.1:$PORT

addrs=(127.0.0.2 127.0.0.3 127.0.0.4)
for i in $(seq 0 $((N_JUMP - 1))); do echo "$USER@${addrs[$((i % 3))]}:$PORT"; done > "$WORK/hosts.txt"
# ssh -J's hop is a second ssh process that takes no -i or -o: a config file for both.
cat > "$WORK/ssh_config" <<CONF
Host *
  IdentityFile $KEY
  IdentitiesOnly yes
  UserKnownHostsFile $KH
  StrictHostKeyChecking yes
  BatchMode yes
CONF
echo "sshd port $PORT, bastion $JUMP, $N_JUMP sessions, $(nproc) cores, runs: $RUNS" >&2

AF_SSH=("$ASYNCFETCH" ssh -q --no-agent -i "$KEY" --known-hosts "$KH" --host-key-policy strict -o /dev/null -c 100)
measure_runs direct "asyncfetch direct" "${AF_SSH[@]}" "$WORK/hosts.txt" -- true
measure_runs jump "asyncfetch -J" "${AF_SSH[@]}" -J "$JUMP" "$WORK/hosts.txt" -- true
if /usr/bin/python3 -c 'import asyncssh' 2>/dev/null; then
  measure_runs jump "asyncssh tunnel=" /usr/bin/python3 "$PEERS/asyncssh_run.py" "$WORK/hosts.txt" 100 "$KEY" "$KH" true "$JUMP"
fi
if command -v parallel-ssh > /dev/null; then
  measure_runs jump "pssh -p 100, ssh -J" parallel-ssh -h "$WORK/hosts.txt" -p 100 -t 0 \
    -x "-F $WORK/ssh_config -J $JUMP" true
fi

report direct="$N_JUMP" jump="$N_JUMP"
python3 - "$RESULTS" "$N_JUMP" <<'PY'
import statistics, sys
rows = [l.strip().split("|") for l in open(sys.argv[1])]
n = int(sys.argv[2])
def med(workload, tool, col):
    v = [float(r[col]) for r in rows if r[0] == workload and r[1] == tool]
    return statistics.median(v) if v else float("nan")
for r in rows:
    if r[5] != "0":
        print(f"WARNING: {r[1]} ({r[0]}) exited {r[5]}")
direct, jump = med("direct", "asyncfetch direct", 3), med("jump", "asyncfetch -J", 3)
print(f"\nclient CPU per session: direct {direct / n * 1000:.2f} ms, through the bastion "
      f"{jump / n * 1000:.2f} ms ({jump / direct:.2f}x; goal <= 1.5x)")
for tool in ("asyncssh tunnel=", "pssh -p 100, ssh -J"):
    cpu, wall = med("jump", tool, 3), med("jump", tool, 2)
    if cpu == cpu:
        print(f"{tool}: {cpu / n * 1000:.2f} ms CPU per session ({cpu / jump:.1f}x asyncfetch), "
              f"wall {wall:.2f} s (asyncfetch {med('jump', 'asyncfetch -J', 2):.2f} s)")
PY
