#include "job_options.hpp"

#include "asyncfetch/core/secret_source.hpp"
#include "asyncfetch/core/tls_client_options.hpp"
#include "asyncfetch/http/cache.hpp"
#include "asyncfetch/http/cookie_jar.hpp"
#include "asyncfetch/http/credentials.hpp"
#include "asyncfetch/http/netrc.hpp"
#include "asyncfetch/http/options_parse.hpp"
#include "asyncfetch/http/request_line.hpp"
#include "asyncfetch/ssh/hosts.hpp"
#include "asyncfetch/ssh/options_parse.hpp"

namespace asyncfetch::schedule {
namespace {

// A client certificate, its key's passphrase (from the environment only),
// the lowest TLS version: as --cert, --key, --key-passphrase-env, --tls-min.
void read_tls(checker& ck, const json& j, const std::string& path, tls_client_options& t) {
    for (auto [key, file] : {std::pair{"cert", &t.cert_file}, std::pair{"key", &t.key_file}})
        if (ck.file_path(j, path, key, *file) && !fs::exists(*file))
            ck.problem(path + "." + key, "no such file '" + *file + "'");
    std::string var, text;
    if (ck.string(j, path, "key_passphrase_env", var))
        ck.take(path + ".key_passphrase_env", secret_from_env(var), t.key_passphrase);
    if (ck.string(j, path, "tls_min", text))
        ck.take(path + ".tls_min", parse_tls_version(text), t.min_version);
    if (j.contains("cert") || j.contains("key")) {
        // Named by the key that holds what is wrong: a key problem with "key" given is its.
        auto usable = check_tls_client_options(t);
        const bool about_cert =
            !j.contains("key") || usable.problem().starts_with("no usable cert");
        if (!usable) ck.problem(path + (about_cert ? ".cert" : ".key"), usable.problem());
    }
}

} // namespace

void read_http(checker& ck, const json& j, const std::string& path, http::client_options& c) {
    ck.integer(j, path, "per_host", c.per_host, 0, http::max_per_host);
    ck.integer(j, path, "retries", c.retry.retries, 0, http::max_retries);
    ck.integer(j, path, "max_redirects", c.max_redirects, 0, http::max_redirects_bound);
    const std::pair<const char*, http::duration*> timeouts[] = {
        {"timeout", &c.limits.request},
        {"connect_timeout", &c.limits.connect},
        {"resolve_timeout", &c.limits.resolve},
        {"tls_timeout", &c.limits.tls}};
    for (auto [key, field] : timeouts) {
        std::chrono::milliseconds d{};
        if (ck.timeout(j, path, key, d)) *field = std::chrono::duration_cast<http::duration>(d);
    }
    std::string size;
    if (const auto* v = ck.find(j, "max_body"); v && v->is_number_unsigned())
        c.max_body = v->get<std::uint64_t>();
    else if (ck.string(j, path, "max_body", size))
        ck.take(path + ".max_body", parse_size(size), c.max_body);
    if (const auto* h = ck.find(j, "headers")) {
        if (!h->is_object()) {
            ck.problem(path + ".headers",
                       "expected an object such as {\"Accept\": \"text/html\"}, got " +
                           describe(*h));
        } else {
            for (const auto& [name, value] : h->items()) {
                if (!value.is_string())
                    ck.problem(path + ".headers." + name,
                               "expected a string, got " + describe(value));
                else
                    c.headers.emplace_back(name, value.get<std::string>());
            }
        }
    }
    ck.string(j, path, "user_agent", c.user_agent);
    if (ck.file_path(j, path, "cacert", c.ca_file) && !fs::exists(c.ca_file))
        ck.problem(path + ".cacert", "no such file '" + c.ca_file + "'");
    bool insecure = false;
    if (ck.boolean(j, path, "insecure", insecure)) c.verify_tls = !insecure;
    read_tls(ck, j, path, c.tls);
    std::string version;
    if (ck.string(j, path, "http_version", version))
        ck.take(path + ".http_version", http::parse_http_version(version), c.version);
    ck.boolean(j, path, "http2_prior_knowledge", c.http2_prior_knowledge);
    // Authorization from the environment, never from the config itself.
    std::string var;
    if (ck.string(j, path, "user_env", var)) {
        std::string pair;
        if (ck.take(path + ".user_env", secret_from_env(var), pair)) {
            if (pair.find(':') == std::string::npos)
                ck.problem(path + ".user_env", var + " holds no 'user:password'");
            else
                c.headers.emplace_back("Authorization", http::basic_authorization(pair));
        }
    }
    std::string token;
    if (ck.string(j, path, "bearer_env", var) &&
        ck.take(path + ".bearer_env", secret_from_env(var), token))
        c.headers.emplace_back("Authorization", "Bearer " + token);
    std::string proxy, noproxy;
    const bool has_proxy = ck.string(j, path, "proxy", proxy);
    const bool has_noproxy = ck.string(j, path, "noproxy", noproxy);
    ck.take(path + (has_proxy ? ".proxy" : ""),
            http::choose_proxies(has_proxy ? proxy.c_str() : nullptr,
                                 has_noproxy ? noproxy.c_str() : nullptr),
            c.proxies);
}

void read_request(checker& ck, const json& j, const std::string& path, http::client_options& c) {
    std::string text;
    if (ck.string(j, path, "method", text))
        ck.take(path + ".method", http::parse_method(text), c.method);
    if (j.contains("data") && j.contains("data_file"))
        ck.problem(path + ".data_file", "give data or data_file, not both");
    ck.string(j, path, "data", c.body); // as written: no @FILE here, data_file says so
    if (ck.file_path(j, path, "data_file", text))
        ck.take(path + ".data_file", http::read_body_file(text), c.body);
    bool json_body = false;
    if (ck.boolean(j, path, "json", json_body) && json_body) http::add_json_headers(c.headers);
    ck.boolean(j, path, "retry_all", c.retry_all);
    ck.file_path(j, path, "save", c.save_dir);
    if (ck.boolean(j, path, "continue", c.resume) && c.resume && c.save_dir.empty())
        ck.problem(path + ".continue", "resumes downloads: give \"save\" too");
    ck.boolean(j, path, "body", c.keep_body);
    std::vector<std::string> names;
    if (ck.strings(j, path, "record_headers", names)) {
        std::string list;
        for (const auto& n : names)
            list += (list.empty() ? "" : ",") + n;
        ck.take(path + ".record_headers", http::parse_header_names(list), c.record_headers);
    }
    if (j.contains("max_body")) c.max_saved_body = c.max_body; // given: saved bodies too
    read_kept_state(ck, j, path, c);
}

void read_kept_state(checker& ck, const json& j, const std::string& path, http::client_options& c) {
    std::string made, file;
    if (ck.file_path(j, path, "cache", c.cache_dir))
        ck.take(path + ".cache", http::prepare_cache_dir(c.cache_dir), made);
    bool netrc = false;
    if (ck.boolean(j, path, "netrc", netrc) && netrc) file = http::default_netrc_path();
    if (ck.file_path(j, path, "netrc_file", file) && netrc)
        ck.problem(path + ".netrc_file", "give netrc or netrc_file, not both");
    // ~/.netrc may be missing (curl then sends none); a file named must be there.
    if (!file.empty() && (!netrc || fs::exists(file)))
        ck.take(path + (netrc ? ".netrc" : ".netrc_file"), http::read_netrc(file), c.netrc_entries);
    if (std::string jar; ck.file_path(j, path, "cookies", jar)) {
        c.use_cookies = true;
        if (!jar.empty()) ck.take(path + ".cookies", http::read_cookie_jar(jar), c.cookies);
    }
    if (ck.file_path(j, path, "cookie_jar", c.cookie_jar)) c.use_cookies = true;
}

void read_crawl(checker& ck, const json& j, const std::string& path, crawl::crawl_options& c) {
    ck.integer(j, path, "depth", c.depth, 0, crawl::max_depth);
    ck.integer(j, path, "max_pages", c.max_pages, 0, crawl::max_max_pages);
    ck.boolean(j, path, "assets", c.assets);
    ck.boolean(j, path, "sort_query", c.sort_query);
    ck.boolean(j, path, "ignore_robots", c.ignore_robots);
    ck.duration(j, path, "delay", c.delay);
    ck.boolean(j, path, "sitemaps", c.sitemaps);
    ck.file_path(j, path, "state", c.state); // one directory per job
    if (const auto* v = ck.find(j, "frontier_memory"); v && v->is_number_unsigned())
        c.frontier_memory = v->get<std::size_t>();
    else if (std::string size; ck.string(j, path, "frontier_memory", size))
        ck.take(path + ".frontier_memory", parse_size(size), c.frontier_memory);
    ck.boolean(j, path, "ignore_meta_robots", c.ignore_meta_robots);
    ck.boolean(j, path, "links", c.links);
    if (const auto* x = ck.find(j, "extract"); x && !x->is_object()) {
        ck.problem(path + ".extract", "expected an object of NAME: XPATH");
    } else if (x) {
        for (const auto& [name, xpath] : x->items()) {
            const auto at = path + ".extract." + name;
            if (!xpath.is_string())
                ck.problem(at, "expected an XPath string");
            else if (auto parsed_x = crawl::parse_extraction(name + "=" + xpath.get<std::string>()))
                c.extract.push_back(std::move(parsed_x).value());
            else
                ck.problem(at, parsed_x.problem());
        }
    }
    std::string scope;
    if (ck.string(j, path, "scope", scope)) {
        if (auto parsed_scope = crawl::parse_scope(scope, c.sort_query))
            c.scope = std::move(parsed_scope).value();
        else
            ck.problem(path + ".scope", parsed_scope.problem());
    }
    for (const char* key : {"include", "exclude"}) {
        auto& list = std::string(key) == "include" ? c.include : c.exclude;
        if (!ck.strings(j, path, key, list)) continue;
        for (std::size_t i = 0; i < list.size(); ++i)
            if (auto compiled = crawl::parse_regex(list[i]); !compiled)
                ck.problem(path + "." + key + "[" + std::to_string(i) + "]", compiled.problem());
    }
}

void read_stop_early(checker& ck, const json& j, const std::string& path, app::run_settings& run) {
    ck.integer(j, path, "max_failures", run.max_failures, 1, 1000000);
    if (bool fail_fast = false; ck.boolean(j, path, "fail_fast", fail_fast) && fail_fast) {
        if (j.contains("max_failures"))
            ck.problem(path + ".fail_fast", "give fail_fast or max_failures, not both");
        run.max_failures = 1;
    }
    if (std::string text; ck.string(j, path, "on_failure", text))
        ck.take(path + ".on_failure", parse_on_failure_limit(text), run.on_failure);
}

void read_ssh(checker& ck, const json& j, const std::string& path, app::ssh_config& c) {
    c.default_user = app::local_user();
    ck.string(j, path, "user", c.default_user);
    ck.integer(j, path, "port", c.default_port, ssh::min_port, ssh::max_port);
    if (ck.strings(j, path, "identity", c.session.auth.identity_files))
        for (auto& f : c.session.auth.identity_files)
            f = ck.resolve(f);
    ck.file_path(j, path, "known_hosts", c.session.known_hosts_path);
    std::string text;
    if (ck.string(j, path, "host_key_policy", text))
        ck.take(path + ".host_key_policy", ssh::parse_host_key_policy(text), c.session.policy);
    ck.boolean(j, path, "agent", c.session.auth.use_agent);
    // Secrets come from the environment or a file, never from the config.
    if (ck.string(j, path, "password_env", text))
        ck.take(path + ".password_env", secret_from_env(text), c.session.auth.password);
    if (ck.string(j, path, "passphrase_env", text))
        ck.take(path + ".passphrase_env", secret_from_env(text), c.session.auth.passphrase);
    if (ck.file_path(j, path, "password_file", text))
        ck.take(path + ".password_file", secret_from_file(text), c.session.auth.password);
    std::chrono::milliseconds d{};
    if (ck.timeout(j, path, "connect_timeout", d))
        c.session.set_connect_timeouts(std::chrono::duration_cast<ssh::duration>(d));
    if (ck.duration(j, path, "timeout", d))
        c.command_timeout = std::chrono::duration_cast<ssh::duration>(d);
    unsigned retries = 0;
    if (ck.integer(j, path, "connect_retries", retries, 0, 99))
        c.session.connection_attempts = retries + 1;
    ck.boolean(j, path, "compression", c.session.compression);
    if (ck.duration(j, path, "keepalive", d))
        c.session.keepalive_interval = std::chrono::ceil<std::chrono::seconds>(d);
    ck.integer(j, path, "keepalive_count", c.session.keepalive_count_max, 1, 1000);
    // Keys given win over ssh_config, as flags on the command line do.
    c.given = {j.contains("user"),
               j.contains("port"),
               j.contains("identity"),
               j.contains("connect_timeout"),
               j.contains("known_hosts"),
               false,
               j.contains("host_key_policy"),
               j.contains("agent"),
               j.contains("connect_retries"),
               j.contains("compression"),
               j.contains("keepalive"),
               j.contains("keepalive_count")};
    if (ck.string(j, path, "jump", text))
        ck.take(path + ".jump", ssh::parse_jump_hosts(text), c.jump);
    std::string ssh_config;
    if (ck.string(j, path, "ssh_config", ssh_config) && ssh_config != "none")
        ssh_config = ck.resolve(ssh_config);
    ck.take(path + ".ssh_config", app::load_ssh_config(ssh_config), c.config_files);
}

void read_exec_mode(checker& ck, const json& j, const std::string& path, app::exec_config& c) {
    ck.boolean(j, path, "pty", c.pty);
    ck.boolean(j, path, "sudo", c.sudo);
    if (ck.string(j, path, "sudo_user", c.sudo_user)) c.sudo = true;
    std::string source;
    if (ck.string(j, path, "sudo_password_env", source))
        ck.take(path + ".sudo_password_env", secret_from_env(source), c.sudo_password);
    if (ck.file_path(j, path, "sudo_password_file", source))
        ck.take(path + ".sudo_password_file", secret_from_file(source), c.sudo_password);
    if (c.sudo_password && !c.sudo) ck.problem(path, "a sudo password needs \"sudo\": true");
}

// A local job: "command" as argv words (a string is one sh -c script),
// "shell", "timeout", "kill_after".
void read_local(checker& ck, const json& j, const std::string& path, app::local_config& c) {
    if (!j.contains("command")) ck.problem(path, "missing \"command\"");
    if (ck.strings(j, path, "command", c.command)) {
        c.shell = j["command"].is_string();
        if (auto p = app::command_problem(c.command)) ck.problem(path + ".command", *p);
    }
    ck.boolean(j, path, "shell", c.shell);
    std::chrono::milliseconds d{};
    if (ck.duration(j, path, "timeout", d)) c.timeout = d;
    if (ck.timeout(j, path, "kill_after", d)) c.kill_grace = d;
}

} // namespace asyncfetch::schedule
