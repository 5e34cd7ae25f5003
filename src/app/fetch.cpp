#include "asyncfetch/app/fetch.hpp"

#include <algorithm>

#include "asyncfetch/http/url.hpp"

#include <chrono>

namespace asio = boost::asio;

namespace asyncfetch::app {

std::optional<std::string> url_line_problem(std::string_view text) {
    auto parsed = http::parse_url(text);
    if (parsed) return std::nullopt;
    return "invalid URL '" + std::string(text) + "': " + parsed.problem();
}

job_kind fetch_job(const http::client_options& options) {
    job_kind kind;
    kind.make_operation = [options](asio::any_io_executor ex) {
        auto client = std::make_shared<http::client>(ex, options);
        operation fetch_one = [c = client.get()](const target& t) -> asio::awaitable<record> {
            const auto start = std::chrono::steady_clock::now();
            auto res = co_await c->fetch(t.text);
            const double ms =
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                    .count();
            co_return fetch_record(t.text, &res, res.error, res.ec ? outcome::failed : outcome::ok,
                                   ms);
        };
        return std::make_pair(std::move(fetch_one), std::shared_ptr<void>(client));
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
    input_file input;
    if (!read_input(config.input, url_line_problem, config.keep_going, input)) return exit_usage;
    return run_targets(config.run, fetch_job(config.client), input.targets, input.problems);
}

} // namespace asyncfetch::app
