#include "http_flags.hpp"

#include "asyncfetch/http/header_file.hpp"
#include "asyncfetch/http/options_parse.hpp"

namespace asyncfetch::cli {

void add_http_options(CLI::App& cmd, http::client_options& c, header_flags& h) {
    add_count(cmd, "--per-host", c.per_host, 0, http::max_per_host,
              "Requests in flight per host (0: no limit)");
    add_duration(cmd, "--timeout", c.limits.request, zero::refused,
                 "How long one request attempt may take, connect to last byte (30s, 1.5s, "
                 "200ms; a plain number is seconds)");
    add_duration(cmd, "--connect-timeout", c.limits.connect, zero::refused,
                 "How long to connect may take");
    add_duration(cmd, "--resolve-timeout", c.limits.resolve, zero::refused,
                 "How long resolving a host name may take");
    add_duration(cmd, "--tls-timeout", c.limits.tls, zero::refused,
                 "How long the TLS handshake may take");
    add_count(cmd, "--retries", c.retry.retries, 0, http::max_retries,
              "Retries on connect errors, 429 and 5xx (backoff, Retry-After)");
    add_count(cmd, "--max-redirects", c.max_redirects, 0, http::max_redirects_bound,
              "Redirects to follow");
    add_parsed(cmd, "--max-body", c.max_body, parse_size,
               "Largest body to accept after decoding (e.g. 512K, 64M)")
        ->type_name("SIZE")
        ->default_str(format_size(c.max_body));
    cmd.add_option("-H,--header", h.headers,
                   "Extra request header 'Name: value', or @FILE: one a line, values secret "
                   "(repeatable)")
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    cmd.add_option("--header-env", h.header_env,
                   "NAME=VAR: header NAME, its secret value in environment variable VAR "
                   "(repeatable)")
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    cmd.add_flag("--location-trusted", c.location_trusted,
                 "Send credentials (Authorization, Cookie, secret headers) along redirects to "
                 "other hosts too (never from https to http)");
    cmd.add_option("-A,--user-agent", c.user_agent, "User-Agent header")->default_str(c.user_agent);
    cmd.add_option("--cacert", c.ca_file,
                   "Trust the CA certificates in this PEM file instead of the system's")
        ->check(CLI::ExistingFile);
    cmd.add_flag(
        "-k,--insecure", [&c](std::int64_t) { c.verify_tls = false; },
        "Do not verify TLS certificates or host names (unsafe)");
    add_dns_options(cmd, c.dns);
}

void finish_http_options(http::client_options& c, const header_flags& h) {
    // Headers whose values are secret: from files (-H @FILE) and the environment.
    for (const auto& spec : h.headers) {
        if (!spec.starts_with('@')) continue;
        auto file = http::read_header_file(spec.substr(1));
        if (!file) throw CLI::ValidationError("--header", file.problem());
        for (auto& [name, value] : *file) {
            c.secret_headers.push_back(name);
            c.headers.emplace_back(name, std::move(value));
        }
    }
    for (const auto& spec : h.header_env) {
        auto header = http::parse_header_env(spec);
        if (!header) throw CLI::ValidationError("--header-env", header.problem());
        c.secret_headers.push_back(header->first);
        c.headers.push_back(std::move(*header));
    }
    finish_dns_flags(c.dns);
    for (const auto& spec : h.headers) {
        if (spec.starts_with('@')) continue; // a file, read above
        auto header = http::parse_header_line(spec);
        if (!header) throw CLI::ValidationError("--header", header.problem());
        c.headers.push_back(std::move(*header));
    }
}

// What to follow and how politely.
void add_crawl_options(CLI::App& cmd, crawl_flags& f) {
    auto& c = f.options;
    add_count(cmd, "-d,--depth", c.depth, 0, crawl::max_depth,
              "Links to follow from the seeds (0: the seeds only)");
    cmd.add_option("--scope", f.scope,
                   "Which links to follow: same-host (as the seeds), same-domain (last two "
                   "labels of the seeds' hosts), or prefix:URL")
        ->default_str("same-host");
    cmd.add_option("--include", c.include,
                   "Follow only URLs matching this regex (repeatable: any may match)")
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    cmd.add_option("--exclude", c.exclude, "Do not follow URLs matching this regex (repeatable)")
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    cmd.add_flag("--assets", c.assets, "Also follow <link href> and <img src>, not only <a href>");
    cmd.add_flag("--sort-query", c.sort_query,
                 "Treat URLs differing only in query parameter order as one");
    cmd.add_flag("--ignore-robots", c.ignore_robots, "Neither fetch nor obey robots.txt");
    add_duration(cmd, "--delay", c.delay, zero::allowed,
                 "Pause between requests to one host (robots.txt Crawl-delay, if longer, wins)");
    add_count(cmd, "--max-pages", c.max_pages, 0, crawl::max_max_pages,
              "Fetch at most N pages, seeds included (0: no cap)");
}

void finish_crawl_options(crawl_flags& f) {
    auto& c = f.options;
    if (!f.scope.empty()) {
        auto scope = crawl::parse_scope(f.scope, c.sort_query);
        if (!scope) throw CLI::ValidationError("--scope", scope.problem());
        c.scope = std::move(scope).value();
    }
    for (const auto* list : {&c.include, &c.exclude})
        for (const auto& re : *list)
            if (auto compiled = crawl::parse_regex(re); !compiled)
                throw CLI::ValidationError(list == &c.include ? "--include" : "--exclude",
                                           compiled.problem());
}

} // namespace asyncfetch::cli
