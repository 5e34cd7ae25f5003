// The Redis connection's limits against a listener that accepts and never
// answers: every phase ends in bounded time with an error naming it. And
// against a real Redis: the limit is each command's own, not their sum.
#include "asyncfetch/redis/connection.hpp"
#include "tools/listeners.hpp"
#include "tools/redis.hpp"
#include "tools/run_coro.hpp"

#include <boost/system/system_error.hpp>
#include <doctest/doctest.h>

#include <chrono>
#include <string>

namespace asio = boost::asio;
using namespace asyncfetch;
using namespace asyncfetch::testing;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

namespace {

// The error the first command on `c` ends with (empty if it ended without one).
std::string first_command_error(const redis::endpoint& where, const redis::options& opts) {
    return run_coro<std::string>(
        [&](asio::any_io_executor ex) -> asio::awaitable<std::string> {
            redis::connection c(ex, where, opts);
            std::string error;
            try {
                std::vector<std::string> ping{"PING"};
                co_await c.command(ping);
            } catch (const boost::system::system_error& e) {
                error = e.what();
            }
            co_return error;
        },
        20s);
}

} // namespace

TEST_CASE("redis connection: a server that accepts and never answers a command times out") {
    auto silent = silent_listener();
    redis::options opts;
    opts.command_timeout = 300ms;
    const auto start = clock_type::now();
    const auto error = first_command_error({false, "127.0.0.1", silent.port(), "job"}, opts);
    CHECK_MESSAGE(error.find("PING") != std::string::npos, error);
    CHECK_MESSAGE(error.find("timed out waiting for the response") != std::string::npos, error);
    CHECK(clock_type::now() - start < 5s);
}

TEST_CASE("redis connection: a server that never answers AUTH times out connecting") {
    auto silent = silent_listener();
    redis::options opts;
    opts.password = "secret-not-shown";
    opts.connect_timeout = 300ms;
    const auto start = clock_type::now();
    const auto error = first_command_error({false, "127.0.0.1", silent.port(), "job"}, opts);
    CHECK_MESSAGE(error.find("connect redis://127.0.0.1:") == 0, error);
    CHECK_MESSAGE(error.find("timed out connecting") != std::string::npos, error);
    CHECK(error.find("secret-not-shown") == std::string::npos);
    CHECK(clock_type::now() - start < 5s);
}

TEST_CASE("redis connection: the limit holds per command, and a timed-out connection reconnects") {
    if (redis_unavailable()) return;
    redis_server server;
    redis::options opts;
    opts.command_timeout = 400ms;
    const redis::endpoint where{false, "127.0.0.1", server.port(), "job"};
    // Each BLPOP on an empty list blocks for 0.15 s: five of them take twice
    // the limit, each within it. Then one blocking for 2 s times out, and
    // the next command finds the connection open again.
    const auto outcome = run_coro<std::string>(
        [&](asio::any_io_executor ex) -> asio::awaitable<std::string> {
            redis::connection c(ex, where, opts);
            std::string seen;
            for (int i = 0; i < 5; ++i) {
                std::vector<std::string> wait{"BLPOP", "empty", "0.15"};
                const auto r = co_await c.command(wait);
                seen += r.type == redis::reply::nil ? "n" : "?";
            }
            const auto start = clock_type::now();
            try {
                std::vector<std::string> wait{"BLPOP", "empty", "2"};
                co_await c.command(wait);
                seen += " no timeout";
            } catch (const boost::system::system_error& e) {
                seen += std::string(" ") + e.what();
            }
            if (clock_type::now() - start > 1500ms) seen += " (late)";
            std::vector<std::string> ping{"PING"};
            seen += " " + (co_await c.command(ping)).str;
            co_return seen;
        },
        20s);
    CHECK_MESSAGE(outcome.starts_with("nnnnn redis://127.0.0.1:"), outcome);
    CHECK_MESSAGE(outcome.find(": BLPOP") != std::string::npos, outcome);
    CHECK_MESSAGE(outcome.find("timed out waiting for the response") != std::string::npos, outcome);
    CHECK_MESSAGE(outcome.ends_with(" PONG"), outcome);
    CHECK(outcome.find("(late)") == std::string::npos);
}
