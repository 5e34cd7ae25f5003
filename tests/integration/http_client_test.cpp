// The HTTP client against the in-process test server on 127.0.0.1.
#include "asyncfetch/core/error.hpp"
#include "asyncfetch/http/client.hpp"
#include "asyncfetch/testserver/server.hpp"
#include "tools/common.hpp"
#include "tools/listeners.hpp"
#include "tools/run_coro.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <doctest/doctest.h>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace asio = boost::asio;
using namespace asyncfetch;
using namespace asyncfetch::http;
using asyncfetch::testing::run_coro;
using asyncfetch::testing::seconds_since;
using namespace std::chrono_literals;

namespace {

client_options fast_options() {
    client_options o;
    o.retry.base_delay = 10ms;
    return o;
}

fetch_result fetch_one(const std::string& url, client_options options = fast_options()) {
    return run_coro<fetch_result>([&](asio::any_io_executor ex) -> asio::awaitable<fetch_result> {
        client c(ex, options);
        co_return co_await c.fetch(url);
    });
}

struct many_result {
    std::vector<fetch_result> results;
    client_stats stats;
};

// Fetches all URLs at once with one client.
many_result fetch_all(const std::vector<std::string>& urls,
                      client_options options = fast_options()) {
    return run_coro<many_result>([&](asio::any_io_executor ex) -> asio::awaitable<many_result> {
        client c(ex, options);
        many_result out;
        out.results.resize(urls.size());
        std::size_t done = 0;
        for (std::size_t i = 0; i < urls.size(); ++i) {
            asio::co_spawn(
                ex,
                [&, i]() -> asio::awaitable<void> {
                    out.results[i] = co_await c.fetch(urls[i]);
                    ++done;
                },
                asio::detached);
        }
        asio::steady_timer poll(ex);
        while (done < urls.size()) {
            poll.expires_after(1ms);
            co_await poll.async_wait(asio::use_awaitable);
        }
        out.stats = c.stats();
        co_return out;
    });
}

} // namespace

TEST_CASE("keep-alive: many requests share the per-host pool's few connections") {
    testserver::server server;
    std::vector<std::string> urls(60, server.base_url() + "/bytes/100");
    auto options = fast_options();
    options.per_host = 4;
    auto r = fetch_all(urls, options);
    for (auto& res : r.results) {
        CHECK_FALSE(res.ec);
        CHECK(res.status == 200);
        CHECK(res.bytes == 100);
    }
    CHECK(server.requests_served() == 60);
    CHECK(server.connections_accepted() <= 4); // counted on the server side
    CHECK(r.stats.connections_opened <= 4);
    CHECK(r.stats.connections_reused >= 56);
}

TEST_CASE("DNS results are cached for the run: one lookup for many requests") {
    testserver::server server;
    std::vector<std::string> urls(20,
                                  "http://localhost:" + std::to_string(server.port()) + "/bytes/1");
    auto r = fetch_all(urls);
    for (auto& res : r.results)
        CHECK_FALSE(res.ec);
    CHECK(r.stats.dns_lookups == 1);
}

TEST_CASE("redirects are followed up to the limit, loops are stopped") {
    testserver::server server;
    auto ok = fetch_one(server.base_url() + "/redirect/3");
    CHECK_FALSE(ok.ec);
    CHECK(ok.status == 200);
    CHECK(ok.final_url == server.base_url() + "/redirect/0");

    auto options = fast_options();
    options.max_redirects = 2;
    auto too_many = fetch_one(server.base_url() + "/redirect/3", options);
    CHECK(too_many.ec == errc::too_many_redirects);

    auto loop = fetch_one(server.base_url() + "/loop");
    CHECK(loop.ec == errc::too_many_redirects);
    CHECK(loop.error.find("more than 10 redirects") != std::string::npos);

    auto relative = fetch_one(server.base_url() + "/redirect-to?url=/bytes/7");
    CHECK(relative.bytes == 7);
    CHECK(relative.final_url == server.base_url() + "/bytes/7");
}

TEST_CASE("404 fails at once, 500 is retried, then reported with its status") {
    testserver::server server;
    auto missing = fetch_one(server.base_url() + "/status/404");
    CHECK(missing.ec == errc::http_status);
    CHECK(missing.status == 404);
    CHECK(missing.attempts == 1);
    CHECK(missing.error == "http: status 404 Not Found");

    auto broken = fetch_one(server.base_url() + "/status/500");
    CHECK(broken.ec == errc::http_status);
    CHECK(broken.status == 500);
    CHECK(broken.attempts == 3); // --retries 2
    CHECK(server.requests_served() == 4);
}

TEST_CASE("429 with Retry-After: the client waits as told, then succeeds") {
    testserver::server server;
    auto options = fast_options();
    options.retry.base_delay = 1ms; // backoff alone would retry at once
    const auto start = std::chrono::steady_clock::now();
    auto r = fetch_one(server.base_url() + "/flaky/2?key=ra&status=429&retry_after=1", options);
    CHECK_FALSE(r.ec);
    CHECK(r.status == 200);
    CHECK(r.attempts == 3);
    CHECK(seconds_since(start) >= 1.9); // two Retry-After: 1 waits
}

TEST_CASE("connection refused is retried as a connect error and reported as one") {
    auto server = std::make_unique<testserver::server>();
    const auto port = server->port();
    server.reset(); // nothing listens there now
    auto options = fast_options();
    options.retry.retries = 1;
    auto r = fetch_one("http://127.0.0.1:" + std::to_string(port) + "/", options);
    CHECK(r.ec == asio::error::connection_refused);
    CHECK(r.attempts == 2);
    CHECK(r.error.find("connect 127.0.0.1:") == 0);
}

TEST_CASE("each phase's timeout is reported as its own error") {
    auto options = fast_options();
    options.retry.retries = 0;

    SUBCASE("connect: a listener whose queue is full never answers") {
        auto l = testing::unanswered_listener();
        options.limits.connect = 300ms;
        const auto start = std::chrono::steady_clock::now();
        auto r = fetch_one("http://127.0.0.1:" + std::to_string(l.port()) + "/", options);
        CHECK(r.ec == errc::connect_timeout);
        CHECK(seconds_since(start) < 3);
    }
    SUBCASE("tls: a server that accepts but never speaks") {
        auto l = testing::silent_listener();
        options.limits.tls = 300ms;
        auto r = fetch_one("https://127.0.0.1:" + std::to_string(l.port()) + "/", options);
        CHECK(r.ec == errc::tls_timeout);
        CHECK(r.error.find("tls 127.0.0.1:") == 0);
    }
    SUBCASE("request: a response slower than --timeout") {
        testserver::server server;
        options.limits.request = 300ms;
        const auto start = std::chrono::steady_clock::now();
        auto r = fetch_one(server.base_url() + "/delay/5s", options);
        CHECK(r.ec == errc::request_timeout);
        CHECK(seconds_since(start) < 3);
    }
    SUBCASE("the whole-request limit also bounds a slow connect") {
        auto l = testing::unanswered_listener();
        options.limits.request = 300ms; // shorter than the connect limit
        auto r = fetch_one("http://127.0.0.1:" + std::to_string(l.port()) + "/", options);
        CHECK(r.ec == errc::request_timeout);
    }
}

TEST_CASE("a connection reset mid-body and a close without answer are errors") {
    testserver::server server;
    auto reset = fetch_one(server.base_url() + "/reset");
    CHECK(reset.ec == errc::connection_closed);
    CHECK(reset.error.find("closed before the response was complete") != std::string::npos);

    auto closed = fetch_one(server.base_url() + "/close");
    CHECK(closed.ec);
    CHECK(closed.status == 0);
}

TEST_CASE("bodies over --max-body fail, before and after decoding") {
    testserver::server server;
    auto options = fast_options();
    options.max_body = 1 << 20;
    auto big = fetch_one(server.base_url() + "/bytes/2000000", options);
    CHECK(big.ec == errc::body_too_large);
    auto fits = fetch_one(server.base_url() + "/bytes/1000000", options);
    CHECK_FALSE(fits.ec);
    auto bomb = fetch_one(server.base_url() + "/gzip/5000000", options); // small on the wire
    CHECK(bomb.ec == errc::body_too_large);
}

TEST_CASE("gzip bodies are decoded, bytes counts the decoded body") {
    testserver::server server;
    auto options = fast_options();
    options.keep_body = true;
    auto r = fetch_one(server.base_url() + "/gzip/100000", options);
    CHECK_FALSE(r.ec);
    CHECK(r.bytes == 100000);
    CHECK(r.body.substr(0, 5) == "abcde");
}

TEST_CASE("custom headers and User-Agent are sent, -H replaces a default") {
    testserver::server server;
    auto options = fast_options();
    options.keep_body = true;
    options.user_agent = "probe/1.0";
    options.headers = {{"X-Trace", "abc"}, {"Accept", "text/plain"}};
    auto r = fetch_one(server.base_url() + "/headers", options);
    CHECK(r.body.find("User-Agent: probe/1.0") != std::string::npos);
    CHECK(r.body.find("X-Trace: abc") != std::string::npos);
    CHECK(r.body.find("Accept: text/plain") != std::string::npos);
    CHECK(r.body.find("Accept: */*") == std::string::npos);
}

TEST_CASE("an invalid URL is an error result, not an exception") {
    auto r = fetch_one("ftp://127.0.0.1/x");
    CHECK(r.ec == errc::bad_url);
    CHECK(r.error.find("unsupported scheme") != std::string::npos);
}

TEST_CASE("a user cancel stops a fetch promptly and is not a timeout") {
    using namespace asio::experimental::awaitable_operators;
    testserver::server server;
    const auto start = std::chrono::steady_clock::now();
    bool cancelled = false;
    run_coro<int>([&](asio::any_io_executor ex) -> asio::awaitable<int> {
        client c(ex, fast_options());
        auto fetch = [&]() -> asio::awaitable<void> {
            try {
                co_await c.fetch(server.base_url() + "/delay/10s");
            } catch (const boost::system::system_error& e) {
                cancelled = e.code() == asio::error::operation_aborted;
            }
        };
        auto ctrl_c = [ex]() -> asio::awaitable<void> {
            asio::steady_timer t(ex, 100ms);
            co_await t.async_wait(asio::use_awaitable);
        };
        co_await (fetch() || ctrl_c());
        co_return 0;
    });
    CHECK(cancelled);
    CHECK(seconds_since(start) < 3);
}

// UBSan's checks need a free descriptor of their own: this case cannot run under it.
#if !defined(__SANITIZE_ADDRESS__)
TEST_CASE("out of descriptors with no idle connection to give back: that URL's connect error") {
    testserver::server server;
    std::vector<std::string> urls;
    for (int i = 0; i < 40; ++i)
        urls.push_back(server.base_url() + "/delay/200ms?n=" + std::to_string(i));
    // In a child, whose limit leaves room for a few connections only; the
    // client itself has no -c fitting (that is the run's), so some must fail.
    int report[2];
    REQUIRE(::pipe(report) == 0);
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ::close(report[0]);
        rlimit lim{};
        ::getrlimit(RLIMIT_NOFILE, &lim);
        lim.rlim_cur = static_cast<rlim_t>(::dup(0)) + 8; // a few above the descriptors in use
        ::setrlimit(RLIMIT_NOFILE, &lim);
        auto all = fetch_all(urls, fast_options());
        int ok = 0, out_of_files = 0, other = 0;
        for (const auto& r : all.results) {
            if (!r.ec)
                ++ok;
            else if (r.error.find("too many open files") != std::string::npos &&
                     r.error.rfind("connect ", 0) == 0)
                ++out_of_files;
            else
                ++other;
        }
        const int counts[3] = {ok, out_of_files, other};
        (void)!::write(report[1], counts, sizeof counts);
        std::_Exit(0);
    }
    ::close(report[1]);
    int counts[3] = {-1, -1, -1};
    CHECK(::read(report[0], counts, sizeof counts) == static_cast<ssize_t>(sizeof counts));
    ::close(report[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    CHECK(counts[0] > 0);  // those that found a descriptor
    CHECK(counts[1] > 0);  // the rest: "connect HOST: too many open files (...)"
    CHECK(counts[2] == 0); // never cancelled, never another error
    CHECK(counts[0] + counts[1] == 40);
}
#endif
