#include "http_flags.hpp"
#include "tls_flags.hpp"

#include "asyncfetch/http/cache.hpp"
#include "asyncfetch/http/cookie_jar.hpp"
#include "asyncfetch/http/credentials.hpp"
#include "asyncfetch/http/header_file.hpp"
#include "asyncfetch/http/options_parse.hpp"
#include "asyncfetch/http/request_line.hpp"

#include <filesystem>

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
    cmd.add_option("--user-env", h.user_env,
                   "Basic auth: 'user:password' in environment variable VAR, sent only to each "
                   "URL's own origin")
        ->type_name("VAR");
    cmd.add_option("--bearer-env", h.bearer_env,
                   "Authorization: Bearer TOKEN, the token in environment variable VAR, sent "
                   "only to each URL's own origin")
        ->type_name("VAR");
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
    add_tls_flags(cmd, c.tls, h.key_passphrase_env);
    auto* h1 = cmd.add_flag(
        "--http1.1", [&c](std::int64_t) { c.version = http::http_version::http1_1; },
        "HTTP/1.1 only (default: HTTP/2 where TLS's ALPN offers it, else HTTP/1.1)");
    cmd.add_flag(
           "--http2", [&c](std::int64_t) { c.version = http::http_version::http2; },
           "HTTP/2 only for https:// (a server without it fails); http:// stays HTTP/1.1 "
           "unless --http2-prior-knowledge")
        ->excludes(h1);
    cmd.add_flag("--http2-prior-knowledge", c.http2_prior_knowledge,
                 "http:// URLs over HTTP/2 without asking (cleartext h2c)")
        ->excludes(h1);
    add_dns_options(cmd, c.dns);
    h.proxy_given = cmd.add_option("--proxy", h.proxy,
                                   "Proxy for every URL: http://HOST:PORT (CONNECT for https), "
                                   "socks5://, socks5h:// (default: http_proxy, HTTPS_PROXY, "
                                   "ALL_PROXY as curl; \"\": none); credentials only in those "
                                   "variables")
                        ->type_name("URL");
    h.noproxy_given = cmd.add_option("--noproxy", h.noproxy,
                                     "Hosts reached directly, comma-separated (a name covers its "
                                     "subdomains; '*': all); default NO_PROXY")
                          ->type_name("LIST");
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
    // Authorization is a credential header: it stays with the URL's origin.
    if (!h.user_env.empty()) {
        const auto pair = env_secret(h.user_env, "--user-env");
        if (pair.find(':') == std::string::npos)
            throw CLI::ValidationError("--user-env", h.user_env + " holds no 'user:password'");
        c.headers.emplace_back("Authorization", http::basic_authorization(pair));
    }
    if (!h.bearer_env.empty())
        c.headers.emplace_back("Authorization",
                               "Bearer " + env_secret(h.bearer_env, "--bearer-env"));
    finish_dns_flags(c.dns);
    finish_tls_flags(c.tls, h.key_passphrase_env);
    auto proxies = http::choose_proxies(h.proxy_given->count() ? h.proxy.c_str() : nullptr,
                                        h.noproxy_given->count() ? h.noproxy.c_str() : nullptr);
    if (!proxies) throw CLI::ValidationError("--proxy", proxies.problem());
    c.proxies = std::move(*proxies);
    for (const auto& spec : h.headers) {
        if (spec.starts_with('@')) continue; // a file, read above
        auto header = http::parse_header_line(spec);
        if (!header) throw CLI::ValidationError("--header", header.problem());
        c.headers.push_back(std::move(*header));
    }
}

void add_request_options(CLI::App& cmd, http::client_options& c, request_flags& r,
                         bool short_names) {
    add_parsed(cmd, short_names ? "-X,--request" : "--request", c.method, http::parse_method,
               "Request method (default: POST with --data or --json, else GET)")
        ->type_name("METHOD");
    cmd.add_option(short_names ? "-d,--data" : "--data", r.data,
                   "Request body: TEXT, @FILE or @- (standard input), sent as is")
        ->type_name("DATA");
    cmd.add_flag("--json", r.json,
                 "The body is JSON: Content-Type and Accept application/json (as curl --json)");
    cmd.add_flag("--retry-all", c.retry_all,
                 "Retry every method, not only idempotent ones (a POST may then act twice)");
    // What is kept of each response.
    cmd.add_option("--save", c.save_dir,
                   "Stream each 2xx body to DIR/HOST/PATH (as wget -x; '/' is index.html, a "
                   "query stays in the name), atomically; file and sha256 in the record")
        ->type_name("DIR");
    cmd.add_flag("--continue", c.resume,
                 "With --save: keep a failed download as FILE.part and ask for the rest "
                 "(Range) next time; a server that ignores it sends the whole");
    cmd.add_flag("--body", c.keep_body,
                 "Copy the body into the record (64 KiB at most; text, else base64)");
    add_parsed(cmd, "--record-headers", c.record_headers, http::parse_header_names,
               "Copy these response headers into the record (e.g. ETag,Last-Modified)")
        ->type_name("LIST");
    r.max_body = cmd.get_option_no_throw("--max-body"); // none in worker
    // What the run remembers, and credentials kept in files.
    cmd.add_option("--cache", c.cache_dir,
                   "Keep each URL's ETag and Last-Modified in DIR and ask next time whether it "
                   "changed (a 304 is \"not_modified\"; --save keeps the file)")
        ->type_name("DIR");
    cmd.add_flag("--netrc", r.netrc,
                 "Basic auth from ~/.netrc for each URL's host (as curl; not sent after a "
                 "redirect to another origin)");
    cmd.add_option("--netrc-file", r.netrc_file, "As --netrc, from FILE")->type_name("FILE");
    r.cookie_given = cmd.add_option(short_names ? "-b,--cookie" : "--cookie", r.cookie_file,
                                    "Keep cookies through the run (RFC 6265), starting with "
                                    "those in FILE (curl's Netscape format; \"\": none)")
                         ->type_name("FILE");
    cmd.add_option("--cookie-jar", c.cookie_jar,
                   "Keep cookies through the run and write them to FILE at its end (curl's "
                   "format, atomically; not with -j above 1)")
        ->type_name("FILE");
}

void finish_request_options(http::client_options& c, const request_flags& r,
                            const std::string& input) {
    if (r.data == "@-" && input == "-")
        throw CLI::ValidationError("--data", "@- reads standard input, which the URL list uses");
    if (!r.data.empty()) {
        auto body = http::read_data(r.data);
        if (!body) throw CLI::ValidationError("--data", body.problem());
        c.body = std::move(*body);
    }
    if (r.json) http::add_json_headers(c.headers);
    if (c.resume && c.save_dir.empty())
        throw CLI::ValidationError("--continue", "resumes downloads: give --save DIR too");
    if (r.max_body && r.max_body->count() > 0) c.max_saved_body = c.max_body;
    if (r.netrc && !r.netrc_file.empty())
        throw CLI::ValidationError("--netrc", "give --netrc or --netrc-file, not both");
    // ~/.netrc may be missing (curl then sends none); a file named must be there.
    const auto netrc_path = r.netrc ? http::default_netrc_path() : r.netrc_file;
    if (!netrc_path.empty() && (!r.netrc || std::filesystem::exists(netrc_path))) {
        auto entries = http::read_netrc(netrc_path);
        if (!entries)
            throw CLI::ValidationError(r.netrc ? "--netrc" : "--netrc-file", entries.problem());
        c.netrc_entries = std::move(*entries);
    }
    c.use_cookies = r.cookie_given->count() > 0 || !c.cookie_jar.empty();
    if (!r.cookie_file.empty()) {
        auto jar = http::read_cookie_jar(r.cookie_file);
        if (!jar) throw CLI::ValidationError("--cookie", jar.problem());
        c.cookies = std::move(*jar);
    }
    if (!c.cache_dir.empty()) {
        auto dir = http::prepare_cache_dir(c.cache_dir);
        if (!dir) throw CLI::ValidationError("--cache", dir.problem());
    }
}

// What to follow and how politely.
void add_crawl_options(CLI::App& cmd, crawl_flags& f) {
    auto& c = f.options;
    add_count(cmd, "-d,--depth", c.depth, 0, crawl::max_depth,
              "Links to follow from the seeds (0: the seeds only)");
    cmd.add_option("--scope", f.scope,
                   "Which links to follow: same-host (as the seeds), same-domain (the seeds' "
                   "registrable domains, by the Public Suffix List), or prefix:URL")
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
    cmd.add_flag("--sitemaps", c.sitemaps,
                 "Also crawl the URLs of the seeds' sitemaps (robots.txt Sitemap: lines, "
                 "/sitemap.xml)");
    cmd.add_flag(
        "--ignore-meta-robots", c.ignore_meta_robots,
        "Follow links of <meta name=robots content=nofollow> pages and rel=nofollow links");
    cmd.add_flag("--links", c.links,
                 "Put each HTML page's links (absolute, each once) in its record");
    cmd.add_option("--extract", f.extract,
                   "NAME=XPATH: the XPath's text on each HTML page into the record's extract.NAME "
                   "(repeatable)")
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

void finish_crawl_options(crawl_flags& f) {
    auto& c = f.options;
    if (!f.scope.empty()) {
        auto scope = crawl::parse_scope(f.scope, c.sort_query);
        if (!scope) throw CLI::ValidationError("--scope", scope.problem());
        c.scope = std::move(scope).value();
    }
    for (const auto& text : f.extract) {
        auto x = crawl::parse_extraction(text);
        if (!x) throw CLI::ValidationError("--extract", x.problem());
        c.extract.push_back(std::move(x).value());
    }
    for (const auto* list : {&c.include, &c.exclude})
        for (const auto& re : *list)
            if (auto compiled = crawl::parse_regex(re); !compiled)
                throw CLI::ValidationError(list == &c.include ? "--include" : "--exclude",
                                           compiled.problem());
}

} // namespace asyncfetch::cli
