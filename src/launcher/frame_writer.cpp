#include "frame_writer.hpp"
#include "asyncfetch/core/use_tuple.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

namespace asio = boost::asio;

namespace asyncfetch::launcher::detail {
namespace {

asio::awaitable<void> drain(local_socket& sock, frame_writer& w) {
    while (!w.outbox.empty()) {
        auto [ec, n] = co_await asio::async_write(sock, asio::buffer(w.outbox.front()), use_tuple);
        if (ec) break; // the reader sees the broken socket and handles it
        w.outbox.pop_front();
    }
    w.writing = false;
}

} // namespace

void send(local_socket& sock, frame_writer& w, std::string frame,
          const std::shared_ptr<void>& keep) {
    w.outbox.push_back(std::move(frame));
    if (w.writing) return;
    w.writing = true;
    asio::co_spawn(
        sock.get_executor(), [&sock, &w, keep]() { return drain(sock, w); }, asio::detached);
}

} // namespace asyncfetch::launcher::detail
