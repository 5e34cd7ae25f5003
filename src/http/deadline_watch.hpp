// One timer for the request deadlines of every HTTP/1.1 exchange a client
// has running on plain TCP. Beast's tcp_stream arms and cancels a timer
// around each read and write: on a kept-alive connection that was the
// largest cost per request after parsing. Here an exchange only links its
// deadline into a list kept in deadline order (a client's deadlines mostly
// come in order, so a new one goes at the end in one step); the one timer
// waits for the first, and when it fires it cancels the sockets of the
// exchanges at the front that are past their deadline and waits for the
// next: a firing costs what it expires, not what the list holds. It is cancelled when no exchange
// runs, so it never keeps an io_context's run() from returning. Private to src/http.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>

namespace asyncfetch::http::detail {

class deadline_watch {
public:
    using clock_type = std::chrono::steady_clock;

    // One exchange's deadline, for as long as it lives (it unlinks itself).
    class entry {
    public:
        entry(deadline_watch& watch, boost::asio::ip::tcp::socket& socket,
              clock_type::time_point at);
        ~entry();
        entry(const entry&) = delete;
        entry& operator=(const entry&) = delete;

        // The deadline has passed (the socket's pending operations were
        // cancelled, or none was pending): no operation may start.
        bool expired() const noexcept { return expired_ || clock_type::now() >= at_; }

    private:
        friend class deadline_watch;
        deadline_watch& watch_;
        boost::asio::ip::tcp::socket& socket_;
        clock_type::time_point at_;
        bool expired_ = false;
        entry* prev_ = nullptr;
        entry* next_ = nullptr;
    };

    explicit deadline_watch(const boost::asio::any_io_executor& ex) : timer_(ex) {}
    deadline_watch(const deadline_watch&) = delete;
    deadline_watch& operator=(const deadline_watch&) = delete;

private:
    void link(entry& e);
    void unlink(entry& e);
    void arm(clock_type::time_point at);
    void fired();

    boost::asio::steady_timer timer_;
    entry* first_ = nullptr; // earliest deadline
    entry* last_ = nullptr;  // latest deadline
    bool armed_ = false;
    std::uint64_t generation_ = 0; // a wait that is not the latest one is stale
};

} // namespace asyncfetch::http::detail
