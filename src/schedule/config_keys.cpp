#include "config_keys.hpp"

#include <iterator>

namespace asyncfetch::schedule {
namespace {

// Plain arrays, not sets: built at start-up, sets cost every process
// ~60,000 instructions, config or not.
constexpr const char* common_keys[] = {"name",     "description", "kind",       "targets",
                                       "schedule", "output",      "keep_going", "concurrency"};
constexpr const char* process_keys[] = {"processes", "ordered", "max_failures", "fail_fast",
                                        "on_failure"};
constexpr const char* http_keys[] = {"per_host",        "timeout",
                                     "connect_timeout", "resolve_timeout",
                                     "tls_timeout",     "retries",
                                     "max_redirects",   "max_body",
                                     "headers",         "user_agent",
                                     "cacert",          "insecure",
                                     "http_version",    "http2_prior_knowledge"};
constexpr const char* tls_keys[] = {"cert", "key", "key_passphrase_env", "tls_min"};
constexpr const char* proxy_keys[] = {"proxy", "noproxy", "user_env", "bearer_env"};
constexpr const char* request_keys[] = {"method",   "data",      "data_file",
                                        "json",     "retry_all", "save",
                                        "continue", "body",      "record_headers"};
constexpr const char* kept_state_keys[] = {"cache", "netrc", "netrc_file", "cookies", "cookie_jar"};
constexpr const char* crawl_keys[] = {
    "depth",      "scope",         "include",  "exclude",   "assets",
    "sort_query", "ignore_robots", "delay",    "max_pages", "ignore_meta_robots",
    "links",      "extract",       "sitemaps", "state", "frontier_memory"};
constexpr const char* ssh_keys[] = {"user",
                                    "port",
                                    "identity",
                                    "known_hosts",
                                    "host_key_policy",
                                    "password_env",
                                    "password_file",
                                    "passphrase_env",
                                    "agent",
                                    "connect_timeout",
                                    "timeout",
                                    "ssh_config",
                                    "connect_retries",
                                    "compression",
                                    "keepalive",
                                    "keepalive_count",
                                    "jump"};
constexpr const char* exec_keys[] = {
    "command", "out_dir", "pty", "sudo", "sudo_user", "sudo_password_env", "sudo_password_file"};
constexpr const char* transfer_keys[] = {"source",   "destination", "recursive", "update",
                                         "checksum", "resume",      "fsync"};
constexpr const char* local_keys[] = {"command", "shell", "timeout", "kill_after"};

} // namespace

keys allowed_keys(job_type t) {
    keys k(std::begin(common_keys), std::end(common_keys));
    auto add = [&k](const auto& more) { k.insert(std::begin(more), std::end(more)); };
    if (t != job_type::crawl) add(process_keys);
    if (t == job_type::fetch || t == job_type::crawl) add(http_keys);
    if (t == job_type::fetch) add(request_keys);
    if (t == job_type::fetch) add(kept_state_keys);
    if (t == job_type::fetch || t == job_type::crawl) add(proxy_keys);
    if (t == job_type::fetch || t == job_type::crawl) add(tls_keys);
    if (t == job_type::crawl) add(crawl_keys);
    if (t == job_type::ssh || t == job_type::put || t == job_type::get) add(ssh_keys);
    if (t == job_type::ssh) add(exec_keys);
    if (t == job_type::put || t == job_type::get) add(transfer_keys);
    if (t == job_type::local) add(local_keys);
    return k;
}

} // namespace asyncfetch::schedule
