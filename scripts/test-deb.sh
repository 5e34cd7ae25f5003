#!/usr/bin/env bash
# Installs the Debian package `make deb` built into this system with dpkg,
# checks what it brings (Depends, --version, man -w, completions, the systemd
# unit), then removes it with dpkg -r and checks it is gone. Needs root: CI
# runs it on a throwaway machine.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
deb=$(ls -t "$build"/asyncfetch_*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || { echo "test-deb: no $build/asyncfetch_*.deb (make deb)" >&2; exit 1; }
if [ "$(id -u)" -ne 0 ]; then
    echo "test-deb: SKIPPED: installing $deb with dpkg needs root" >&2
    exit 0
fi
fail() {
    echo "test-deb: FAIL: $*" >&2
    exit 1
}
echo "test-deb: $deb"

# Every run-time package is a dependency (libraries via dpkg-shlibdeps).
depends=$(dpkg-deb -f "$deb" Depends)
echo "test-deb: Depends: $depends"
while read -r pkg _; do
    case "$pkg" in '' | '#'*) continue ;; esac
    grep -qE "(^|, )$pkg( |,|$)" <<<"$depends" || fail "Depends lacks $pkg"
done <"$here/runtime-packages.txt"

# Removed again whatever happens below.
trap 'dpkg -r asyncfetch >/dev/null 2>&1 || true' EXIT
dpkg -i "$deb"
version=$(dpkg-deb -f "$deb" Version)
/usr/bin/asyncfetch --version | grep -qx "asyncfetch $version" ||
    fail "asyncfetch --version: $(/usr/bin/asyncfetch --version)"
page=$(man -w asyncfetch) || fail "man -w asyncfetch found no page"
[ "$page" = /usr/share/man/man1/asyncfetch.1 ] || fail "man -w asyncfetch: $page"
for file in /usr/share/bash-completion/completions/asyncfetch \
    /usr/share/zsh/vendor-completions/_asyncfetch \
    /usr/share/fish/vendor_completions.d/asyncfetch.fish \
    /usr/share/doc/asyncfetch/examples/crawl.json \
    /usr/lib/systemd/system/asyncfetch-run.service; do
    [ -f "$file" ] || fail "not installed: $file"
done
if command -v systemd-analyze >/dev/null; then
    problems=$(systemd-analyze verify /usr/lib/systemd/system/asyncfetch-run.service 2>&1) ||
        fail "systemd-analyze verify: $problems"
    [ -z "$problems" ] || fail "systemd-analyze verify: $problems"
else
    echo "test-deb: SKIPPED: systemd-analyze is not installed; the unit is not verified"
fi

dpkg -r asyncfetch
trap - EXIT
[ ! -e /usr/bin/asyncfetch ] || fail "dpkg -r left /usr/bin/asyncfetch"
[ ! -e /usr/share/man/man1/asyncfetch.1 ] || fail "dpkg -r left the man page"
! man -w asyncfetch >/dev/null 2>&1 || fail "man -w asyncfetch still finds a page after dpkg -r"
echo "test-deb: installed, ran, removed: ok"
