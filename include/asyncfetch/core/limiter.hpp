// limiter: an async counting semaphore for in-flight limits (per host, per run).
// A waiting acquire suspends the coroutine, never the thread; waiters are
// served in FIFO order. Built on Asio's channel: a slot is a buffered message.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/experimental/channel.hpp>

#include <cstddef>
#include <optional>

namespace asyncfetch {

class limiter {
public:
    // slots == 0 means no limit.
    limiter(boost::asio::any_io_executor ex, std::size_t slots);

    // A held slot; released on destruction.
    class permit {
    public:
        permit() = default;
        explicit permit(limiter* owner) : owner_(owner) {}
        permit(permit&& other) noexcept : owner_(std::exchange(other.owner_, nullptr)) {}
        permit& operator=(permit&& other) noexcept;
        permit(const permit&) = delete;
        permit& operator=(const permit&) = delete;
        ~permit() { reset(); }
        void reset();

    private:
        limiter* owner_ = nullptr;
    };

    boost::asio::awaitable<permit> acquire();
    std::size_t in_use() const noexcept { return in_use_; }
    std::size_t slots() const noexcept { return slots_; }
    // True when an acquire now would wait: every slot is held or promised to
    // an earlier acquire that has not resumed yet.
    bool full() const noexcept { return slots_ > 0 && in_use_ + acquiring_ >= slots_; }

private:
    void release();

    std::size_t slots_;
    std::size_t in_use_ = 0;
    std::size_t acquiring_ = 0; // inside acquire(), before the slot is theirs
    std::optional<boost::asio::experimental::channel<void(boost::system::error_code)>> tokens_;
};

} // namespace asyncfetch
