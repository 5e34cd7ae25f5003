#include "asyncfetch/core/record_boundary.hpp"
#include "tools/run_coro.hpp"

#include <boost/asio/error.hpp>
#include <boost/system/system_error.hpp>
#include <doctest/doctest.h>

#include <new>
#include <stdexcept>

namespace asio = boost::asio;
using namespace asyncfetch;
using asyncfetch::testing::run_coro;

namespace {

record run(const operation& op) {
    const target t{0, 1, "x"};
    return run_coro<record>([&](asio::any_io_executor) { return run_to_record(op, t); });
}

template <class E>
operation throwing(E e) {
    return [e](const target&) -> asio::awaitable<record> {
        throw e;
        co_return record{};
    };
}

} // namespace

TEST_CASE("run_to_record: the operation's own record, with its elapsed time") {
    const auto r = run([](const target&) -> asio::awaitable<record> {
        record out;
        out.fields["status"] = 200;
        co_return out;
    });
    CHECK(r.result == outcome::ok);
    CHECK(r.fields.at("status") == 200);
    CHECK(r.elapsed_ms > 0);
}

TEST_CASE("run_to_record: a cancel is a cancelled record, never a failure") {
    const auto r = run(throwing(boost::system::system_error(asio::error::operation_aborted)));
    CHECK(r.result == outcome::cancelled);
    CHECK(r.error == "cancelled");
}

TEST_CASE("run_to_record: a system error is a failure with its message, without Boost's tail") {
    const auto r =
        run(throwing(boost::system::system_error(asio::error::connection_refused, "127.0.0.1:1")));
    CHECK(r.result == outcome::failed);
    CHECK(r.error == "127.0.0.1:1: Connection refused");
}

TEST_CASE("run_to_record: out of memory and other exceptions are failures of this target only") {
    CHECK(run(throwing(std::bad_alloc())).error == "out of memory");
    const auto r = run(throwing(std::runtime_error("broken")));
    CHECK(r.result == outcome::failed);
    CHECK(r.error == "broken");
}

TEST_CASE("run_to_record: an operation that throws before its coroutine starts is caught too") {
    const auto r =
        run([](const target&) -> asio::awaitable<record> { throw std::runtime_error("at once"); });
    CHECK(r.error == "at once");
}
