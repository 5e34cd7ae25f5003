#!/usr/bin/env bash
# The generated man page renders without a groff warning, and each command's
# section documents every option and argument its --help lists.
# Usage: manpage_test.sh ASYNCFETCH MANPAGE
set -euo pipefail
bin=$1 page=$2

warnings=$(man --warnings -l "$page" 2>&1 >/dev/null)
if [[ -n $warnings ]]; then
    echo "FAIL: man --warnings -l $page:"
    echo "$warnings"
    exit 1
fi
text=$(MANWIDTH=200 man -l "$page" 2>/dev/null)

# The words a --help lists: options (-c,--concurrency) and positionals (file).
help_words() {
    "$bin" "$@" --help | awk '
        /^Positionals:/ { section = "p"; next }
        /^Options:/ { section = "o"; next }
        /^Subcommands:/ { section = ""; next }
        section == "p" && /^  [a-z]/ { print toupper($1) }
        section == "o" && /^  -/ { n = split($1, names, ","); for (i = 1; i <= n; i++) { sub(/[ {].*/, "", names[i]); print names[i] } }'
}

# The text of one command's section: from its heading to the next one.
section() {
    awk -v head="   asyncfetch $1" '
        $0 == head { inside = 1; next }
        inside && /^   asyncfetch [a-z-]+$/ { exit }
        inside && /^[A-Z]/ { exit }
        inside' <<<"$text"
}

failures=0 checked=0
commands=$("$bin" --help | awk '/^Subcommands:/ { s = 1; next } s && /^  [a-z]/ { print $1 }')
[[ -n $commands ]] || { echo "FAIL: no commands in asyncfetch --help"; exit 1; }
for cmd in $commands; do
    body=$(section "$cmd")
    [[ -n $body ]] || { echo "FAIL: no section for '$cmd'"; failures=$((failures + 1)); continue; }
    for word in $(help_words "$cmd"); do
        [[ $word == -h || $word == --help ]] && continue
        checked=$((checked + 1))
        if ! grep -qE -- "(^|[ ,])$word([ ,]|\$)" <<<"$body"; then
            echo "FAIL: asyncfetch $cmd --help lists $word; its man page section does not"
            failures=$((failures + 1))
        fi
    done
done
echo "$checked options and arguments checked against the man page, $failures missing"
((failures == 0))
