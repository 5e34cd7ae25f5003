// Happy Eyeballs against loopback listeners: a dead address does not hold the
// connect up beyond the attempt delay, refused ones are skipped at once.
#include "asyncfetch/core/connect.hpp"
#include "asyncfetch/core/timeout.hpp"
#include "tools/listeners.hpp"
#include "tools/run_coro.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <doctest/doctest.h>

namespace asio = boost::asio;
using asio::ip::tcp;
using asyncfetch::connect_result;
using asyncfetch::happy_eyeballs_connect;
using asyncfetch::testing::run_coro;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

namespace {

struct timed {
    connect_result result; // its socket is closed: it cannot outlive the test's io_context
    bool connected = false;
    long ms = 0;
};

timed connect_to(std::vector<tcp::endpoint> endpoints) {
    return run_coro<timed>([&](asio::any_io_executor) -> asio::awaitable<timed> {
        const auto start = clock_type::now();
        timed out;
        out.result = co_await happy_eyeballs_connect(endpoints);
        out.ms = std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - start)
                     .count();
        out.connected = out.result.socket.has_value();
        out.result.socket.reset();
        co_return out;
    });
}

tcp::endpoint loopback(std::uint16_t port) {
    return {asio::ip::make_address("127.0.0.1"), port};
}

} // namespace

TEST_CASE("happy eyeballs: an unanswered address costs the attempt delay, not the timeout") {
    auto dead = asyncfetch::testing::unanswered_listener();
    asio::io_context ctx;
    tcp::acceptor live(ctx, loopback(0));
    const auto out = connect_to({loopback(dead.port()), loopback(live.local_endpoint().port())});
    CHECK_MESSAGE(!out.result.ec, out.result.ec.message());
    REQUIRE(out.connected);
    CHECK(out.result.endpoint.port() == live.local_endpoint().port());
    CHECK(out.ms >= 240);
    CHECK(out.ms < 1000);
}

TEST_CASE("happy eyeballs: a refused address moves on at once") {
    asio::io_context ctx;
    tcp::acceptor live(ctx, loopback(0));
    const auto out = connect_to(
        {loopback(asyncfetch::testing::free_port()), loopback(live.local_endpoint().port())});
    CHECK_MESSAGE(!out.result.ec, out.result.ec.message());
    CHECK(out.result.endpoint.port() == live.local_endpoint().port());
    CHECK(out.ms < 200);
}

TEST_CASE("happy eyeballs: when every address fails, the last error comes back") {
    const auto out = connect_to(
        {loopback(asyncfetch::testing::free_port()), loopback(asyncfetch::testing::free_port())});
    CHECK(out.result.ec == asio::error::connection_refused);
    CHECK(!out.connected);
    const auto none = connect_to({});
    CHECK(none.result.ec == asio::error::host_not_found);
}

TEST_CASE("happy eyeballs: a timeout around it abandons every attempt") {
    auto dead = asyncfetch::testing::unanswered_listener();
    const auto finished = run_coro<bool>([&](asio::any_io_executor) -> asio::awaitable<bool> {
        auto attempt = happy_eyeballs_connect({loopback(dead.port()), loopback(dead.port())});
        auto result = co_await asyncfetch::with_timeout(std::move(attempt), 400ms);
        co_return result.has_value();
    });
    CHECK(!finished);
}
