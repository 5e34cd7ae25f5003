// Runs a coroutine to completion on a fresh single-threaded io_context, the
// way the tool does, and hands back its result (or rethrows its exception).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <exception>
#include <functional>
#include <optional>
#include <stdexcept>

namespace asyncfetch::testing {

// `make` receives the executor and returns the awaitable to run. The loop is
// bounded by `limit` so a hang fails the test instead of stalling it.
template <class T>
T run_coro(std::function<boost::asio::awaitable<T>(boost::asio::any_io_executor)> make,
           std::chrono::seconds limit = std::chrono::seconds(60)) {
    boost::asio::io_context ctx(1);
    std::optional<T> result;
    std::exception_ptr error;
    boost::asio::co_spawn(ctx, make(ctx.get_executor()), [&](std::exception_ptr e, T v) {
        error = e;
        if (!e) result.emplace(std::move(v));
    });
    ctx.run_for(limit);
    if (error) std::rethrow_exception(error);
    if (!result) throw std::runtime_error("coroutine did not finish in time");
    return std::move(*result);
}

} // namespace asyncfetch::testing
