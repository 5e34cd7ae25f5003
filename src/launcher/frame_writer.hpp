// Frames written one after another on one socket, from any coroutine: the
// parent's and the worker's sending side. (Private to src/launcher.)
#pragma once

#include <boost/asio/local/stream_protocol.hpp>

#include <deque>
#include <memory>
#include <string>

namespace asyncfetch::launcher::detail {

using local_socket = boost::asio::local::stream_protocol::socket;

struct frame_writer {
    std::deque<std::string> outbox;
    bool writing = false;
};

// Queues `frame` and writes the queue unless a write is under way; `keep`
// stays alive until then. A write error only stops the writing: the reader
// sees the broken socket and handles it.
void send(local_socket& sock, frame_writer& w, std::string frame,
          const std::shared_ptr<void>& keep);

} // namespace asyncfetch::launcher::detail
