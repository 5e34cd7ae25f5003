#include "asyncfetch/core/event_loop.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <csignal>
#include <exception>

namespace asio = boost::asio;

namespace asyncfetch {

bool run_until_signal(const loop_body& body) {
    asio::io_context ctx(1);
    asio::signal_set signals(ctx, SIGINT, SIGTERM);
    bool signalled = false;
    std::exception_ptr failure;
    // `||` waits for the first branch to succeed, so the body's branch must
    // not throw: its exception is carried out and rethrown after the loop.
    auto guarded = [&]() -> asio::awaitable<void> {
        try {
            co_await body(signalled);
        } catch (...) {
            failure = std::current_exception();
        }
    };
    auto until_signal = [&]() -> asio::awaitable<void> {
        co_await signals.async_wait(asio::use_awaitable);
        signalled = true;
    };
    using namespace asio::experimental::awaitable_operators;
    asio::co_spawn(ctx, guarded() || until_signal(), asio::detached);
    ctx.run();
    if (failure && !signalled) std::rethrow_exception(failure);
    return signalled;
}

} // namespace asyncfetch
