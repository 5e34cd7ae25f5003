// The HTTP(S) client: a fetch is attempts with backoff (http/retry), each
// attempt a chain of redirects, each hop one request (connection_pool.cpp,
// open_connection.cpp, exchange.cpp).
#include "client_impl.hpp"

#include "asyncfetch/core/error.hpp"
#include "asyncfetch/http/credentials.hpp"
#include "asyncfetch/http/decode.hpp"
#include "asyncfetch/http/save_path.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <memory>

namespace asio = boost::asio;

namespace asyncfetch::http {
namespace {

bool is_redirect(unsigned status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

// --continue: a 416 whose Content-Range says the whole is the part we kept.
bool kept_part_is_whole(const detail::download& save, const detail::response& resp) {
    if (resp.status != 416 || save.offset() == 0) return false;
    const auto total = detail::unsatisfied_total(resp.content_range);
    return total && *total == save.offset();
}

// The body is all in the file (or was already): it takes its name.
attempt_outcome finish_download(detail::download& save, const detail::response& resp,
                                fetch_result& res) {
    if ((!resp.saved && !save.go_on()) || !save.commit()) {
        res.ec = make_error_code(boost::system::errc::io_error);
        res.error = "save: " + save.error();
        return {res.ec, false, resp.status, std::nullopt};
    }
    res.saved_file = save.path();
    res.sha256 = save.sha256_hex();
    res.bytes = save.bytes();
    res.resumed = save.resumed();
    res.content_type = resp.content_type;
    return {{}, false, resp.status, std::nullopt};
}

} // namespace

asio::awaitable<void> client::impl::fetch(request req, fetch_result& res) {
    res.final_url = req.url;
    if (req.method.empty()) req.method = options.method;
    if (req.method.empty()) req.method = req.body.empty() ? "GET" : "POST";
    res.method = req.method;
    auto parsed = parse_url(req.url);
    if (!parsed) {
        res.ec = make_error_code(errc::bad_url);
        res.error = "url: " + parsed.problem();
        co_return;
    }
    // --save: the file is named after the URL asked for, wherever it redirects.
    // On the heap: a fetch without --save keeps no download in its frame.
    std::unique_ptr<detail::download> save;
    if (!options.save_dir.empty()) {
        auto where = save_path(*parsed);
        if (!where) {
            res.ec = make_error_code(boost::system::errc::invalid_argument);
            res.error = where.problem();
            co_return;
        }
        save = std::make_unique<detail::download>(options.save_dir + "/" + *where, options.resume,
                                                  options.max_saved_body);
        if (!save->error().empty()) {
            res.ec = make_error_code(boost::system::errc::io_error);
            res.error = "save: " + save->error();
            co_return;
        }
    }
    detail::download* saving = save.get();
    const auto cached = make_conditional(req, saving);
    std::uniform_real_distribution<double> jitter(0.0, 1.0);
    for (int attempt = 1;; ++attempt) {
        res.attempts = attempt;
        const auto outcome = co_await follow_redirects(*parsed, req, saving, res);
        // Timeouts arrive as their own codes, so an abort is the user's cancel.
        if (res.ec == asio::error::operation_aborted) throw boost::system::system_error(res.ec);
        // Sent twice, a POST may do its work twice (RFC 9110 9.2.2).
        if (!is_idempotent(req.method) && !options.retry_all) break;
        const auto delay = retry_delay(options.retry, attempt, outcome, jitter(rng));
        if (!delay) break;
        // Back off before the next attempt (a user cancel interrupts the wait).
        asio::steady_timer pause(ex, *delay);
        co_await pause.async_wait(asio::use_awaitable);
    }
    remember_validators(req.url, cached, res);
    co_return;
}

asio::awaitable<attempt_outcome> client::impl::follow_redirects(const http_url& start,
                                                                const request& first,
                                                                detail::download* save,
                                                                fetch_result& res) {
    // Copied only once a redirect changes them: a held request keeps no
    // copy of its URL and request in this frame.
    std::unique_ptr<http_url> redirected;
    std::unique_ptr<request> changed;
    bool range_asked_again = false;
    for (int redirects = 0;; ++redirects) {
        const http_url& current = redirected ? *redirected : start;
        const request& hop = changed ? *changed : first;
        response resp;
        const bool with_credentials =
            credentials_may_follow(start, current, options.location_trusted);
        const auto failed = co_await request_once(current, hop, with_credentials, save, resp, res);
        res.final_url = current.text;
        res.status = resp.status;
        res.ec = failed.ec;
        res.error = failed.message;
        res.headers = std::move(resp.recorded);
        if (failed) co_return attempt_outcome{failed.ec, failed.connect_failed, 0, std::nullopt};
        take_cookies(current, resp.set_cookies); // redirects' too, as browsers and curl
        res.etag = std::move(resp.etag);
        res.last_modified = std::move(resp.last_modified);

        // --continue: a 206 for bytes we did not ask for. The kept part is
        // dropped and the whole body asked for, once.
        if (resp.range_rejected && !range_asked_again && save && save->start_over()) {
            range_asked_again = true;
            --redirects;
            continue;
        }
        if (resp.range_rejected) {
            res.ec = make_error_code(errc::unasked_response);
            res.error = "save: a 206 with Content-Range '" + resp.content_range +
                        "' for a request without a Range";
            co_return attempt_outcome{res.ec, false, resp.status, std::nullopt};
        }
        if (save && (resp.saved || kept_part_is_whole(*save, resp))) {
            co_return finish_download(*save, resp, res);
        }

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
            redirected = std::make_unique<http_url>(std::move(*next));
            if (!changed) changed = std::make_unique<request>(first);
            follow_redirect_method(resp.status, changed->method, changed->body);
            if (cache) remove_conditional_headers(changed->headers); // another resource
            continue;
        }

        std::string why;
        if (auto ec = decode_body(resp.content_encoding, resp.body, options.max_body, &why)) {
            res.ec = ec;
            res.error = "decode: " + (why.empty() ? ec.message() : why) +
                        " (Content-Encoding: " + resp.content_encoding + ")";
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
    request req;
    req.url = std::move(url);
    req.method.clear();
    req.body = impl_->options.body;
    return fetch(std::move(req));
}

asio::awaitable<fetch_result> client::fetch(request req) {
    fetch_result res;
    co_await impl_->fetch(std::move(req), res);
    co_return res;
}

asio::awaitable<void> client::fetch(request req, fetch_result& into) {
    return impl_->fetch(std::move(req), into);
}

const client_stats& client::stats() const noexcept {
    return impl_->stats;
}

const client_options& client::options() const noexcept {
    return impl_->options;
}

} // namespace asyncfetch::http
