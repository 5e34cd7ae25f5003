#!/usr/bin/env bash
# SFTP benchmark: one SIZE_MB file put to, then got from, 4 "hosts" at once
# (4 loopback addresses of one local sshd, each with its own SFTP directory):
# asyncfetch put/get, OpenSSH sftp and scp (4 processes in parallel), and
# asyncssh (4 SFTP clients on one event loop). Every copy is checked.
# Medians of RUNS runs (default 5). SMOKE=1: a small file, once (CI).
# Everything stays on 127.0.0.0/8. Needs root (sshd and its test user).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

if [ "${SMOKE:-0}" = 1 ]; then
  RUNS=1 SIZE_MB=4
fi
SIZE_MB=${SIZE_MB:-200}
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
    [ "$(sha256sum < "$f")" = "$SUM" ] || { echo "bad copy on $a ($1)" >&2; exit 1; }
  done
}
check_get() {
  for a in "${ADDRS[@]}"; do
    [ "$(sha256sum < "$WORK/got/$USER@$a+$PORT/big.bin")" = "$SUM" ] || { echo "bad download from $a ($1)" >&2; exit 1; }
  done
  rm -rf "$WORK/got"
}
clear_remote() { for a in "${ADDRS[@]}"; do rm -f "$(sftp_dir "$a")"/big.bin "$(sftp_dir "$a")"/.big.bin*; done; }

# OpenSSH: one process per host, all at once (what pssh's pscp/pslurp do).
cat > "$WORK/openssh.sh" <<SH
#!/usr/bin/env bash
set -e
tool=\$1 op=\$2
for a in ${ADDRS[*]}; do
  if [ "\$tool" = sftp ]; then
    if [ "\$op" = put ]; then echo "put $WORK/big.bin big.bin" > "$WORK/batch-\$a"
    else mkdir -p "$WORK/got/$USER@\$a+$PORT"; echo "get big.bin $WORK/got/$USER@\$a+$PORT/big.bin" > "$WORK/batch-\$a"; fi
    sftp -q -b "$WORK/batch-\$a" -P $PORT ${SSH_OPTS[*]} $USER@\$a > /dev/null &
  else
    if [ "\$op" = put ]; then scp -q -P $PORT ${SSH_OPTS[*]} "$WORK/big.bin" $USER@\$a:big.bin &
    else mkdir -p "$WORK/got/$USER@\$a+$PORT"; scp -q -P $PORT ${SSH_OPTS[*]} $USER@\$a:big.bin "$WORK/got/$USER@\$a+$PORT/big.bin" & fi
  fi
done
fail=0; for job in \$(jobs -p); do wait "\$job" || fail=1; done; exit \$fail
SH
chmod +x "$WORK/openssh.sh"

for _ in $(seq "$RUNS"); do
  clear_remote
  measure put "asyncfetch put" "$ASYNCFETCH" put "${AF[@]}" "$WORK/hosts.txt" "$WORK/big.bin" big.bin
  check_put asyncfetch
  measure get "asyncfetch get" "$ASYNCFETCH" get "${AF[@]}" "$WORK/hosts.txt" big.bin "$WORK/got"
  check_get asyncfetch
  for tool in sftp scp; do
    clear_remote
    measure put "OpenSSH $tool x4" "$WORK/openssh.sh" "$tool" put
    check_put "$tool"
    measure get "OpenSSH $tool x4" "$WORK/openssh.sh" "$tool" get
    check_get "$tool"
  done
  clear_remote
  measure put "asyncssh" /usr/bin/python3 "$PEERS/asyncssh_sftp.py" "$WORK/hosts.txt" "$KEY" "$KH" put "$WORK/big.bin" big.bin
  check_put asyncssh
  measure get "asyncssh" /usr/bin/python3 "$PEERS/asyncssh_sftp.py" "$WORK/hosts.txt" "$KEY" "$KH" get big.bin "$WORK/got"
  check_get asyncssh
done

report
python3 - "$RESULTS" "$SIZE_MB" <<'PY'
import statistics, sys
rows = [l.strip().split("|") for l in open(sys.argv[1])]
mb = 4 * int(sys.argv[2])
def med(workload, tool):
    v = [float(r[2]) for r in rows if r[0] == workload and r[1] == tool]
    return statistics.median(v) if v else float("nan")
print()
for op in ("put", "get"):
    af, sftp = med(op, f"asyncfetch {op}"), med(op, "OpenSSH sftp x4")
    print(f"{op}: asyncfetch {mb / af:.0f} MB/s, OpenSSH sftp x4 {mb / sftp:.0f} MB/s: "
          f"asyncfetch at {sftp / af * 100:.0f}% of sftp's throughput")
PY
