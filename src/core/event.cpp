#include "asyncfetch/core/event.hpp"
#include "asyncfetch/core/use_tuple.hpp"

#include "asyncfetch/core/timeout.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

namespace asio = boost::asio;
using clock_type = std::chrono::steady_clock;

namespace asyncfetch {

event::event(const asio::any_io_executor& ex) : timer_(ex, clock_type::time_point::max()) {}

void event::notify() {
    ++notifications_;
    timer_.cancel();
}

asio::awaitable<void> event::wait() {
    const auto before = notifications_;
    co_await timer_.async_wait(use_tuple);
    if (notifications_ == before) throw boost::system::system_error(asio::error::operation_aborted);
}

asio::awaitable<bool> event::notified() {
    co_await wait();
    co_return true;
}

asio::awaitable<bool> event::wait_until(clock_type::time_point until) {
    if (until == clock_type::time_point::max()) co_return co_await notified();
    const auto left = until - clock_type::now();
    if (left <= clock_type::duration::zero()) co_return false;
    co_return co_await wait_for(left);
}

asio::awaitable<bool> event::wait_for(clock_type::duration limit) {
    // with_timeout keeps a cancel of the waiter a cancel, never a timeout.
    const auto woken = co_await with_timeout(notified(), limit);
    co_return woken.has_value();
}

} // namespace asyncfetch
