// with_timeout: run an awaitable against a deadline (Boost 1.81 has no
// cancel_after, so this races the operation with a timer using `||`).
// The one place timeouts are built for operations that have no deadline of
// their own (Beast streams use expires_after instead). And phase_budget: the
// one shape of every protocol's timeouts (HTTP, SSH, Redis), a limit per
// phase clamped by the whole operation's deadline.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
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

// The time a phase (resolve, connect, handshake, a command...) may take: its
// own limit, or what is left before the whole operation's deadline (an HTTP
// request, an SSH session), whichever is less. A timeout then names the
// limit that ran out: the phase's, or the deadline's.
struct phase_budget {
    std::chrono::steady_clock::duration limit = std::chrono::steady_clock::duration::max();
    bool deadline_bound = false; // the deadline, not the phase's own limit, set `limit`

    bool unlimited() const noexcept { return limit == std::chrono::steady_clock::duration::max(); }
};

// A phase limit of zero (or less) means none of its own; a deadline of
// time_point::max() means no deadline.
inline phase_budget budget(
    std::chrono::steady_clock::duration phase,
    std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max()) {
    using clock = std::chrono::steady_clock;
    const auto own = phase > clock::duration::zero() ? phase : clock::duration::max();
    if (deadline == clock::time_point::max()) return {own, false};
    const auto left = std::max(deadline - clock::now(), clock::duration::zero());
    return left < own ? phase_budget{left, true} : phase_budget{own, false};
}

// Runs one phase within its budget: nullopt when the budget ran out first.
template <class T>
boost::asio::awaitable<std::optional<T>> within(phase_budget b, boost::asio::awaitable<T> op) {
    if (b.unlimited()) co_return co_await std::move(op);
    co_return co_await with_timeout(std::move(op), b.limit);
}

} // namespace asyncfetch
