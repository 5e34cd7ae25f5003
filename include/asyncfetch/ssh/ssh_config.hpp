// ssh_config files (~/.ssh/config, /etc/ssh/ssh_config, -F FILE) read as
// OpenSSH 9.2 reads them: Host and Match blocks, Include, first obtained value
// wins, tokens. A file is read and checked once (syntax errors name FILE:LINE);
// each host is then resolved against the parsed lines. The tests compare the
// results with what `ssh -G` prints for the same files.
#pragma once

#include "asyncfetch/core/parsed.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace asyncfetch::ssh {

// What the files say of one host. Unset: no file said (the caller's default,
// or OpenSSH's, applies). Paths are as written except where OpenSSH expands
// them when reading (the known-hosts files and IdentityAgent: `~` and tokens).
struct host_config {
    std::string original_host;               // as given (%n)
    std::string hostname;                    // HostName with %h expanded, lower case
    std::optional<std::string> user;         // User (not expanded, as in OpenSSH 9.2)
    std::optional<std::uint16_t> port;       // Port
    std::vector<std::string> identity_files; // every IdentityFile, in order (tokens unexpanded)
    std::vector<std::string> certificate_files;
    std::optional<bool> identities_only;
    std::optional<std::string> identity_agent;
    std::optional<std::string> proxy_jump;    // "none" or hops; never set with proxy_command
    std::optional<std::string> proxy_command; // the command as written (%h %p unexpanded)
    std::optional<std::vector<std::string>> user_known_hosts_files;
    std::optional<std::vector<std::string>> global_known_hosts_files;
    // "true", "false", "ask" or "accept-new", as `ssh -G` prints it.
    std::optional<std::string> strict_host_key_checking;
    std::optional<std::chrono::seconds> connect_timeout;
    std::optional<unsigned> connection_attempts;
    std::optional<std::chrono::seconds> server_alive_interval;
    std::optional<unsigned> server_alive_count_max;
    std::optional<bool> compression;
    std::optional<bool> batch_mode;
    std::optional<bool> password_authentication;
    std::optional<bool> kbd_interactive_authentication;
    // "true", "false", "unbound" or "host-bound", as `ssh -G` prints it.
    std::optional<std::string> pubkey_authentication;
};

// Who runs the resolution: `~` and %d, %u, Match localuser, the default User.
struct config_context {
    std::string home;
    std::string local_user;
};

// One line that matters once a file is read.
struct config_line {
    enum class kind { option, host, match, include_begin, include_end };
    kind what = kind::option;
    std::string keyword; // lower case
    std::vector<std::string> args;
    std::string where; // "FILE:LINE"
};

// A config file, read with its Includes, checked, ready to resolve hosts.
class config_file {
public:
    // Reads `path`. `user_file`: a relative Include is under ~/.ssh (else
    // /etc/ssh). A file that does not exist is an empty config; one that
    // cannot be read, or a line OpenSSH would refuse, is the problem
    // ("FILE:LINE: ...").
    static parsed<config_file> read(const std::string& path, bool user_file,
                                    const config_context& context);
    // The same from text (tests, fuzzing); `name` stands for the file in messages.
    static parsed<config_file> parse(std::string_view text, const std::string& name, bool user_file,
                                     const config_context& context);

    const std::vector<config_line>& lines() const noexcept { return lines_; }

private:
    std::vector<config_line> lines_;
    friend struct config_file_reader;
};

// Resolves `host` over the files in order (the user's, then the system's):
// the first value obtained for each keyword wins. A problem only a host can
// show (a token OpenSSH does not know, ConnectionAttempts 0) is the result.
// `user` and `port`, when given (user@host, -l, -p), are set before the files
// are read, as ssh sets them: they win, and Match user and %r, %p see them.
parsed<host_config> resolve_host(std::span<const config_file> files, std::string_view host,
                                 const config_context& context,
                                 std::optional<std::string> user = std::nullopt,
                                 std::optional<std::uint16_t> port = std::nullopt);

// A path as OpenSSH expands IdentityFile and the known-hosts files: `~`, then
// %d %u %h %n %p %r %% from the resolved host; the problem on another token.
parsed<std::string> expand_config_path(std::string_view path, const host_config& config,
                                       const config_context& context);

// The lines `ssh -G` prints for the keywords asyncfetch reads (OpenSSH's
// defaults where no file said), in no particular order.
std::vector<std::string> ssh_g_lines(const host_config& config, const config_context& context);

// The files OpenSSH reads when no -F is given: ~/.ssh/config, /etc/ssh/ssh_config.
parsed<std::vector<config_file>> default_ssh_configs(const config_context& context);

} // namespace asyncfetch::ssh
