// channel<T>: a bounded async queue between coroutines on one executor.
// send() waits while the queue is full; receive() waits while it is empty and
// returns nullopt once the queue is closed AND drained (Asio's own channel
// drops buffered values on close, which would lose targets).
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/experimental/channel.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

#include <cstddef>
#include <optional>
#include <utility>

namespace asyncfetch {

template <class T>
class channel {
public:
    channel(boost::asio::any_io_executor ex, std::size_t capacity) : queue_(ex, capacity) {}

    // Waits for room. Sending after close() fails with channel_closed.
    boost::asio::awaitable<void> send(T value) {
        co_await queue_.async_send(boost::system::error_code{}, std::move(value),
                                   boost::asio::use_awaitable);
    }

    // The next value, or nullopt when closed and empty. A cancelled wait throws.
    boost::asio::awaitable<std::optional<T>> receive() {
        if (closing_ && !queue_.ready()) co_return std::nullopt;
        auto [ec, value] =
            co_await queue_.async_receive(boost::asio::as_tuple(boost::asio::use_awaitable));
        if (ec == boost::asio::experimental::channel_errc::channel_closed) co_return std::nullopt;
        if (ec) throw boost::system::system_error(ec);
        if (closing_ && !queue_.ready()) queue_.close();
        co_return std::optional<T>(std::move(value));
    }

    // No more sends; receivers still get what is queued, then nullopt.
    void close() {
        closing_ = true;
        if (!queue_.ready()) queue_.close();
    }

private:
    boost::asio::experimental::channel<void(boost::system::error_code, T)> queue_;
    bool closing_ = false;
};

} // namespace asyncfetch
