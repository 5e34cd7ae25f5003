#include "asyncfetch/core/connect.hpp"
#include "asyncfetch/core/use_tuple.hpp"

#include "asyncfetch/core/event.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

#include <memory>

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;
using clock_type = std::chrono::steady_clock;

namespace asyncfetch {
namespace {

// The attempts of one connect, shared with the coroutines making them.
struct race {
    explicit race(const asio::any_io_executor& ex) : attempt_ended(ex) {}
    std::vector<std::unique_ptr<tcp::socket>> sockets;
    std::optional<std::size_t> winner;
    error_code last_error = asio::error::host_not_found;
    std::size_t running = 0;
    event attempt_ended; // cuts the attempt delay short

    void abandon_all_but_winner() {
        for (std::size_t i = 0; i < sockets.size(); ++i) {
            error_code ignored;
            if (i != winner) sockets[i]->close(ignored);
        }
    }
};

asio::awaitable<void> attempt(std::shared_ptr<race> r, std::size_t i, tcp::endpoint at) {
    auto [ec] = co_await r->sockets[i]->async_connect(at, use_tuple);
    --r->running;
    if (!r->winner) {
        if (!ec)
            r->winner = i;
        else
            r->last_error = ec;
    }
    r->attempt_ended.notify();
}

// Waits until `until` or until an attempt ends; false when cancelled.
asio::awaitable<bool> wait(race& r, clock_type::time_point until) {
    bool cancelled = false;
    try {
        co_await r.attempt_ended.wait_until(until);
    } catch (const boost::system::system_error&) {
        cancelled = true;
    }
    co_return !cancelled;
}

} // namespace

std::vector<tcp::endpoint> interleave_families(const std::vector<tcp::endpoint>& addresses) {
    if (addresses.empty()) return {};
    const bool first_v6 = addresses.front().address().is_v6();
    std::vector<tcp::endpoint> preferred, other, out;
    for (const auto& a : addresses)
        (a.address().is_v6() == first_v6 ? preferred : other).push_back(a);
    for (std::size_t i = 0; i < std::max(preferred.size(), other.size()); ++i) {
        if (i < preferred.size()) out.push_back(preferred[i]);
        if (i < other.size()) out.push_back(other[i]);
    }
    return out;
}

asio::awaitable<connect_result> happy_eyeballs_connect(std::vector<tcp::endpoint> addresses,
                                                       socket_opener open,
                                                       clock_type::duration attempt_delay) {
    const auto ex = co_await asio::this_coro::executor;
    auto r = std::make_shared<race>(ex);
    const auto order = interleave_families(addresses);
    bool cancelled = false;
    for (std::size_t i = 0; i < order.size() && !r->winner && !cancelled; ++i) {
        // Start the next attempt, then give it the attempt delay unless it
        // (or every attempt still running) fails sooner.
        r->sockets.push_back(std::make_unique<tcp::socket>(ex));
        error_code open_ec;
        if (open)
            open_ec = open(*r->sockets.back(), order[i]);
        else
            r->sockets.back()->open(order[i].protocol(), open_ec);
        if (open_ec) {
            r->last_error = open_ec;
            continue;
        }
        ++r->running;
        asio::co_spawn(ex, attempt(r, i, order[i]), asio::detached);
        const auto next_at = clock_type::now() + attempt_delay;
        while (!r->winner && r->running > 0 && clock_type::now() < next_at && !cancelled)
            cancelled = !co_await wait(*r, next_at);
    }
    // Every attempt started: wait for one to connect or all to fail.
    while (!r->winner && r->running > 0 && !cancelled)
        cancelled = !co_await wait(*r, clock_type::time_point::max());
    r->abandon_all_but_winner();
    if (cancelled) {
        r->winner.reset();
        r->abandon_all_but_winner();
        throw boost::system::system_error(asio::error::operation_aborted);
    }
    connect_result out;
    if (!r->winner) {
        out.ec = r->last_error;
        co_return out;
    }
    out.endpoint = order[*r->winner];
    out.socket.emplace(std::move(*r->sockets[*r->winner]));
    co_return out;
}

} // namespace asyncfetch
