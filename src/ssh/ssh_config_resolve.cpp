// Resolving one host over read ssh_config files, as OpenSSH 9.2 does on its
// first pass: Host lines match the name as typed (case matters), Match host
// the HostName so far (case does not), an Include in a block that does not
// apply includes nothing that applies, and the first value obtained wins
// (IdentityFile and CertificateFile collect every value).
#include "asyncfetch/core/text.hpp"
#include "asyncfetch/ssh/known_hosts_rules.hpp"
#include "asyncfetch/ssh/ssh_config.hpp"
#include "ssh_config_values.hpp"

#include <tuple>

namespace asyncfetch::ssh {

namespace {

// OpenSSH's percent_expand over the tokens it allows in a keyword; the
// problem on a token not among them.
parsed<std::string> expand_tokens(std::string_view text,
                                  std::initializer_list<std::pair<char, std::string>> values) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out += text[i];
            continue;
        }
        if (++i == text.size()) return problem("'%' at the end of \"" + std::string(text) + "\"");
        if (text[i] == '%') {
            out += '%';
            continue;
        }
        bool found = false;
        for (const auto& [token, value] : values)
            if (token == text[i]) {
                out += value;
                found = true;
            }
        if (!found)
            return problem("token %" + std::string(1, text[i]) + " in \"" + std::string(text) +
                           "\" is not supported");
    }
    return out;
}

std::string expand_tilde(const std::string& path, const config_context& context) {
    if (path == "~" || path.starts_with("~/")) return context.home + path.substr(1);
    return path;
}

struct resolver {
    const config_context& context;
    host_config out;
    std::optional<std::string> hostname_raw;
    bool proxy_set = false;

    // The HostName as it stands (for Match host): %h expanded, lower case.
    std::string current_hostname() const {
        if (!hostname_raw) return lower(out.original_host);
        auto expanded = expand_tokens(*hostname_raw, {{'h', out.original_host}});
        return lower(expanded ? *expanded : *hostname_raw);
    }

    bool matches(const match_criterion& c) const {
        bool result = true;
        if (c.attribute == "host")
            result = match_pattern_list(current_hostname(), c.patterns) == 1;
        else if (c.attribute == "originalhost")
            result = match_pattern_list(lower(out.original_host), c.patterns) == 1;
        else if (c.attribute == "user")
            result =
                match_pattern_list(out.user.value_or(context.local_user), c.patterns, false) == 1;
        else if (c.attribute == "localuser")
            result = match_pattern_list(context.local_user, c.patterns, false) == 1;
        return c.negated ? !result : result;
    }

    bool host_line_matches(const config_line& line) const {
        bool active = false;
        for (const auto& arg : line.args) {
            const bool negated = arg.starts_with("!");
            if (glob_matches(out.original_host, negated ? std::string_view(arg).substr(1) : arg)) {
                if (negated) return false;
                active = true;
            }
        }
        return active;
    }

    template <typename T>
    static void first(std::optional<T>& field, T value) {
        if (!field) field = std::move(value);
    }

    // Applies an option line of a block that applies (checked when read).
    void apply(const config_line& line) {
        const auto& k = line.keyword;
        const auto& v = line.args.front();
        if (k == "hostname") {
            if (!hostname_raw) hostname_raw = v;
        } else if (k == "user") {
            first(out.user, v);
        } else if (k == "port") {
            first(out.port, *config_port(v));
        } else if (k == "identityfile") {
            out.identity_files.push_back(v);
        } else if (k == "certificatefile") {
            out.certificate_files.push_back(v);
        } else if (k == "identitiesonly") {
            first(out.identities_only, *config_flag(v));
        } else if (k == "identityagent") {
            first(out.identity_agent, v);
        } else if (k == "proxyjump" || k == "proxycommand") {
            if (!proxy_set) (k == "proxyjump" ? out.proxy_jump : out.proxy_command) = v;
            proxy_set = true;
        } else if (k == "userknownhostsfile") {
            first(out.user_known_hosts_files, line.args);
        } else if (k == "globalknownhostsfile") {
            first(out.global_known_hosts_files, line.args);
        } else if (k == "stricthostkeychecking") {
            first(out.strict_host_key_checking, *strict_host_key_checking_value(v));
        } else if (k == "connecttimeout") {
            first(out.connect_timeout, *config_time(v));
        } else if (k == "connectionattempts") {
            first(out.connection_attempts, *config_integer(v));
        } else if (k == "serveraliveinterval") {
            first(out.server_alive_interval, *config_time(v));
        } else if (k == "serveralivecountmax") {
            first(out.server_alive_count_max, *config_integer(v));
        } else if (k == "compression") {
            first(out.compression, *config_flag(v));
        } else if (k == "batchmode") {
            first(out.batch_mode, *config_flag(v));
        } else if (k == "passwordauthentication") {
            first(out.password_authentication, *config_flag(v));
        } else if (k == "kbdinteractiveauthentication" || k == "challengeresponseauthentication") {
            first(out.kbd_interactive_authentication, *config_flag(v));
        } else if (k == "pubkeyauthentication") {
            first(out.pubkey_authentication, *pubkey_authentication_value(v));
        }
    }

    void walk(const config_file& file) {
        bool active = true;
        bool never = false;
        std::vector<std::pair<bool, bool>> saved; // (active, never) outside each Include
        for (const auto& line : file.lines()) {
            switch (line.what) {
            case config_line::kind::include_begin:
                saved.emplace_back(active, never);
                never = never || !active;
                break;
            case config_line::kind::include_end:
                std::tie(active, never) = saved.back();
                saved.pop_back();
                break;
            case config_line::kind::host:
                active = !never && host_line_matches(line);
                break;
            case config_line::kind::match: {
                const auto criteria = match_criteria(line); // checked when read
                active = !never && criteria;
                for (const auto& c : criteria ? *criteria : std::vector<match_criterion>{})
                    active = active && (c.attribute == "all" || matches(c));
                break;
            }
            case config_line::kind::option:
                if (active) apply(line);
                break;
            }
        }
    }

    // What OpenSSH settles once every file is read: the HostName, then the
    // paths it expands with the final host, port and user.
    // Empty, or what is wrong.
    std::string finish() {
        if (hostname_raw) {
            auto expanded = expand_tokens(*hostname_raw, {{'h', out.original_host}});
            if (!expanded) return expanded.problem();
            out.hostname = lower(*expanded);
        } else {
            out.hostname = lower(out.original_host);
        }
        // As OpenSSH: in batch mode, a dead server is noticed within 300 s x 3.
        if (out.batch_mode.value_or(false) && !out.server_alive_interval)
            out.server_alive_interval = std::chrono::seconds(300);
        if (out.connection_attempts && *out.connection_attempts == 0)
            return "ConnectionAttempts 0: there must be at least one attempt";
        if (out.user_known_hosts_files)
            for (auto& path : *out.user_known_hosts_files) {
                auto expanded = expand_config_path(path, out, context);
                if (!expanded) return expanded.problem();
                path = *expanded;
            }
        if (out.identity_agent && *out.identity_agent != "none" &&
            *out.identity_agent != "SSH_AUTH_SOCK") {
            auto expanded = expand_config_path(*out.identity_agent, out, context);
            if (!expanded) return expanded.problem();
            out.identity_agent = *expanded;
        }
        return {};
    }
};

} // namespace

parsed<std::string> expand_config_path(std::string_view path, const host_config& config,
                                       const config_context& context) {
    const auto port = std::to_string(config.port.value_or(22));
    const auto user = config.user.value_or(context.local_user);
    return expand_tokens(expand_tilde(std::string(path), context), {{'d', context.home},
                                                                    {'u', context.local_user},
                                                                    {'h', config.hostname},
                                                                    {'n', config.original_host},
                                                                    {'p', port},
                                                                    {'r', user}});
}

parsed<host_config> resolve_host(std::span<const config_file> files, std::string_view host,
                                 const config_context& context, std::optional<std::string> user,
                                 std::optional<std::uint16_t> port) {
    resolver r{context, {}, std::nullopt, false};
    r.out.original_host = std::string(host);
    r.out.user = std::move(user);
    r.out.port = port;
    for (const auto& file : files)
        r.walk(file);
    if (auto why = r.finish(); !why.empty())
        return problem("ssh_config for " + std::string(host) + ": " + why);
    return std::move(r.out);
}

std::vector<std::string> ssh_g_lines(const host_config& c, const config_context& context) {
    const auto yes_no = [](std::optional<bool> v, bool fallback) {
        return v.value_or(fallback) ? "yes" : "no";
    };
    const auto join = [](const std::vector<std::string>& words) {
        std::string out;
        for (const auto& w : words)
            out += (out.empty() ? "" : " ") + w;
        return out;
    };
    std::vector<std::string> out = {
        "user " + c.user.value_or(context.local_user),
        "hostname " + c.hostname,
        "port " + std::to_string(c.port.value_or(22)),
        std::string("batchmode ") + yes_no(c.batch_mode, false),
        std::string("compression ") + yes_no(c.compression, false),
        std::string("identitiesonly ") + yes_no(c.identities_only, false),
        std::string("kbdinteractiveauthentication ") +
            yes_no(c.kbd_interactive_authentication, true),
        std::string("passwordauthentication ") + yes_no(c.password_authentication, true),
        "pubkeyauthentication " + c.pubkey_authentication.value_or("true"),
        "stricthostkeychecking " + c.strict_host_key_checking.value_or("ask"),
        "connectionattempts " + std::to_string(c.connection_attempts.value_or(1)),
        "serveralivecountmax " + std::to_string(c.server_alive_count_max.value_or(3)),
        "serveraliveinterval " +
            std::to_string(c.server_alive_interval.value_or(std::chrono::seconds(0)).count()),
        "connecttimeout " +
            (c.connect_timeout ? std::to_string(c.connect_timeout->count()) : std::string("none")),
        "globalknownhostsfile " + join(c.global_known_hosts_files.value_or(std::vector<std::string>{
                                      "/etc/ssh/ssh_known_hosts", "/etc/ssh/ssh_known_hosts2"})),
        "userknownhostsfile " +
            join(c.user_known_hosts_files.value_or(std::vector<std::string>{
                context.home + "/.ssh/known_hosts", context.home + "/.ssh/known_hosts2"})),
    };
    auto identities = c.identity_files;
    if (identities.empty())
        for (const char* name : {"id_rsa", "id_ecdsa", "id_ecdsa_sk", "id_ed25519", "id_ed25519_sk",
                                 "id_xmss", "id_dsa"})
            identities.push_back(std::string("~/.ssh/") + name);
    for (const auto& path : identities)
        out.push_back("identityfile " + path);
    for (const auto& path : c.certificate_files)
        out.push_back("certificatefile " + path);
    if (c.identity_agent) out.push_back("identityagent " + *c.identity_agent);
    if (c.proxy_jump) out.push_back("proxyjump " + *c.proxy_jump);
    if (c.proxy_command) out.push_back("proxycommand " + *c.proxy_command);
    return out;
}

} // namespace asyncfetch::ssh
