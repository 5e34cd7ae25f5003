// event: wakes every coroutine waiting on it (a notify-all), for "something
// changed, look again" between coroutines on one executor. It is a
// steady_timer that never expires by itself and is cancelled to wake its
// waiters; a counter tells such a wake-up from a cancel of the waiter itself
// (Ctrl-C), which reaches the waiter as the operation_aborted it is.
// A notify() with nobody waiting is not remembered: waiters check their
// condition in a loop around wait().
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>

namespace asyncfetch {

class event {
public:
    explicit event(const boost::asio::any_io_executor& ex);

    // Wakes every coroutine waiting now.
    void notify();

    // Until the next notify(). A cancel of the waiter throws operation_aborted.
    boost::asio::awaitable<void> wait();

    // Until the next notify() (true) or until `until` passes (false),
    // whichever comes first. A cancel of the waiter throws operation_aborted.
    boost::asio::awaitable<bool> wait_until(std::chrono::steady_clock::time_point until);
    boost::asio::awaitable<bool> wait_for(std::chrono::steady_clock::duration limit);

private:
    boost::asio::awaitable<bool> notified();

    boost::asio::steady_timer timer_; // never expires: cancelled by notify()
    unsigned long notifications_ = 0; // a wake-up without a new one is a cancel
};

} // namespace asyncfetch
