// HTTP/1.1 on a plain TCP socket without Beast's composed operations:
// Beast's parser and message types, driven by awaiting the socket itself,
// with the request's deadline kept by a deadline_watch instead of a timer
// per operation. On a kept-alive connection Beast's async_read/async_write
// (their layers of composed operations and tcp_stream's timer) cost more
// than parsing and sending. A TLS stream keeps Beast's operations.
// Private to src/http.
#pragma once

#include "deadline_watch.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/basic_parser.hpp>

#include <string>
#include <string_view>
#include <tuple>

namespace asyncfetch::http::detail {

// A plain connection's socket and the deadline of the exchange on it.
struct plain_stream {
    boost::asio::ip::tcp::socket& socket;
    const deadline_watch::entry& deadline;
};

using io_result = std::tuple<boost::system::error_code, std::size_t>;

// Reads into `parser` until its header (`whole` false) or the whole
// message is done: the steps of Beast's async_read_header and async_read
// (http/impl/read.hpp), so errors, EOF and the buffer's cap mean what they
// mean there. The deadline fails it with beast::error::timeout. The size
// is the bytes the parser used.
boost::asio::awaitable<io_result> read_plain(plain_stream stream, boost::beast::flat_buffer& buffer,
                                             boost::beast::http::basic_parser<false>& parser,
                                             bool whole);

// Writes `head` then `body` (one sendmsg), within the deadline.
boost::asio::awaitable<io_result> write_plain(plain_stream stream, std::string_view head,
                                              std::string_view body);

} // namespace asyncfetch::http::detail
