// Host names a shell can offer: unhashed ~/.ssh/known_hosts entries and the
// literal names on ~/.ssh/config Host lines, read when the user presses Tab.
// One command line, valid in bash, zsh and fish alike.
#pragma once

namespace asyncfetch::cli {

// A known_hosts line is "NAMES KEYTYPE KEY"; a config line "Host NAME...".
inline constexpr const char* hosts_command =
    R"(cat ~/.ssh/known_hosts ~/.ssh/config 2>/dev/null | awk ')"
    R"($2 ~ /^(ssh-|ecdsa-|sk-)/ { if ($1 ~ /^[|@#]/) next; n = split($1, h, ","); )"
    R"(for (i = 1; i <= n; i++) { x = h[i]; sub(/^\[/, "", x); sub(/\]:[0-9]+$/, "", x); print x } next } )"
    R"(tolower($1) == "host" { for (i = 2; i <= NF; i++) if ($i !~ /[*?!]/) print $i }' | sort -u)";

} // namespace asyncfetch::cli
