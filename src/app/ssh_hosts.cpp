#include "asyncfetch/app/ssh_hosts.hpp"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

namespace asyncfetch::app {
namespace {

ssh::config_context current_context() {
    ssh::config_context context;
    if (const passwd* pw = ::getpwuid(::getuid())) {
        context.home = pw->pw_dir;
        context.local_user = pw->pw_name;
    }
    // As OpenSSH: the password database's home, not $HOME; $USER for the name
    // asyncfetch uses elsewhere (local_user()).
    if (const char* user = std::getenv("USER"); user && *user) context.local_user = user;
    return context;
}

// StrictHostKeyChecking as asyncfetch's policies. "ask" cannot ask in a run
// over many hosts: an unknown host is refused, as ssh -o BatchMode=yes does.
ssh::host_key_policy policy_of(const std::string& value) {
    if (value == "accept-new") return ssh::host_key_policy::accept_new;
    if (value == "false") return ssh::host_key_policy::off;
    return ssh::host_key_policy::strict; // "true", "ask"
}

// A jump host's default user: the local one (ssh passes no -l to a hop).
std::string local_user_name(const ssh_config_files* files) {
    if (files && !files->context.local_user.empty()) return files->context.local_user;
    return current_context().local_user;
}

} // namespace

parsed<std::shared_ptr<const ssh_config_files>> load_ssh_config(const std::string& option) {
    auto out = std::make_shared<ssh_config_files>();
    out->context = current_context();
    if (option == "none") return std::shared_ptr<const ssh_config_files>(out);
    if (option.empty()) {
        auto files = ssh::default_ssh_configs(out->context);
        if (!files) return problem(files.problem());
        out->files = std::move(files).value();
        return std::shared_ptr<const ssh_config_files>(out);
    }
    auto file = ssh::config_file::read(option, true, out->context);
    if (!file) return problem(file.problem());
    if (file->lines().empty() && ::access(option.c_str(), R_OK) != 0)
        return problem(option + ": no such file");
    out->files.push_back(std::move(file).value());
    return std::shared_ptr<const ssh_config_files>(out);
}

ssh::known_hosts& known_hosts_for(known_hosts_cache& all, const host_plan& plan) {
    const auto& s = plan.session;
    std::string key = std::to_string(static_cast<int>(s.policy)) + '\n' + s.known_hosts_path;
    for (const auto& path : s.global_known_hosts)
        key += '\n' + path;
    auto& slot = all[key];
    if (!slot)
        slot =
            std::make_unique<ssh::known_hosts>(s.known_hosts_path, s.global_known_hosts, s.policy);
    return *slot;
}

namespace {

host_plan plan_one(const ssh::host_spec& line_spec, const std::string& default_user,
                   std::uint16_t default_port, const ssh::session_options& base,
                   const ssh_flags_given& given, const ssh_config_files* files,
                   const std::optional<std::vector<ssh::host_spec>>& jump, std::size_t depth);

// The bastions of a chain as ssh plans them: each hop is a host of its own
// (its user and port from the spec, else from ssh_config for its name, not
// -l/-p), the same auth options; only the first hop's own ProxyJump counts,
// the later ones are reached through the hops before them.
void plan_jumps(host_plan& plan, const std::vector<ssh::host_spec>& hops,
                const ssh::session_options& base, ssh_flags_given given,
                const ssh_config_files* files, std::size_t depth) {
    given.user = given.port = false;
    const auto user = local_user_name(files);
    for (std::size_t i = 0; i < hops.size(); ++i) {
        // The first hop: its own ProxyJump; the next: through the hops before (none of their own).
        std::optional<std::vector<ssh::host_spec>> through;
        if (i > 0) through.emplace();
        auto hop = plan_one(hops[i], user, 22, base, given, files, through, depth + 1);
        if (!hop.problem.empty()) {
            plan.problem = "jump host " + hops[i].display() + ": " + hop.problem;
            return;
        }
        if (!hop.proxy_command.empty()) {
            plan.problem = "jump host " + hops[i].display() +
                           ": a ProxyCommand for a jump host is not supported";
            return;
        }
        // The first hop's own bastions come before it.
        for (auto& before : hop.jumps)
            plan.jumps.push_back(std::move(before));
        hop.jumps.clear();
        plan.jumps.push_back(std::move(hop));
    }
    if (plan.jumps.size() > ssh::max_jump_hops)
        plan.problem =
            "more than " + std::to_string(ssh::max_jump_hops) + " jump hosts (a ProxyJump loop?)";
}

host_plan plan_one(const ssh::host_spec& line_spec, const std::string& default_user,
                   std::uint16_t default_port, const ssh::session_options& base,
                   const ssh_flags_given& given, const ssh_config_files* files,
                   const std::optional<std::vector<ssh::host_spec>>& jump, std::size_t depth) {
    host_plan plan;
    plan.session = base;
    plan.shown = line_spec;
    plan.connect = line_spec;
    // The hosts line's user and port, then -l and -p when given, win: set
    // before the files are read, as ssh does (Match user and %r see them).
    std::optional<std::string> user_given;
    if (!line_spec.user.empty())
        user_given = line_spec.user;
    else if (given.user)
        user_given = default_user;
    std::optional<std::uint16_t> port_given;
    if (line_spec.port != 0)
        port_given = line_spec.port;
    else if (given.port)
        port_given = default_port;
    std::optional<ssh::host_config> config;
    if (files && !files->files.empty()) {
        auto resolved =
            ssh::resolve_host(files->files, line_spec.host, files->context, user_given, port_given);
        if (resolved)
            config = std::move(resolved).value();
        else
            plan.problem = resolved.problem();
    }
    const std::string user =
        config && config->user ? *config->user : user_given.value_or(default_user);
    const std::uint16_t port =
        config && config->port ? *config->port : port_given.value_or(default_port);
    plan.shown.user = plan.connect.user = user;
    plan.shown.port = plan.connect.port = port;
    if (depth > ssh::max_jump_hops) {
        plan.problem =
            "more than " + std::to_string(ssh::max_jump_hops) + " jump hosts (a ProxyJump loop?)";
        return plan;
    }
    // -J wins over the files, as in ssh; "none" in either is direct.
    if (jump) {
        plan_jumps(plan, *jump, base, given, files, depth);
        if (!config || !plan.problem.empty()) return plan;
    }
    if (!config) return plan;

    const auto& c = *config;
    plan.connect.host = c.hostname;
    // For tokens (%h %p %r ...): the host as resolved, its user and port included.
    auto resolved = c;
    resolved.user = user;
    resolved.port = port;
    if (!jump && c.proxy_jump && *c.proxy_jump != "none") {
        auto hops = ssh::parse_jump_hosts(*c.proxy_jump);
        if (!hops) {
            plan.problem = "ssh_config: ProxyJump for " + line_spec.host + ": " + hops.problem();
            return plan;
        }
        plan_jumps(plan, *hops, base, given, files, depth);
        if (!plan.problem.empty()) return plan;
    }
    if (!jump && c.proxy_command && *c.proxy_command != "none") {
        auto command = ssh::expand_config_path(*c.proxy_command, resolved, files->context);
        if (!command) {
            plan.problem =
                "ssh_config: ProxyCommand for " + line_spec.host + ": " + command.problem();
            return plan;
        }
        plan.proxy_command = *command;
    }
    auto& s = plan.session;
    // IdentityFile (after any -i, as ssh adds them) and CertificateFile, with
    // ~ and tokens expanded for the host as resolved.
    for (auto [paths, out] : {std::pair{&c.identity_files, &s.auth.identity_files},
                              std::pair{&c.certificate_files, &s.auth.certificate_files}})
        for (const auto& path : *paths) {
            auto expanded = ssh::expand_config_path(path, resolved, files->context);
            if (!expanded) {
                plan.problem = "ssh_config for " + line_spec.host + ": " + expanded.problem();
                return plan;
            }
            out->push_back(*expanded);
        }
    if (!given.connect_timeout && c.connect_timeout && c.connect_timeout->count() > 0)
        s.set_connect_timeouts(*c.connect_timeout);
    // "none" is no file, as in ssh (never a file named "none" in the current directory).
    const auto files_of = [](const std::vector<std::string>& paths) {
        std::vector<std::string> out;
        for (const auto& p : paths)
            if (p != "none") out.push_back(p);
        return out;
    };
    if (!given.global_known_hosts && c.global_known_hosts_files)
        s.global_known_hosts = files_of(*c.global_known_hosts_files);
    if (!given.known_hosts && c.user_known_hosts_files && !c.user_known_hosts_files->empty()) {
        if (c.user_known_hosts_files->front() == "none") {
            plan.problem = "ssh_config: UserKnownHostsFile none for " + line_spec.host +
                           " is not supported (asyncfetch checks every host against a file)";
            return plan;
        }
        // The first is written to; the others are read like global files.
        const auto user_files = files_of(*c.user_known_hosts_files);
        s.known_hosts_path = user_files.front();
        s.global_known_hosts.insert(s.global_known_hosts.end(), user_files.begin() + 1,
                                    user_files.end());
    }
    if (!given.policy && c.strict_host_key_checking)
        s.policy = policy_of(*c.strict_host_key_checking);
    // IdentitiesOnly: only the files named (ssh would still take an agent key
    // matching one of them; asyncfetch leaves the agent out).
    if (!given.agent &&
        ((c.identity_agent && *c.identity_agent == "none") || c.identities_only.value_or(false)))
        s.auth.use_agent = false;
    if (c.pubkey_authentication) s.auth.use_keys = *c.pubkey_authentication != "false";
    if (c.password_authentication) s.auth.use_password = *c.password_authentication;
    if (c.kbd_interactive_authentication)
        s.auth.use_kbd_interactive = *c.kbd_interactive_authentication;
    if (!given.connect_retries && c.connection_attempts)
        s.connection_attempts = std::max(1u, *c.connection_attempts);
    if (!given.compression && c.compression) s.compression = *c.compression;
    if (!given.keepalive && c.server_alive_interval)
        s.keepalive_interval = *c.server_alive_interval;
    if (!given.keepalive_count && c.server_alive_count_max)
        s.keepalive_count_max = *c.server_alive_count_max;
    return plan;
}

} // namespace

host_plan plan_host(const ssh::host_spec& line_spec, const std::string& default_user,
                    std::uint16_t default_port, const ssh::session_options& base,
                    const ssh_flags_given& given, const ssh_config_files* files,
                    const std::optional<std::vector<ssh::host_spec>>& jump) {
    return plan_one(line_spec, default_user, default_port, base, given, files, jump, 0);
}

} // namespace asyncfetch::app
