#include "asyncfetch/core/limiter.hpp"

#include <boost/asio/use_awaitable.hpp>

namespace asyncfetch {

limiter::limiter(boost::asio::any_io_executor ex, std::size_t slots) : slots_(slots) {
    if (slots_ > 0) tokens_.emplace(ex, slots_);
}

limiter::permit& limiter::permit::operator=(permit&& other) noexcept {
    if (this != &other) {
        reset();
        owner_ = std::exchange(other.owner_, nullptr);
    }
    return *this;
}

void limiter::permit::reset() {
    if (owner_) std::exchange(owner_, nullptr)->release();
}

boost::asio::awaitable<limiter::permit> limiter::acquire() {
    // Sending into the buffered channel succeeds at once while a slot is free
    // and waits for a release (a receive) when all are taken.
    if (tokens_) {
        ++acquiring_;
        struct done_acquiring {
            std::size_t& n;
            ~done_acquiring() { --n; }
        } counted{acquiring_};
        co_await tokens_->async_send(boost::system::error_code{}, boost::asio::use_awaitable);
    }
    ++in_use_;
    co_return permit(this);
}

void limiter::release() {
    --in_use_;
    if (tokens_) tokens_->try_receive([](boost::system::error_code) {});
}

} // namespace asyncfetch
