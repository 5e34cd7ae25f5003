// OpenSSH's known_hosts rules as pure functions (no files, no sockets): how a
// line is read, which lines name a host, and what they decide about the key
// a server offered. Followed from OpenSSH 9.2 (hostfile.c, match.c,
// sshconnect.c), and checked against the real `ssh` in the tests.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace asyncfetch::ssh {

// A line starting with a marker says something other than "this is the key".
enum class host_marker {
    none,           // the host's key
    cert_authority, // @cert-authority: a CA whose certificates the host may present
    revoked,        // @revoked: this key must never be accepted
};

// One usable known_hosts line.
struct known_host_line {
    host_marker marker = host_marker::none;
    std::string names;    // "pattern,!pattern,..." or "|1|salt|hash"
    std::string key_type; // as written: "ssh-ed25519"
    std::string key;      // the decoded key blob, as a server sends it
    std::string where;    // "FILE:LINE", for messages
};

// The longest line read (OpenSSH reads any length; a longer line is not read,
// and a host it might have named is never taken as unknown).
inline constexpr std::size_t max_known_hosts_line = 1 << 20;

// Reads one line (without its '\n'; a trailing '\r' is allowed). nullopt for a
// blank line, a comment, and a line OpenSSH skips as malformed (bad marker, no
// key, a key type it does not know, base64 that is not a key of that type).
std::optional<known_host_line> parse_known_hosts_line(std::string_view text);

// The name a host has in known_hosts: "host", or "[host]:port" off port 22;
// lower case, as OpenSSH writes and compares it.
std::string known_hosts_name(std::string_view host, std::uint16_t port);

// OpenSSH's match_pattern: '*' any run of characters, '?' any one.
bool glob_matches(std::string_view text, std::string_view pattern);

// OpenSSH's match_pattern_list over "pattern,!pattern,...": 1 a pattern
// matched, 0 none did, -1 a negated one did (a list of negations alone never
// matches). Patterns are lowered first unless told not to.
int match_pattern_list(std::string_view name, std::string_view list, bool lower_patterns = true);

// Whether a line's names field names `name` (a known_hosts_name): a hashed
// "|1|salt|hash" entry by HMAC-SHA1, else a comma-separated pattern list in
// which a matching negated pattern ("!pattern") excludes the line.
bool names_match(std::string_view names, std::string_view name);

enum class host_key_status {
    known,               // a line for the host holds this key
    changed,             // lines for the host hold other keys only: refused
    revoked,             // the key is @revoked for the host: refused
    unknown,             // no line names the host (strict: refused; accept-new: added)
    cert_authority_only, // unknown, but a @cert-authority line names the host
};

struct host_key_decision {
    host_key_status status = host_key_status::unknown;
    // The line behind the decision: the matching key (known), another key
    // (changed), the @revoked line (revoked), the CA line (cert_authority_only).
    const known_host_line* line = nullptr;
};

// What the lines decide about `key` (the blob the server offered) for
// host:port. As in OpenSSH, a host off port 22 that is unknown under
// "[host]:port" is also known by a line for the bare "host" holding this key.
// Unlike OpenSSH, a key @revoked for the bare host is refused there too
// (OpenSSH would go on as if the host were unknown, and could add it).
host_key_decision decide_host_key(std::span<const known_host_line> lines, std::string_view host,
                                  std::uint16_t port, std::string_view key);

// The key types the lines hold for host:port (not @revoked or CA lines), as
// OpenSSH collects them to ask the server for a key it can check.
std::vector<std::string> known_key_types(std::span<const known_host_line> lines,
                                         std::string_view host, std::uint16_t port);

// libssh2's host-key method list: the algorithms of the known key types first,
// then the rest, each group in OpenSSH's default order.
std::string hostkey_method_preference(const std::vector<std::string>& known_types);

// The key type named inside a key blob ("ssh-ed25519"); empty if malformed.
std::string key_blob_type(std::string_view blob);

} // namespace asyncfetch::ssh
