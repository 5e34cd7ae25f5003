// with_timeout: run an awaitable against a deadline (Boost 1.81 has no
// cancel_after, so this races the operation with a timer using `||`).
// The one place timeouts are built for operations that have no deadline of
// their own (Beast streams use expires_after instead).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <exception>
#include <optional>
#include <utility>

namespace asyncfetch {

// Suspends the coroutine (never the thread) for `d`.
inline boost::asio::awaitable<void> sleep_for(std::chrono::steady_clock::duration d) {
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, d);
    co_await timer.async_wait(boost::asio::use_awaitable);
}

namespace detail {

// `||` waits for the first branch to *succeed*: an operation that throws
// would otherwise be outlived by the timer and read as a timeout. Carry its
// exception out as a value instead.
// (A struct, not a variant: `||` flattens variant results into its own.)
template <class T>
struct captured {
    std::optional<T> value;
    std::exception_ptr error;
};

template <class T>
boost::asio::awaitable<captured<T>> capture(boost::asio::awaitable<T> op) {
    captured<T> out;
    try {
        out.value.emplace(co_await std::move(op));
    } catch (...) {
        out.error = std::current_exception();
    }
    co_return out;
}
} // namespace detail

// Returns the operation's result, or nullopt when `limit` passed first (the
// operation is then cancelled). A user cancel is not a timeout: it reaches the
// caller as the operation_aborted exception it is.
template <class T>
boost::asio::awaitable<std::optional<T>> with_timeout(boost::asio::awaitable<T> op,
                                                      std::chrono::steady_clock::duration limit) {
    using namespace boost::asio::experimental::awaitable_operators;
    auto guarded = detail::capture(std::move(op));
    auto deadline = sleep_for(limit);
    auto winner = co_await (std::move(guarded) || std::move(deadline));
    if (winner.index() == 1) co_return std::nullopt;
    auto& result = std::get<0>(winner);
    if (result.error) std::rethrow_exception(result.error);
    co_return std::move(result.value);
}

} // namespace asyncfetch
