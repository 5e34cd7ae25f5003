#include "asyncfetch/app/fetch.hpp"

#include <algorithm>

#include "asyncfetch/http/cookie_jar.hpp"
#include "asyncfetch/http/request_line.hpp"
#include "asyncfetch/http/url.hpp"
#include "asyncfetch/http/url_problem.hpp"

#include <chrono>

namespace asio = boost::asio;

namespace asyncfetch::app {

std::optional<std::string> url_line_problem(std::string_view text) {
    auto problem = http::url_problem(text); // parse_url's, without its result
    if (!problem) return std::nullopt;
    return "invalid URL '" + std::string(text) + "': " + *problem;
}

std::optional<std::string> request_line_problem(std::string_view text) {
    if (http::is_request_line(text)) {
        auto line = http::parse_request_line(text);
        if (!line) return line.problem();
        // A body file that cannot be read is the input's mistake, found now.
        if (!line->body_file.empty())
            if (auto body = http::read_body_file(line->body_file); !body)
                return "body_file: " + body.problem();
        return std::nullopt;
    }
    return url_line_problem(text);
}

namespace {

// One target's request: a URL line gets the flags' method and body; a
// request line its own (falling back to the flags').
struct fetch_target {
    http::request req;
    nlohmann::json id;
    std::string problem; // the body file could not be read after all
};

fetch_target target_request(const std::string& text, const http::client_options& options) {
    fetch_target out;
    if (!http::is_request_line(text)) {
        out.req.url = text;
        out.req.method.clear();
        out.req.body = options.body;
        return out;
    }
    auto line = http::parse_request_line(text); // checked when the input was read
    if (!line) {
        out.req.url = text;
        out.problem = "request: " + line.problem();
        return out;
    }
    out.req = std::move(line->req);
    out.id = std::move(line->id);
    if (!line->body_file.empty()) {
        auto body = http::read_body_file(line->body_file);
        if (!body)
            out.problem = "body_file: " + body.problem();
        else
            out.req.body = std::move(*body);
    } else if (!line->has_body) {
        out.req.body = options.body;
    }
    return out;
}

record problem_record(const fetch_target& wanted) {
    auto r = fetch_record(wanted.req.url, nullptr, wanted.problem, outcome::failed, 0);
    if (!wanted.id.is_null()) r.fields["id"] = wanted.id;
    return r;
}

record finished_record(const http::client_options& options, const std::string& url,
                       const nlohmann::json& id, const http::fetch_result& res,
                       std::chrono::steady_clock::time_point start) {
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    auto r = fetch_record(url, &res, res.error, res.ec ? outcome::failed : outcome::ok, ms);
    if (!id.is_null()) r.fields["id"] = id;
    if (res.method != "GET") r.fields["method"] = res.method;
    http::add_kept_fields(r, res, options.keep_body);
    return r;
}

// A target's record. Only what outlives the fetch is in the frame (the
// request as asked, its result): with thousands held, each byte here counts.
asio::awaitable<record> fetch_to_record(http::client& c, const target& t) {
    const auto start = std::chrono::steady_clock::now();
    auto wanted = target_request(t.text, c.options());
    if (!wanted.problem.empty()) co_return problem_record(wanted);
    const std::string url = wanted.req.url;
    http::fetch_result res;
    co_await c.fetch(std::move(wanted.req), res);
    co_return finished_record(c.options(), url, wanted.id, res, start);
}

// The run's client; with --cookie-jar, its cookies are written when the pass
// is over. A failure is kept for the run's end (job_kind::late_failure): the
// records are already out, the exit status says it.
struct client_owner {
    std::shared_ptr<http::client> client;
    std::shared_ptr<std::string> jar_error;
    ~client_owner() {
        const auto& jar = client->options().cookie_jar;
        if (jar.empty()) return;
        if (auto error = http::write_cookie_jar(jar, client->cookies()); !error.empty())
            *jar_error = "--cookie-jar: " + error;
    }
};

} // namespace

job_kind fetch_job(const http::client_options& options) {
    job_kind kind;
    auto jar_error = std::make_shared<std::string>();
    kind.late_failure = [jar_error] { return *jar_error; };
    kind.make_operation = [options, jar_error](asio::any_io_executor ex) {
        auto client = std::make_shared<http::client>(ex, options);
        operation fetch_one = [c = client.get()](const target& t) {
            return fetch_to_record(*c, t);
        };
        return std::make_pair(
            std::move(fetch_one),
            std::shared_ptr<void>(std::make_shared<client_owner>(client_owner{client, jar_error})));
    };
    kind.error_record = [](const std::string& text, std::string error, outcome result) {
        return fetch_record(text, nullptr, std::move(error), result, 0);
    };
    // --per-host stays a limit for the whole run with -j N: each worker gets
    // its share (at least 1: below N, the total is N).
    kind.make_worker_operation = [options](asio::any_io_executor ex, std::size_t processes) {
        auto share = options;
        if (share.per_host > 0)
            share.per_host = std::max<std::size_t>(1, share.per_host / processes);
        return fetch_job(share).make_operation(std::move(ex));
    };
    if (options.per_host > 0) {
        kind.queue_limit = [per_host = options.per_host](std::size_t processes) {
            std::string text = "--per-host " + std::to_string(per_host);
            if (processes > 1) {
                const auto share = std::max<std::size_t>(1, per_host / processes);
                text += " (" + std::to_string(share) + " per process";
                if (share * processes > per_host)
                    text += ": " + std::to_string(share * processes) + " in all";
                text += ")";
            }
            return text;
        };
        kind.queue_lift = "--per-host 0";
    }
    // The classic gevent demo's lines.
    kind.started_line = [](const target& t) { return "GET: " + t.text; };
    kind.finished_line = [](const target& t, const record& r) {
        return r.result == outcome::ok ? std::to_string(r.bytes) + " bytes received from " + t.text
                                       : "error from " + t.text + ": " + r.error;
    };
    return kind;
}

int run_fetch(const fetch_config& config) {
    // Streamed: a list of any length runs in memory that grows with -c.
    target_input input(config.input, request_line_problem, config.keep_going);
    if (!input.check()) return exit_usage;
    return run_targets(config.run, fetch_job(config.client), input);
}

} // namespace asyncfetch::app
