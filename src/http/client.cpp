// The HTTP(S) client: a fetch is attempts with backoff (http/retry), each
// attempt a chain of redirects, each hop one request (connection_pool.cpp,
// open_connection.cpp, exchange.cpp).
#include "client_impl.hpp"

#include "asyncfetch/core/error.hpp"
#include "asyncfetch/http/credentials.hpp"
#include "asyncfetch/http/decode.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace asio = boost::asio;

namespace asyncfetch::http {
namespace {

bool is_redirect(unsigned status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

} // namespace

asio::awaitable<fetch_result> client::impl::fetch(std::string url) {
    fetch_result res;
    res.final_url = url;
    auto parsed = parse_url(url);
    if (!parsed) {
        res.ec = make_error_code(errc::bad_url);
        res.error = "url: " + parsed.problem();
        co_return res;
    }
    std::uniform_real_distribution<double> jitter(0.0, 1.0);
    for (int attempt = 1;; ++attempt) {
        res.attempts = attempt;
        const auto outcome = co_await follow_redirects(*parsed, res);
        // Timeouts arrive as their own codes, so an abort is the user's cancel.
        if (res.ec == asio::error::operation_aborted) throw boost::system::system_error(res.ec);
        const auto delay = retry_delay(options.retry, attempt, outcome, jitter(rng));
        if (!delay) break;
        // Back off before the next attempt (a user cancel interrupts the wait).
        asio::steady_timer pause(ex, *delay);
        co_await pause.async_wait(asio::use_awaitable);
    }
    co_return res;
}

asio::awaitable<attempt_outcome> client::impl::follow_redirects(const http_url& start,
                                                                fetch_result& res) {
    http_url current = start;
    for (int redirects = 0;; ++redirects) {
        response resp;
        const bool with_credentials =
            credentials_may_follow(start, current, options.location_trusted);
        const auto failed = co_await request_once(current, with_credentials, resp, res);
        res.final_url = current.text;
        res.status = resp.status;
        res.ec = failed.ec;
        res.error = failed.message;
        if (failed) co_return attempt_outcome{failed.ec, failed.connect_failed, 0, std::nullopt};

        if (is_redirect(resp.status) && !resp.location.empty()) {
            if (redirects >= options.max_redirects) {
                res.ec = make_error_code(errc::too_many_redirects);
                res.error = "redirect: more than " + std::to_string(options.max_redirects) +
                            " redirects (--max-redirects)";
                co_return attempt_outcome{res.ec, false, resp.status, std::nullopt};
            }
            auto next = resolve_location(current, resp.location);
            if (!next) {
                res.ec = make_error_code(errc::bad_redirect);
                res.error = "redirect: " + next.problem();
                co_return attempt_outcome{res.ec, false, resp.status, std::nullopt};
            }
            current = std::move(*next);
            continue;
        }

        if (auto ec = decode_body(resp.content_encoding, resp.body, options.max_body)) {
            res.ec = ec;
            res.error =
                "decode: " + ec.message() + " (Content-Encoding: " + resp.content_encoding + ")";
            co_return attempt_outcome{ec, false, resp.status, std::nullopt};
        }
        res.bytes = resp.body.size();
        res.content_type = resp.content_type;
        if (options.keep_body) res.body = std::move(resp.body);

        attempt_outcome outcome{{}, false, resp.status, std::nullopt};
        if (resp.status >= 400) {
            res.ec = make_error_code(errc::http_status);
            res.error = "http: status " + std::to_string(resp.status) + " " + resp.reason;
            outcome.retry_after =
                parse_retry_after(resp.retry_after, std::chrono::system_clock::now());
        }
        co_return outcome;
    }
}

client::client(asio::any_io_executor ex, client_options options)
    : impl_(std::make_unique<impl>(std::move(ex), std::move(options))) {}

client::~client() = default;

asio::awaitable<fetch_result> client::fetch(std::string url) {
    return impl_->fetch(std::move(url));
}

const client_stats& client::stats() const noexcept {
    return impl_->stats;
}

const client_options& client::options() const noexcept {
    return impl_->options;
}

} // namespace asyncfetch::http
