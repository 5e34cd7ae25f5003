#!/usr/bin/env bash
# SSH benchmarks: asyncfetch and its peers on the same sshd, in one run.
#   1. fan-out: N_SESSIONS sessions running `true` over 4 loopback addresses
#      of one local sshd, at most 100 at once: asyncfetch -c 100, asyncssh
#      (one event loop, 100 at once), paramiko (100 threads), pssh -p 100
#   2. sessions held: N_HOLD sessions open at once (`sleep 2`): client peak
#      RSS per concurrent session
#   3. WAN: N_RELAY sessions through a relay adding 25 ms each way, serial
#      vs concurrent
#   4. encrypted key: N_KEY sessions (`true`, 100 at once) with an ed25519 key
#      in OpenSSH's format with a passphrase (ssh-keygen's defaults:
#      aes256-ctr, 16 bcrypt rounds) vs the same sessions with an unencrypted
#      ed25519 key: client CPU; `ssh-keygen -y` decrypting that key once is
#      shown beside them as the floor of one decryption
# Every tool checks host keys against the same known_hosts (strict).
# Medians of RUNS runs (default 5). SMOKE=1 runs tiny sizes once (CI).
# Everything stays on 127.0.0.0/8. Needs root (sshd and its test user).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

if [ "${SMOKE:-0}" = 1 ]; then
  RUNS=1 N_SESSIONS=20 N_HOLD=20 N_RELAY=4 N_KEY=20
fi
N_KEY=${N_KEY:-200}
N_SESSIONS=${N_SESSIONS:-1000}
N_HOLD=${N_HOLD:-1000}
N_RELAY=${N_RELAY:-100}
DELAY_MS=${DELAY_MS:-25}
PEERS=$BENCH_ROOT/bench/peers
TEST_SSHD=${TEST_SSHD:-$BUILD_DIR/asyncfetch-test-sshd}

"$TEST_SSHD" --addresses 127.0.0.1,127.0.0.2,127.0.0.3,127.0.0.4 > "$WORK/sshd.txt" &
PIDS+=($!)
for _ in $(seq 200); do [ -s "$WORK/sshd.txt" ] && break; sleep 0.05; done
read -r PORT USER KEY < "$WORK/sshd.txt"
KH=$WORK/known_hosts
ssh-keyscan -t ed25519 -p "$PORT" 127.0.0.1 127.0.0.2 127.0.0.3 127.0.0.4 > "$KH" 2>/dev/null

relay_port=$(free_port)
/usr/bin/python3 "$PEERS/delay_relay.py" "$relay_port" "$PORT" "$DELAY_MS" > "$WORK/relay.txt" &
PIDS+=($!)
for _ in $(seq 100); do [ -s "$WORK/relay.txt" ] && break; sleep 0.05; done
ssh-keyscan -t ed25519 -p "$relay_port" 127.0.0.1 >> "$KH" 2>/dev/null

hosts_file() { # COUNT PORT ADDRESSES...
  local n=$1 port=$2; shift 2
  local addrs=("$@")
  for i in $(seq 0 $((n - 1))); do echo "$USER@${addrs[$((i % ${#addrs[@]}))]}:$port"; done
}
hosts_file "$N_SESSIONS" "$PORT" 127.0.0.1 127.0.0.2 127.0.0.3 127.0.0.4 > "$WORK/hosts.txt"
hosts_file "$N_HOLD" "$PORT" 127.0.0.1 127.0.0.2 127.0.0.3 127.0.0.4 > "$WORK/hold.txt"
hosts_file 1 "$PORT" 127.0.0.1 > "$WORK/one.txt"
hosts_file "$N_RELAY" "$relay_port" 127.0.0.1 > "$WORK/relay-hosts.txt"
echo "sshd port $PORT (4 addresses), relay $relay_port (+${DELAY_MS} ms each way), $(nproc) cores, runs: $RUNS" >&2

AF_SSH=("$ASYNCFETCH" ssh -q --no-agent -i "$KEY" --known-hosts "$KH" --host-key-policy strict -o /dev/null)

# --- 1. fan-out -------------------------------------------------------------
measure_runs fan-out "asyncfetch -c 100" "${AF_SSH[@]}" -c 100 "$WORK/hosts.txt" -- true
measure_runs fan-out "asyncssh limit 100" /usr/bin/python3 "$PEERS/asyncssh_run.py" "$WORK/hosts.txt" 100 "$KEY" "$KH" true
measure_runs fan-out "paramiko 100 threads" /usr/bin/python3 "$PEERS/paramiko_run.py" "$WORK/hosts.txt" 100 "$KEY" "$KH" true
measure_runs fan-out "pssh -p 100" parallel-ssh -h "$WORK/hosts.txt" -p 100 -t 0 \
  -x "-i $KEY -o IdentitiesOnly=yes -o BatchMode=yes -o UserKnownHostsFile=$KH -o StrictHostKeyChecking=yes" true

# --- 2. sessions held -------------------------------------------------------
measure held-baseline "asyncfetch (1 session)" "${AF_SSH[@]}" "$WORK/one.txt" -- sleep 2
measure_runs held "asyncfetch -c $N_HOLD" "${AF_SSH[@]}" -c "$N_HOLD" "$WORK/hold.txt" -- sleep 2

# --- 3. WAN through the delay relay -----------------------------------------
measure wan-serial "asyncfetch --serial" "${AF_SSH[@]}" --serial "$WORK/relay-hosts.txt" -- true
measure_runs wan "asyncfetch -c $N_RELAY" "${AF_SSH[@]}" -c "$N_RELAY" "$WORK/relay-hosts.txt" -- true

# --- 4. encrypted key --------------------------------------------------------
# The fixture's authorized keys: id_ed25519 (KEY) and id_encrypted beside it,
# whose passphrase is tests/tools/sshd.hpp's key_passphrase().
ENCRYPTED_KEY=$(dirname "$KEY")/id_encrypted
export AF_BENCH_PASSPHRASE=af-key-passphrase
hosts_file "$N_KEY" "$PORT" 127.0.0.1 127.0.0.2 127.0.0.3 127.0.0.4 > "$WORK/key-hosts.txt"
AF_KEYED=("$ASYNCFETCH" ssh -q --no-agent --known-hosts "$KH" --host-key-policy strict -o /dev/null -c 100)
measure_runs encrypted-key "asyncfetch unencrypted key" "${AF_KEYED[@]}" -i "$KEY" "$WORK/key-hosts.txt" -- true
measure_runs encrypted-key "asyncfetch encrypted key" "${AF_KEYED[@]}" -i "$ENCRYPTED_KEY" \
  --passphrase-env AF_BENCH_PASSPHRASE "$WORK/key-hosts.txt" -- true
measure_runs encrypted-key "ssh-keygen -y (1 decryption)" ssh-keygen -y -P "$AF_BENCH_PASSPHRASE" -f "$ENCRYPTED_KEY"

report fan-out="$N_SESSIONS" held="$N_HOLD" wan="$N_RELAY" wan-serial="$N_RELAY" encrypted-key="$N_KEY"
python3 - "$RESULTS" "$N_SESSIONS" "$N_HOLD" "$N_KEY" <<'PY'
import statistics, sys
rows = [l.strip().split("|") for l in open(sys.argv[1])]
n, n_hold, n_key = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
def med(workload, tool_prefix, col):
    v = [float(r[col]) for r in rows if r[0] == workload and r[1].startswith(tool_prefix)]
    return statistics.median(v) if v else float("nan")
failed = [r for r in rows if r[5] != "0"]
for r in failed:
    print(f"WARNING: {r[1]} ({r[0]}) exited {r[5]}")
af, peer = med("fan-out", "asyncfetch", 3), med("fan-out", "asyncssh", 3)
print(f"\nclient CPU per session: asyncfetch {af / n * 1000:.2f} ms, asyncssh {peer / n * 1000:.2f} ms "
      f"(asyncfetch uses 1/{peer / af:.1f} of asyncssh's)")
best = min(med("fan-out", t, 2) for t in ("asyncssh", "paramiko", "pssh"))
print(f"fan-out wall: asyncfetch {med('fan-out', 'asyncfetch', 2):.2f} s, best peer {best:.2f} s")
base, held = med("held-baseline", "asyncfetch", 4), med("held", "asyncfetch", 4)
print(f"sessions held: peak RSS {held / 1024:.1f} MB for {n_hold} sessions at once, "
      f"{(held - base) * 1024 / n_hold / 1000:.1f} KB per session above the {base / 1024:.1f} MB baseline")
serial, conc = med("wan-serial", "asyncfetch", 2), med("wan", "asyncfetch", 2)
print(f"WAN (+25 ms each way): serial {serial:.2f} s, concurrent {conc:.2f} s, speedup {serial / conc:.0f} x")
plain, enc = med("encrypted-key", "asyncfetch unencrypted", 3), med("encrypted-key", "asyncfetch encrypted", 3)
once = med("encrypted-key", "ssh-keygen", 3)
print(f"encrypted key, {n_key} sessions: client CPU {enc:.2f} s vs {plain:.2f} s unencrypted "
      f"(+{(enc / plain - 1) * 100:.0f}%; one decryption by ssh-keygen: {once:.2f} s)")
PY

# --- 4. through a jump host (its own sshd and table) ------------------------
"$BENCH_ROOT/bench/ssh_jump.sh"
