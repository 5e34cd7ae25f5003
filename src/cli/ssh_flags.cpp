#include "ssh_flags.hpp"

#include "asyncfetch/core/secret_source.hpp"
#include "asyncfetch/ssh/options_parse.hpp"

namespace asyncfetch::cli {

void add_ssh_session_options(CLI::App& cmd, app::ssh_config& c, ssh_session_flags& f) {
    auto& auth = c.session.auth;
    cmd.add_option("-F,--ssh-config", f.ssh_config,
                   "ssh_config file ('none': none; default ~/.ssh/config, then "
                   "/etc/ssh/ssh_config); flags given here win over it");
    add_parsed(cmd, "-J,--jump", c.jump, ssh::parse_jump_hosts,
               "Reach the hosts through these jump hosts, the first first: "
               "[user@]host[:port][,...] ('none': directly); wins over ProxyJump")
        ->type_name("HOSTS");
    f.user = cmd.add_option("-l,--user", c.default_user,
                            "User for hosts lines without one (default: the local user)");
    f.port = add_count(cmd, "-p,--port", c.default_port, ssh::min_port, ssh::max_port,
                       "Port for hosts lines without one");
    f.identity = cmd.add_option("-i,--identity", auth.identity_files,
                                "Private key file (repeatable; default ~/.ssh/id_*)")
                     ->allow_extra_args(false)
                     ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    f.connect_timeout =
        add_duration(cmd, "--connect-timeout", c.session.connect_timeout, zero::refused,
                     "How long each of name lookup, connect, handshake and auth may take");
    f.connect_retries = add_count(
        cmd, "--connect-retries", f.retries, 0, 99,
        "Connect again this many times to a host that refused, was unreachable or did not "
        "answer, after 0.5 s, 1 s, 2 s, 4 s... (ssh's ConnectionAttempts - 1); never after a "
        "failed handshake, host key or login");
    f.connect_retries->type_name("N");
    f.compression = cmd.add_flag("-C,--compression", c.session.compression,
                                 "Ask the server for zlib compression");
    f.keepalive_flag = add_duration(
        cmd, "--keepalive", f.keepalive, zero::allowed,
        "Send a keep-alive after this long (whole seconds, 2 at least) without a word from a "
        "host, and give up on it once --keepalive-count of them went unanswered "
        "(ServerAliveInterval)");
    f.keepalive_count = add_count(cmd, "--keepalive-count", c.session.keepalive_count_max, 1, 1000,
                                  "Unanswered keep-alives before a host is given up "
                                  "(ServerAliveCountMax)");
    f.known_hosts = cmd.add_option("--known-hosts", c.session.known_hosts_path,
                                   "known_hosts file (default ~/.ssh/known_hosts)");
    f.global_known_hosts =
        cmd.add_option("--global-known-hosts", c.session.global_known_hosts,
                       "Read-only known_hosts file (repeatable; default /etc/ssh/ssh_known_hosts "
                       "and /etc/ssh/ssh_known_hosts2)")
            ->allow_extra_args(false)
            ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    f.policy = add_parsed(cmd, "--host-key-policy", c.session.policy, ssh::parse_host_key_policy,
                          "strict: unknown hosts refused; accept-new: unknown hosts added; "
                          "off: no check. A changed key is always refused")
                   ->type_name("TEXT:{strict,accept-new,off}")
                   ->default_str("accept-new");
    // Secrets come from the environment, a file or the terminal, never argv.
    add_parsed(cmd, "--password-env", auth.password, secret_from_env,
               "Take the password from this environment variable");
    add_parsed(cmd, "--password-file", auth.password, secret_from_file,
               "Take the password from the first line of FILE")
        ->check(CLI::ExistingFile);
    cmd.add_flag("--ask-password", f.ask_password,
                 "Prompt for the password once, before connecting");
    cmd.add_flag("--askpass", f.askpass,
                 "As --ask-password, and ask at the terminal for any other keyboard-interactive "
                 "prompt (a one-time code), once per distinct prompt; the run waits while a "
                 "prompt is shown");
    // -A is the user agent in fetch and crawl: the old spelling stays hidden for one release.
    f.old_askpass = cmd.add_flag("-A", f.ask_password, "")->group("");
    add_parsed(cmd, "--passphrase-env", auth.passphrase, secret_from_env,
               "Take the key passphrase from this environment variable");
    cmd.add_flag("--ask-passphrase", f.ask_passphrase,
                 "Prompt for the key passphrase once, before connecting");
    f.no_agent_flag = cmd.add_flag("--no-agent", f.no_agent, "Do not use ssh-agent");
    add_dns_options(cmd, c.session.dns);
}

void finish_ssh_session_options(app::ssh_config& c, const ssh_session_flags& f) {
    if (f.old_askpass && f.old_askpass->count() > 0) deprecated_spelling("-A", "--ask-password");
    const auto given = [](const CLI::Option* o) { return o && o->count() > 0; };
    c.given = {given(f.user),
               given(f.port),
               given(f.identity),
               given(f.connect_timeout),
               given(f.known_hosts),
               given(f.global_known_hosts),
               given(f.policy),
               given(f.no_agent_flag),
               given(f.connect_retries),
               given(f.compression),
               given(f.keepalive_flag),
               given(f.keepalive_count)};
    c.session.keepalive_interval = std::chrono::ceil<std::chrono::seconds>(f.keepalive);
    c.session.connection_attempts = f.retries + 1;
    auto files = app::load_ssh_config(f.ssh_config);
    if (!files) throw CLI::ValidationError("--ssh-config", files.problem());
    c.config_files = *files;
    if (c.default_user.empty()) c.default_user = app::local_user();
    c.session.set_connect_timeouts(c.session.connect_timeout);
    finish_dns_flags(c.session.dns);
    c.session.auth.use_agent = !f.no_agent;
    if (f.ask_password || f.askpass) c.session.auth.password = ask_secret("Password: ");
    if (f.askpass) c.session.auth.ask = terminal_asker();
    if (f.ask_passphrase) c.session.auth.passphrase = ask_secret("Key passphrase: ");
}

} // namespace asyncfetch::cli
