#include "asyncfetch/ssh/known_hosts_rules.hpp"

#include "asyncfetch/ssh/keys.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace asyncfetch::ssh {
namespace {

bool blank(char c) {
    return c == ' ' || c == '\t';
}

std::string_view skip_blanks(std::string_view s) {
    while (!s.empty() && blank(s.front()))
        s.remove_prefix(1);
    return s;
}

// The next blank-separated field; `s` moves past it.
std::string_view take_field(std::string_view& s) {
    std::size_t n = 0;
    while (n < s.size() && !blank(s[n]))
        ++n;
    const auto field = s.substr(0, n);
    s.remove_prefix(n);
    return field;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// The key type names OpenSSH 9.2 reads in a known_hosts line, each with the
// type its key blob must carry (rsa-sha2-* are names for RSA keys).
struct key_type_name {
    std::string_view name, blob_type;
};
constexpr std::array<key_type_name, 20> openssh_key_types{{
    {"ssh-ed25519", "ssh-ed25519"},
    {"ssh-ed25519-cert-v01@openssh.com", "ssh-ed25519-cert-v01@openssh.com"},
    {"sk-ssh-ed25519@openssh.com", "sk-ssh-ed25519@openssh.com"},
    {"sk-ssh-ed25519-cert-v01@openssh.com", "sk-ssh-ed25519-cert-v01@openssh.com"},
    {"ecdsa-sha2-nistp256", "ecdsa-sha2-nistp256"},
    {"ecdsa-sha2-nistp384", "ecdsa-sha2-nistp384"},
    {"ecdsa-sha2-nistp521", "ecdsa-sha2-nistp521"},
    {"ecdsa-sha2-nistp256-cert-v01@openssh.com", "ecdsa-sha2-nistp256-cert-v01@openssh.com"},
    {"ecdsa-sha2-nistp384-cert-v01@openssh.com", "ecdsa-sha2-nistp384-cert-v01@openssh.com"},
    {"ecdsa-sha2-nistp521-cert-v01@openssh.com", "ecdsa-sha2-nistp521-cert-v01@openssh.com"},
    {"sk-ecdsa-sha2-nistp256@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com"},
    {"sk-ecdsa-sha2-nistp256-cert-v01@openssh.com", "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com"},
    {"ssh-dss", "ssh-dss"},
    {"ssh-dss-cert-v01@openssh.com", "ssh-dss-cert-v01@openssh.com"},
    {"ssh-rsa", "ssh-rsa"},
    {"rsa-sha2-256", "ssh-rsa"},
    {"rsa-sha2-512", "ssh-rsa"},
    {"ssh-rsa-cert-v01@openssh.com", "ssh-rsa-cert-v01@openssh.com"},
    {"rsa-sha2-256-cert-v01@openssh.com", "ssh-rsa-cert-v01@openssh.com"},
    {"rsa-sha2-512-cert-v01@openssh.com", "ssh-rsa-cert-v01@openssh.com"},
}};

std::optional<std::string_view> blob_type_for(std::string_view name) {
    for (const auto& t : openssh_key_types)
        if (t.name == name) return t.blob_type;
    return std::nullopt;
}

// "|1|base64(salt)|base64(HMAC-SHA1(salt, name))" for the salt of `entry`.
bool hashed_name_matches(std::string_view entry, std::string_view name) {
    constexpr std::string_view magic = "|1|";
    if (entry.substr(0, magic.size()) != magic) return false;
    const auto salt_end = entry.find('|', magic.size());
    if (salt_end == std::string_view::npos) return false;
    const auto salt_b64 = entry.substr(magic.size(), salt_end - magic.size());
    if (salt_b64.empty() || salt_b64.size() > 1024) return false;
    const auto salt = base64_decode(salt_b64);
    if (!salt || salt->size() != 20) return false; // the size of an SHA-1 digest
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_len = 0;
    if (!HMAC(EVP_sha1(), salt->data(), static_cast<int>(salt->size()),
              reinterpret_cast<const unsigned char*>(name.data()), name.size(), digest,
              &digest_len))
        return false;
    auto b64 = [](const unsigned char* data, std::size_t len) {
        std::string out(4 * ((len + 2) / 3) + 1, '\0');
        const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data,
                                      static_cast<int>(len));
        out.resize(static_cast<std::size_t>(n));
        return out;
    };
    const auto expected = std::string(magic) +
                          b64(reinterpret_cast<const unsigned char*>(salt->data()), salt->size()) +
                          "|" + b64(digest, digest_len);
    return entry == expected;
}

// OpenSSH's check for one name: the lines naming it, then the key among them.
host_key_decision decide_for_name(std::span<const known_host_line> lines, std::string_view name,
                                  std::string_view key) {
    host_key_decision d;
    const known_host_line* authority = nullptr;
    const known_host_line* revoked = nullptr;
    for (const auto& line : lines) {
        if (!names_match(line.names, name)) continue;
        if (line.marker == host_marker::revoked) {
            if (line.key == key && !revoked) revoked = &line;
            continue;
        }
        if (line.marker == host_marker::cert_authority) {
            if (!authority) authority = &line;
            continue;
        }
        if (d.status == host_key_status::known) continue;
        if (line.key == key) {
            d = {host_key_status::known, &line};
        } else if (d.status == host_key_status::unknown) {
            d = {host_key_status::changed, &line};
        }
    }
    // A revoked key is refused whatever else the lines say.
    if (revoked) return {host_key_status::revoked, revoked};
    if (d.status == host_key_status::unknown && authority)
        return {host_key_status::cert_authority_only, authority};
    return d;
}

// OpenSSH's default HostKeyAlgorithms (9.2) without certificates, which
// libssh2 1.10 cannot check, then the older algorithms libssh2 still speaks.
constexpr std::array<std::string_view, 8> default_hostkey_order{
    "ssh-ed25519",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "rsa-sha2-512",
    "rsa-sha2-256",
    "ssh-rsa",
    "ssh-dss",
};

// The key type an algorithm's key has.
std::string_view key_type_of_algorithm(std::string_view algorithm) {
    if (algorithm == "rsa-sha2-512" || algorithm == "rsa-sha2-256") return "ssh-rsa";
    return algorithm;
}

} // namespace

std::optional<known_host_line> parse_known_hosts_line(std::string_view text) {
    while (!text.empty() && text.back() == '\r') // a CRLF file: '\r' is white space to OpenSSH
        text.remove_suffix(1);
    text = skip_blanks(text);
    if (text.empty() || text.front() == '#') return std::nullopt;

    known_host_line line;
    if (text.front() == '@') {
        // As OpenSSH: the marker ends at the line's first space (else its first tab).
        auto end = text.find(' ');
        if (end == std::string_view::npos) end = text.find('\t');
        if (end == std::string_view::npos) return std::nullopt;
        const auto marker = text.substr(0, end);
        text.remove_prefix(end);
        if (marker == "@cert-authority")
            line.marker = host_marker::cert_authority;
        else if (marker == "@revoked")
            line.marker = host_marker::revoked;
        else
            return std::nullopt;
        text = skip_blanks(text);
        if (!text.empty() && text.front() == '@') return std::nullopt; // one marker only
    }
    line.names = std::string(take_field(text));
    text = skip_blanks(text);
    if (line.names.empty() || text.empty() || text.front() == '#') return std::nullopt;

    line.key_type = std::string(take_field(text));
    text = skip_blanks(text);
    const auto blob_type = blob_type_for(line.key_type);
    if (!blob_type || text.empty()) return std::nullopt;
    auto key = base64_decode(take_field(text));
    if (!key || key_blob_type(*key) != *blob_type) return std::nullopt;
    line.key = std::move(*key);
    return line;
}

std::string known_hosts_name(std::string_view host, std::uint16_t port) {
    if (port == 0 || port == 22) return lower(host);
    return "[" + lower(host) + "]:" + std::to_string(port);
}

bool glob_matches(std::string_view text, std::string_view pattern) {
    // Iterative, with one backtrack point (the last '*'): the same answers as
    // OpenSSH's recursion, in time linear in the pattern's stars.
    std::size_t t = 0, p = 0;
    std::size_t star = std::string_view::npos, star_text = 0;
    while (t < text.size()) {
        if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
            ++t;
            ++p;
        } else if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            star_text = t;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            t = ++star_text;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*')
        ++p;
    return p == pattern.size();
}

int match_pattern_list(std::string_view name, std::string_view list, bool lower_patterns) {
    constexpr std::size_t max_pattern = 1023; // OpenSSH's buffer: longer never matches
    bool positive = false;
    while (!list.empty()) {
        const bool negated = list.front() == '!';
        if (negated) list.remove_prefix(1);
        const auto comma = list.find(',');
        const auto pattern = list.substr(0, comma);
        if (pattern.size() >= max_pattern) return 0;
        list.remove_prefix(comma == std::string_view::npos ? list.size() : comma + 1);
        if (glob_matches(name, lower_patterns ? lower(pattern) : std::string(pattern))) {
            if (negated) return -1;
            positive = true;
        }
    }
    return positive ? 1 : 0;
}

bool names_match(std::string_view names, std::string_view name) {
    if (!names.empty() && names.front() == '|') return hashed_name_matches(names, name);
    return match_pattern_list(name, names) == 1;
}

host_key_decision decide_host_key(std::span<const known_host_line> lines, std::string_view host,
                                  std::uint16_t port, std::string_view key) {
    const auto named = decide_for_name(lines, known_hosts_name(host, port), key);
    const bool unknown = named.status == host_key_status::unknown ||
                         named.status == host_key_status::cert_authority_only;
    if (!unknown || port == 0 || port == 22) return named;
    // OpenSSH's "checking without port identifier": only a match counts.
    const auto bare = decide_for_name(lines, known_hosts_name(host, 22), key);
    if (bare.status == host_key_status::known || bare.status == host_key_status::revoked)
        return bare;
    return named;
}

std::vector<std::string> known_key_types(std::span<const known_host_line> lines,
                                         std::string_view host, std::uint16_t port) {
    const auto name = known_hosts_name(host, port);
    std::vector<std::string> types;
    for (const auto& line : lines) {
        if (line.marker != host_marker::none || !names_match(line.names, name)) continue;
        const auto type = key_blob_type(line.key);
        if (std::find(types.begin(), types.end(), type) == types.end()) types.push_back(type);
    }
    return types;
}

std::string hostkey_method_preference(const std::vector<std::string>& known_types) {
    auto known = [&](std::string_view algorithm) {
        const auto type = key_type_of_algorithm(algorithm);
        return std::find(known_types.begin(), known_types.end(), type) != known_types.end();
    };
    std::string out;
    for (const bool first : {true, false})
        for (const auto algorithm : default_hostkey_order)
            if (known(algorithm) == first) out += (out.empty() ? "" : ",") + std::string(algorithm);
    return out;
}

std::string key_blob_type(std::string_view blob) {
    if (blob.size() < 4) return {};
    const auto* p = reinterpret_cast<const unsigned char*>(blob.data());
    const std::size_t len = (std::size_t{p[0]} << 24) | (std::size_t{p[1]} << 16) |
                            (std::size_t{p[2]} << 8) | std::size_t{p[3]};
    if (len == 0 || len > blob.size() - 4) return {};
    return std::string(blob.substr(4, len));
}

} // namespace asyncfetch::ssh
