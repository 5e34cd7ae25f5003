// One HTTP/2 connection on the event loop: the socket I/O around the
// sans-I/O session (session.hpp). Requests submit streams and wait on their
// own; a reader coroutine feeds the session what arrives and wakes the
// streams that ended; writes go out as the session has bytes. Nothing is
// left pending while no stream is open (like an idle HTTP/1.1 connection),
// so a run ends when its requests do. Private to src/http.
#pragma once

#include "../connection.hpp"
#include "session.hpp"

#include "asyncfetch/core/event.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace asyncfetch::http::h2 {

// A stream its request waits on: a timer that expires at the request's
// deadline and is cancelled when the stream ends. (Not with_timeout: the
// losing timer of `||` ends in an exception, ~10 us a request.)
struct waited_stream : stream {
    explicit waited_stream(const boost::asio::any_io_executor& ex) : done(ex) {}
    boost::asio::steady_timer done;
};

class connection : public std::enable_shared_from_this<connection> {
public:
    using clock_type = std::chrono::steady_clock;

    // `transport`: connected (and TLS-established, h2 chosen by ALPN, or
    // cleartext with prior knowledge). `ping_after`: silence with streams
    // open after which a PING is sent; a second such silence closes it.
    connection(std::unique_ptr<detail::connection> transport, const session_settings& settings,
               clock_type::duration ping_after);
    ~connection();

    // Sends the request and waits until its stream ends, or until
    // `deadline`: then the stream is reset and ends as cancelled. False:
    // this connection took no new stream (GOAWAY, closed, full).
    boost::asio::awaitable<bool> exchange(const header_list& request_headers,
                                          std::shared_ptr<waited_stream> s,
                                          clock_type::time_point deadline);

    // A new request may go on this connection now. An idle one the server
    // has closed is closed here instead: a request sent there would be lost.
    bool takes_requests();
    // Nothing more will go on it: the pool forgets it.
    bool finished() const { return closed_ || session_.goaway_received(); }
    std::size_t open_streams() const { return session_.open_streams(); }
    const std::string& close_reason() const noexcept { return close_reason_; }

private:
    boost::asio::awaitable<void> read_loop(std::shared_ptr<connection> self);
    boost::asio::awaitable<void> write_loop(std::shared_ptr<connection> self);
    boost::asio::awaitable<void> watchdog(std::shared_ptr<connection> self);
    void flush();        // starts the writer when the session has bytes to send
    void keep_reading(); // starts the reader while streams are open
    void wake_finished();
    void close(const std::string& why);

    boost::asio::any_io_executor ex_;
    std::unique_ptr<detail::connection> transport_;
    session session_;
    clock_type::duration ping_after_;
    std::vector<char> read_buffer_;
    std::string out_;
    bool reading_ = false;
    bool writing_ = false;
    bool closed_ = false;
    std::string close_reason_;
    clock_type::time_point last_read_;
    asyncfetch::event reader_done_; // ends the watchdog with the reader
};

} // namespace asyncfetch::http::h2
