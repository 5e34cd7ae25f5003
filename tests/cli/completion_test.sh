#!/usr/bin/env bash
# The generated completions: bash's answers checked word by word (commands,
# each command's flags, a flag's values, files, hosts from ~/.ssh); zsh's and
# fish's scripts parsed and their answers checked, where those shells are
# installed.
# Usage: completion_test.sh ASYNCFETCH COMPLETIONS_DIR
set -euo pipefail
bin=$(realpath "$1") dir=$(realpath "$2") here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

# What bash offers for the words given, the last being the one under the cursor.
complete_bash() {
    COMP_WORDS=("$@")
    COMP_CWORD=$(($# - 1))
    COMPREPLY=()
    _asyncfetch
    printf '%s\n' "${COMPREPLY[@]}"
}
# expect OFFERED WORD...: every WORD is among the offered lines.
expect() {
    local offered=$1 word
    shift
    for word; do
        grep -qxF -- "$word" <<<"$offered" || fail "'$word' not offered (offered: $(echo $offered))"
    done
}

# shellcheck source=/dev/null
source "$dir/asyncfetch"
cd "$work"
touch urls.txt hosts.txt

commands=$("$bin" --help | awk '/^Subcommands:/ { s = 1; next } s && /^  [a-z]/ { print $1 }')
expect "$(complete_bash asyncfetch '')" $commands urls.txt
expect "$(complete_bash asyncfetch fe)" fetch
[[ $(complete_bash asyncfetch fetch --conc) == --concurrency ]] ||
    fail "asyncfetch fetch --conc: $(complete_bash asyncfetch fetch --conc)"
[[ $(complete_bash asyncfetch urls.txt --conc) == --concurrency ]] ||
    fail "the fetch shortcut: asyncfetch urls.txt --conc: $(complete_bash asyncfetch urls.txt --conc)"
expect "$(complete_bash asyncfetch ssh hosts.txt --host-key-policy '')" strict accept-new off
expect "$(complete_bash asyncfetch fetch urls.txt -o ur)" urls.txt
[[ -z $(complete_bash asyncfetch fetch urls.txt -c '') ]] || fail "-c offered words for a number"
expect "$(complete_bash asyncfetch ssh hosts.txt -- ech)" echo
expect "$(complete_bash asyncfetch ssh hosts.txt --password-env PAT)" PATH
# Every flag of every command, as its --help lists it.
for cmd in $commands; do
    flags=$("$bin" "$cmd" --help | awk '/^Options:/ { s = 1; next } s && /^  -/ {
        n = split($1, f, ","); for (i = 1; i <= n; i++) { sub(/[ {].*/, "", f[i]); print f[i] } }')
    expect "$(complete_bash asyncfetch "$cmd" -)" $flags
done

# Hosts: known_hosts names (not hashed ones, ports dropped) and config Host
# names (not patterns).
mkdir -p "$work/home/.ssh"
printf '%s\n' 'web1,10.0.0.1 ssh-ed25519 AAAA' '[db1]:2222 ecdsa-sha2-nistp256 AAAA' \
    '|1|c2FsdA==|aGFzaA== ssh-rsa AAAA' '# comment' >"$work/home/.ssh/known_hosts"
printf '%s\n' 'Host bastion *.corp !old' '    HostName 192.0.2.1' 'host jump2' \
    >"$work/home/.ssh/config"
hosts=$(HOME=$work/home _asyncfetch_hosts)
[[ $hosts == $'10.0.0.1\nbastion\ndb1\njump2\nweb1' ]] || fail "hosts: $(echo $hosts)"
[[ -z $(HOME=$work/nobody _asyncfetch_hosts) ]] || fail "hosts without ~/.ssh"

if command -v zsh >/dev/null; then
    zsh -n "$dir/_asyncfetch" || fail "zsh -n _asyncfetch"
    # Tab pressed in a real interactive zsh; each waits at most 5 s.
    zsh_offers() {
        zsh -f "$here/zsh_complete.zsh" "$dir" "$1" "$2" || fail "zsh: '$1' did not offer '$2'"
    }
    zsh_offers 'asyncfetch ' crawl
    zsh_offers 'asyncfetch fetch --conc' --concurrency
    zsh_offers 'asyncfetch urls.txt --conc' --concurrency
    zsh_offers 'asyncfetch fetch -o urls.t' urls.txt
    zsh_offers 'asyncfetch ssh hosts.txt --host-key-policy ' accept-new
    zsh_offers 'asyncfetch ssh hosts.txt -- ech' echo
else
    echo "SKIPPED: zsh is not installed; _asyncfetch not checked"
fi
if command -v fish >/dev/null; then
    fish -n "$dir/asyncfetch.fish" || fail "fish -n asyncfetch.fish"
    # What fish offers for a command line (the words only); errors to fish.err.
    complete_fish() {
        fish -c "source $dir/asyncfetch.fish; complete -C'$1'" 2>>"$work/fish.err" | cut -f1
    }
    expect "$(complete_fish 'asyncfetch --')" --help --version
    expect "$(complete_fish 'asyncfetch fetch --conc')" --concurrency
    expect "$(complete_fish 'asyncfetch urls.txt --conc')" --concurrency
    expect "$(complete_fish 'asyncfetch ssh hosts.txt --host-key-policy ')" strict accept-new off
    [[ ! -s $work/fish.err ]] || fail "fish printed errors while completing: $(cat "$work/fish.err")"
else
    echo "SKIPPED: fish is not installed; asyncfetch.fish not checked"
fi
echo "$failures failures"
((failures == 0))
