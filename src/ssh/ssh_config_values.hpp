// The values of ssh_config keywords as OpenSSH 9.2 reads them (flags, times,
// ports, integers, multi-state words), and the check every line gets when
// its file is read, whether or not it applies to a host.
#pragma once

#include "asyncfetch/ssh/ssh_config.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace asyncfetch::ssh {

// Whether OpenSSH 9.2 knows the (lower-case) keyword.
bool is_openssh_keyword(std::string_view keyword);

// Whether asyncfetch reads the keyword's value (the others are checked and dropped).
bool is_used_keyword(std::string_view keyword);

// yes/true, no/false.
std::optional<bool> config_flag(std::string_view text);

// OpenSSH's convtime: "90", "1m30s", "2h", "1w" (units s m h d w, either case).
std::optional<std::chrono::seconds> config_time(std::string_view text);

// A port number 1-65535 or a TCP service name.
std::optional<std::uint16_t> config_port(std::string_view text);

// A non-negative integer; the problem otherwise, worded as OpenSSH words it.
parsed<unsigned> config_integer(std::string_view text);

// StrictHostKeyChecking and PubkeyAuthentication, as `ssh -G` prints them.
std::optional<std::string> strict_host_key_checking_value(std::string_view text);
std::optional<std::string> pubkey_authentication_value(std::string_view text);

// A Match criterion asyncfetch evaluates (all, host, originalhost, user,
// localuser), with its optional '!' removed.
struct match_criterion {
    bool negated = false;
    std::string attribute; // lower case
    std::string patterns;  // empty for "all"
};

// The criteria of a Match line; the problem when OpenSSH would refuse the
// line or when it uses a criterion asyncfetch does not evaluate.
parsed<std::vector<match_criterion>> match_criteria(const config_line& line);

// What is wrong with a line, or nullopt: the checks OpenSSH makes when it
// reads a line of a keyword asyncfetch uses.
std::optional<std::string> check_config_line(const config_line& line);

} // namespace asyncfetch::ssh
