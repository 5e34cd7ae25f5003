#!/usr/bin/env bash
# SFTP benchmark: one SIZE_MB file put to, then got from, 4 "hosts" at once
# (4 loopback addresses of one local sshd, each with its own SFTP directory):
# asyncfetch put/get (one process, and -j 2), OpenSSH sftp and scp (4
# processes in parallel), each with the cipher and MAC libssh2 1.10 negotiates
# (aes128-ctr + hmac-sha2-256: the fair figure) and with OpenSSH's defaults,
# and asyncssh (4 SFTP clients on one event loop; ASYNCSSH=0 leaves it out).
# BASELINE=BINARY adds an older asyncfetch, run interleaved with this one.
# Every copy is checked. Medians of RUNS runs (default 5). SMOKE=1: a small
# file, once (CI). Everything stays on 127.0.0.0/8. Needs root (sshd and its
# test user).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

if [ "${SMOKE:-0}" = 1 ]; then
  RUNS=1 SIZE_MB=4
fi
SIZE_MB=${SIZE_MB:-200}
ASYNCSSH=${ASYNCSSH:-1}
BASELINE=${BASELINE:-}
PEERS=$BENCH_ROOT/bench/peers
start_test_sshd --sftp-dirs

head -c "$((SIZE_MB * 1024 * 1024))" /dev/urandom > "$WORK/big.bin"
SUM=$(sha256sum < "$WORK/big.bin")
echo "sshd port $PORT (4 addresses), ${SIZE_MB} MB file, $(nproc) cores, runs: $RUNS" >&2

SSH_OPTS=(-i "$KEY" -o IdentitiesOnly=yes -o BatchMode=yes -o "UserKnownHostsFile=$KH" -o StrictHostKeyChecking=yes)
AF=(--no-agent -i "$KEY" --known-hosts "$KH" --host-key-policy strict -q -o /dev/null)

# Each tool's copies are checked, then removed, so every run starts alike.
check_put() {
  for a in "${ADDRS[@]}"; do
    local f; f="$(sftp_dir "$a")/big.bin"
    [ "$(sha256sum < "$f")" = "$SUM" ] || { echo "bad copy on $a ($1)" >&2; cat "$WORK/stderr.txt" >&2; exit 1; }
  done
}
check_get() {
  for a in "${ADDRS[@]}"; do
    [ "$(sha256sum < "$WORK/got/$USER@$a+$PORT/big.bin")" = "$SUM" ] || { echo "bad download from $a ($1)" >&2; cat "$WORK/stderr.txt" >&2; exit 1; }
  done
  rm -rf "$WORK/got"
}
clear_remote() { for a in "${ADDRS[@]}"; do rm -f "$(sftp_dir "$a")"/big.bin "$(sftp_dir "$a")"/.big.bin*; done; }

# OpenSSH: one process per host, all at once (what pssh's pscp/pslurp do).
# "fair": the cipher and MAC libssh2 1.10 ends up with (it has no AES-GCM or
# chacha20-poly1305); "default": whatever OpenSSH picks (chacha20-poly1305).
FAIR=(-o Ciphers=aes128-ctr -o MACs=hmac-sha2-256)
cat > "$WORK/openssh.sh" <<SH
#!/usr/bin/env bash
set -e
tool=\$1 op=\$2 ciphers=\$3
opts=""; [ "\$ciphers" = fair ] && opts="${FAIR[*]}"
for a in ${ADDRS[*]}; do
  if [ "\$tool" = sftp ]; then
    if [ "\$op" = put ]; then echo "put $WORK/big.bin big.bin" > "$WORK/batch-\$a"
    else mkdir -p "$WORK/got/$USER@\$a+$PORT"; echo "get big.bin $WORK/got/$USER@\$a+$PORT/big.bin" > "$WORK/batch-\$a"; fi
    sftp -q -b "$WORK/batch-\$a" -P $PORT \$opts ${SSH_OPTS[*]} $USER@\$a > /dev/null &
  else
    if [ "\$op" = put ]; then scp -q -P $PORT \$opts ${SSH_OPTS[*]} "$WORK/big.bin" $USER@\$a:big.bin &
    else mkdir -p "$WORK/got/$USER@\$a+$PORT"; scp -q -P $PORT \$opts ${SSH_OPTS[*]} $USER@\$a:big.bin "$WORK/got/$USER@\$a+$PORT/big.bin" & fi
  fi
done
fail=0; for job in \$(jobs -p); do wait "\$job" || fail=1; done; exit \$fail
SH
chmod +x "$WORK/openssh.sh"

# asyncfetch_run NAME BINARY [FLAGS...]: a put, then a get, each checked.
asyncfetch_run() {
  local name=$1 bin=$2; shift 2
  clear_remote
  measure put "$name put" "$bin" put "$@" "${AF[@]}" "$WORK/hosts.txt" "$WORK/big.bin" big.bin
  check_put "$name"
  measure get "$name get" "$bin" get "$@" "${AF[@]}" "$WORK/hosts.txt" big.bin "$WORK/got"
  check_get "$name"
}

for _ in $(seq "$RUNS"); do
  asyncfetch_run asyncfetch "$ASYNCFETCH"
  asyncfetch_run "asyncfetch -j 2" "$ASYNCFETCH" -j 2
  if [ -n "$BASELINE" ]; then asyncfetch_run "baseline asyncfetch" "$BASELINE"; fi
  for tool in sftp scp; do
    for ciphers in fair default; do
      label="OpenSSH $tool x4"; [ "$ciphers" = fair ] && label="$label aes128-ctr"
      clear_remote
      measure put "$label" "$WORK/openssh.sh" "$tool" put "$ciphers"
      check_put "$tool $ciphers"
      measure get "$label" "$WORK/openssh.sh" "$tool" get "$ciphers"
      check_get "$tool $ciphers"
    done
  done
  [ "$ASYNCSSH" = 1 ] || continue
  clear_remote
  measure put "asyncssh" /usr/bin/python3 "$PEERS/asyncssh_sftp.py" "$WORK/hosts.txt" "$KEY" "$KH" put "$WORK/big.bin" big.bin
  check_put asyncssh
  measure get "asyncssh" /usr/bin/python3 "$PEERS/asyncssh_sftp.py" "$WORK/hosts.txt" "$KEY" "$KH" get big.bin "$WORK/got"
  check_get asyncssh
done

report
python3 - "$RESULTS" "$SIZE_MB" "${#ADDRS[@]}" <<'PY'
import statistics, sys
rows = [l.strip().split("|") for l in open(sys.argv[1])]
hosts = int(sys.argv[3])
mb = hosts * int(sys.argv[2])
def med(workload, tool, col):
    v = [float(r[col]) for r in rows if r[0] == workload and r[1] == tool]
    return statistics.median(v) if v else float("nan")
print()
for op in ("put", "get"):
    tools = list(dict.fromkeys(r[1] for r in rows if r[0] == op))
    for tool in tools:
        wall, cpu = med(op, tool, 2), med(op, tool, 3)
        print(f"{op}: {tool:<28} {mb / wall:5.0f} MB/s ({mb / hosts / wall:4.0f} per host), "
              f"client CPU {1000 * cpu / mb:5.2f} ms/MB")
    af = med(op, f"asyncfetch {op}", 2)
    for peer in ("OpenSSH sftp x4 aes128-ctr", "OpenSSH sftp x4"):
        print(f"{op}: asyncfetch at {med(op, peer, 2) / af:.2f}x {peer}'s throughput "
              f"(-j 2: {med(op, peer, 2) / med(op, f'asyncfetch -j 2 {op}', 2):.2f}x)")
PY
