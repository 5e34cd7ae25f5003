#!/usr/bin/env bash
# Incremental copies: a tree of FILES files (TOTAL_MB in all) pushed to 4
# "hosts" at once (4 loopback addresses of one local sshd, each with its own
# start directory, commands allowed): the first copy, a second with nothing
# changed, and one with 1% of the files changed. asyncfetch put -r --update
# against rsync -a over ssh, 4 processes in parallel. Every copy is checked.
# Medians of RUNS runs (default 5). SMOKE=1: a tiny tree, once (CI).
# Everything stays on 127.0.0.0/8. Needs root (sshd and its test user).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

if [ "${SMOKE:-0}" = 1 ]; then
  RUNS=1 FILES=40 TOTAL_MB=2
fi
FILES=${FILES:-10000}
TOTAL_MB=${TOTAL_MB:-100}
start_test_sshd --command-dirs

# The tree: FILES files of equal size in 10 directories.
python3 - "$WORK/tree" "$FILES" "$TOTAL_MB" <<'PY'
import os, sys
root, files, total = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]) << 20
for i in range(files):
    d = os.path.join(root, f"d{i % 10}")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"f{i:05d}.bin"), "wb") as f:
        f.write(os.urandom(total // files))
PY
echo "sshd port $PORT (4 addresses), $FILES files, $TOTAL_MB MB, $(nproc) cores, runs: $RUNS" >&2

SSH=(ssh -p "$PORT" -i "$KEY" -o IdentitiesOnly=yes -o BatchMode=yes -o "UserKnownHostsFile=$KH" -o StrictHostKeyChecking=yes)
AF=(--no-agent -i "$KEY" --known-hosts "$KH" --host-key-policy strict -q -o "$WORK/records.json")

# 1% of the files get new content (same size) and a new time.
change_some() {
  python3 - "$WORK/tree" "$FILES" <<'PY'
import os, sys, time
root, files = sys.argv[1], int(sys.argv[2])
step = 100 if files >= 100 else files
when = int(time.time()) + 1000 + int.from_bytes(os.urandom(2), "big")
for i in range(0, files, step):
    p = os.path.join(root, f"d{i % 10}", f"f{i:05d}.bin")
    size = os.path.getsize(p)
    with open(p, "wb") as f:
        f.write(os.urandom(size))
    os.utime(p, (when, when))
PY
}
sums() { (cd "$1" && find . -type f -exec sha256sum {} + | sort -k 2); }
check() {
  local want; want=$(sums "$WORK/tree")
  for a in "${ADDRS[@]}"; do
    [ "$(sums "$(sftp_dir "$a")/tree")" = "$want" ] || { echo "bad copy on $a ($1)" >&2; exit 1; }
  done
}
clear_remote() { for a in "${ADDRS[@]}"; do rm -rf "$(sftp_dir "$a")/tree"; done; }
# How many files the last asyncfetch run sent, per host.
sent() { python3 -c 'import json,sys; print(sorted({json.loads(l)["files"] for l in open(sys.argv[1])}))' "$WORK/records.json"; }

cat > "$WORK/rsync.sh" <<SH
#!/usr/bin/env bash
for a in ${ADDRS[*]}; do rsync -a -e "${SSH[*]}" "$WORK/tree/" "$USER@\$a:tree/" & done
fail=0; for job in \$(jobs -p); do wait "\$job" || fail=1; done; exit \$fail
SH
chmod +x "$WORK/rsync.sh"

for _ in $(seq "$RUNS"); do
  clear_remote
  measure "first copy" "asyncfetch put --update" "$ASYNCFETCH" put "${AF[@]}" -r --update "$WORK/hosts.txt" "$WORK/tree" .
  check asyncfetch
  measure "unchanged" "asyncfetch put --update" "$ASYNCFETCH" put "${AF[@]}" -r --update "$WORK/hosts.txt" "$WORK/tree" .
  [ "$(sent)" = "[0]" ] || { echo "asyncfetch resent files of an unchanged tree: $(sent)" >&2; exit 1; }
  change_some
  measure "1% changed" "asyncfetch put --update" "$ASYNCFETCH" put "${AF[@]}" -r --update "$WORK/hosts.txt" "$WORK/tree" .
  echo "asyncfetch, 1% changed: sent $(sent) files per host" >&2
  check asyncfetch

  clear_remote
  measure "first copy" "rsync -a x4" "$WORK/rsync.sh"
  check rsync
  measure "unchanged" "rsync -a x4" "$WORK/rsync.sh"
  change_some
  measure "1% changed" "rsync -a x4" "$WORK/rsync.sh"
  check rsync
done

report
python3 - "$RESULTS" <<'PY'
import statistics, sys
rows = [l.strip().split("|") for l in open(sys.argv[1])]
def med(workload, tool, col=2):
    v = [float(r[col]) for r in rows if r[0] == workload and r[1] == tool]
    return statistics.median(v) if v else float("nan")
af, rs = "asyncfetch put --update", "rsync -a x4"
print()
print(f"unchanged tree: asyncfetch at {med('unchanged', af) / med('first copy', af) * 100:.1f}% "
      f"of its first copy's wall; rsync x4 / asyncfetch wall {med('unchanged', rs) / med('unchanged', af):.2f}, "
      f"client CPU {med('unchanged', rs, 3) / med('unchanged', af, 3):.2f}")
PY
