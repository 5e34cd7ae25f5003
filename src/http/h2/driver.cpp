#include "driver.hpp"
#include "asyncfetch/core/use_tuple.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <poll.h>

namespace asio = boost::asio;

namespace asyncfetch::http::h2 {
namespace {

constexpr std::size_t read_chunk = 64 * 1024;
constexpr int write_batch_turns = 16;

} // namespace

connection::connection(std::unique_ptr<detail::connection> transport,
                       const session_settings& settings, clock_type::duration ping_after)
    : ex_(transport->tcp().get_executor()), transport_(std::move(transport)), session_(settings),
      ping_after_(ping_after), read_buffer_(read_chunk), reader_done_(ex_) {}

connection::~connection() = default;

asio::awaitable<bool> connection::exchange(const header_list& request_headers,
                                           std::shared_ptr<waited_stream> s,
                                           clock_type::time_point deadline) {
    if (closed_ || !session_.submit(request_headers, s)) co_return false;
    s->done.expires_at(deadline);
    flush();
    keep_reading();
    auto [ec] = co_await s->done.async_wait(use_tuple);
    if (s->finished()) co_return true;
    // The deadline, or a user cancel: the server is told to stop
    // (RST_STREAM CANCEL); a cancel then goes on as the exception it is.
    session_.cancel(s);
    flush();
    if (ec) throw boost::system::system_error(asio::error::operation_aborted);
    co_return true;
}

bool connection::takes_requests() {
    // Frames that arrived meanwhile (a SETTINGS ack, a PING) are read with
    // the next response; a FIN means the server is gone.
    if (!closed_ && !reading_ && session_.open_streams() == 0) {
        pollfd p{transport_->tcp().socket().native_handle(), POLLRDHUP, 0};
        if (::poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR)))
            close("closed by the server while idle");
    }
    return !closed_ && session_.has_room();
}

void connection::flush() {
    if (writing_ || closed_) return;
    writing_ = true;
    asio::co_spawn(ex_, write_loop(shared_from_this()), asio::detached);
}

void connection::keep_reading() {
    if (reading_ || closed_ || session_.open_streams() == 0) return;
    reading_ = true;
    last_read_ = clock_type::now();
    asio::co_spawn(ex_, read_loop(shared_from_this()), asio::detached);
    asio::co_spawn(ex_, watchdog(shared_from_this()), asio::detached);
}

asio::awaitable<void>
connection::write_loop(std::shared_ptr<connection> /*kept alive while it runs*/) {
    std::string pending;
    while (!closed_) {
        // Requests that the streams just ended make room for are submitted
        // a few turns of the loop later: waiting while they keep coming (a
        // few turns at most) sends them in one write (one TLS record, one
        // wake-up of the server) instead of one each.
        for (int turn = 0, quiet = 0; turn < write_batch_turns && quiet < 2; ++turn) {
            const auto before = session_.queued_frames();
            co_await asio::post(ex_, asio::use_awaitable);
            quiet = session_.queued_frames() == before ? quiet + 1 : 0;
        }
        pending.clear();
        if (!session_.take_output(pending)) {
            close("http2: " + session_.error());
            break;
        }
        if (pending.empty()) break;
        auto [ec, n] = co_await std::visit(
            [&](auto& stream) {
                return asio::async_write(stream, asio::buffer(pending), use_tuple);
            },
            transport_->stream);
        if (ec) close("write: " + ec.message());
    }
    writing_ = false;
}

asio::awaitable<void>
connection::read_loop(std::shared_ptr<connection> /*kept alive while it runs*/) {
    // Read while a stream waits for its response; an idle connection has
    // nothing pending, as an idle HTTP/1.1 one (what arrives meanwhile, a
    // PING or a GOAWAY, is read with the next request's response).
    while (!closed_ && session_.open_streams() > 0) {
        auto [ec, n] = co_await std::visit(
            [&](auto& stream) {
                return stream.async_read_some(asio::buffer(read_buffer_), use_tuple);
            },
            transport_->stream);
        if (closed_) break;
        if (ec) {
            close(ec == asio::error::eof ? "the server closed the connection"
                                         : "read: " + ec.message());
            break;
        }
        last_read_ = clock_type::now();
        const bool fine = session_.receive({read_buffer_.data(), n});
        wake_finished();
        if (!fine) {
            close("http2 protocol error: " + session_.error());
            break;
        }
        flush();
        // After a GOAWAY and its last answered stream nothing more will come.
        if (session_.goaway_received() && session_.open_streams() == 0)
            close("the server sent GOAWAY");
    }
    reading_ = false;
    reader_done_.notify();
}

asio::awaitable<void>
connection::watchdog(std::shared_ptr<connection> /*kept alive while it runs*/) {
    // A connection that says nothing while streams wait gets a PING; one
    // that stays silent after it is taken for dead.
    bool pinged = false;
    for (;;) {
        const bool reader_ended = co_await reader_done_.wait_for(ping_after_);
        if (reader_ended || closed_ || !reading_) co_return;
        if (clock_type::now() - last_read_ < ping_after_) {
            pinged = false;
            continue;
        }
        if (pinged) {
            close("no answer to PING: the connection is taken for dead");
            co_return;
        }
        session_.ping();
        flush();
        pinged = true;
    }
}

void connection::wake_finished() {
    for (const auto& s : session_.take_finished())
        static_cast<waited_stream&>(*s).done.cancel();
}

void connection::close(const std::string& why) {
    if (closed_) return;
    closed_ = true;
    close_reason_ = why;
    boost::system::error_code ignored;
    transport_->tcp().socket().close(ignored);
    session_.fail_all(stream::end::connection_lost);
    wake_finished();
}

} // namespace asyncfetch::http::h2
