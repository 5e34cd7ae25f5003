#!/usr/bin/env bash
# `cmake --install` with a prefix and DESTDIR puts every file where it belongs
# (binary, man page, completions, examples, systemd unit), the installed
# binary runs, and the unit passes `systemd-analyze verify`.
# Usage: install_test.sh BUILD_DIR
set -euo pipefail
build=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

# DESTDIR: everything under it, nothing outside.
DESTDIR=$work/stage cmake --install "$build" --prefix /opt/af >"$work/log"
root=$work/stage/opt/af
for file in bin/asyncfetch share/man/man1/asyncfetch.1 \
    share/bash-completion/completions/asyncfetch share/zsh/vendor-completions/_asyncfetch \
    share/fish/vendor_completions.d/asyncfetch.fish share/doc/asyncfetch/examples/crawl.json \
    share/doc/asyncfetch/examples/urls.txt lib/systemd/system/asyncfetch-run.service; do
    [[ -f $root/$file ]] || fail "not installed: $file"
done
[[ ! -e /opt/af ]] || fail "installed outside DESTDIR: /opt/af"
[[ ! -e $root/share/doc/asyncfetch/examples/asyncfetch-run.service ]] ||
    fail "the unit is among the examples"
grep -qx 'ExecStart=/opt/af/bin/asyncfetch run /etc/asyncfetch/config.json --listen 127.0.0.1:9100' \
    "$root/lib/systemd/system/asyncfetch-run.service" || fail "ExecStart does not name /opt/af/bin"
"$root/bin/asyncfetch" --version | grep -q '^asyncfetch ' || fail "installed binary: --version"

# A real prefix, so that the unit's ExecStart exists for systemd-analyze.
cmake --install "$build" --prefix "$work/usr" >"$work/log"
unit=$work/usr/lib/systemd/system/asyncfetch-run.service
if command -v systemd-analyze >/dev/null; then
    # Documentation=man:asyncfetch(1) is looked up with man: the installed one.
    problems=$(MANPATH=$work/usr/share/man systemd-analyze verify "$unit" 2>&1) ||
        fail "systemd-analyze verify failed"
    [[ -z $problems ]] || fail "systemd-analyze verify: $problems"
else
    echo "SKIPPED: systemd-analyze is not installed; $unit not verified"
fi
echo "$failures failures"
((failures == 0))
