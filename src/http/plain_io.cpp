#include "plain_io.hpp"
#include "asyncfetch/core/use_tuple.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/read_size.hpp>
#include <boost/beast/http/error.hpp>

#include <array>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using boost::system::error_code;

namespace asyncfetch::http::detail {
namespace {

// A cancel that the deadline caused is the deadline's timeout; a user's
// cancel stays a cancel.
error_code timed(const plain_stream& stream, const error_code& ec) {
    if (ec == asio::error::operation_aborted && stream.deadline.expired())
        return beast::error::timeout;
    return ec;
}

} // namespace

asio::awaitable<io_result> read_plain(plain_stream stream, beast::flat_buffer& buffer,
                                      bhttp::basic_parser<false>& parser, bool whole) {
    parser.eager(whole);
    const auto done = [&] { return whole ? parser.is_done() : parser.is_header_done(); };
    std::size_t total = 0;
    error_code ec;
    // Beast's read_op: read_some until done or an error.
    while (!done()) {
        // Beast's read_some_op: parse what the buffer holds; read when the
        // parser needs more.
        bool parse_first = buffer.size() != 0;
        for (;;) {
            if (parse_first) {
                const auto used = parser.put(buffer.data(), ec);
                total += used;
                buffer.consume(used);
                if (ec != bhttp::error::need_more) break;
            }
            parse_first = true;
            const auto size = beast::read_size(buffer, 65536);
            if (size == 0) {
                ec = bhttp::error::buffer_overflow;
                break;
            }
            if (stream.deadline.expired()) {
                ec = beast::error::timeout;
                break;
            }
            auto [read_ec, read] =
                co_await stream.socket.async_read_some(buffer.prepare(size), use_tuple);
            buffer.commit(read);
            if (read_ec == asio::error::eof) {
                if (parser.got_some()) {
                    // As Beast: the parser decides whether EOF ends the message.
                    ec = {};
                    parser.put_eof(ec);
                    break;
                }
                ec = bhttp::error::end_of_stream;
                break;
            }
            if (read_ec) {
                ec = timed(stream, read_ec);
                break;
            }
        }
        if (ec) break;
    }
    co_return io_result{ec, total};
}

asio::awaitable<io_result> write_plain(plain_stream stream, std::string_view head,
                                       std::string_view body) {
    if (stream.deadline.expired()) co_return io_result{beast::error::timeout, 0};
    const std::array<asio::const_buffer, 2> buffers{asio::buffer(head), asio::buffer(body)};
    auto [ec, written] = co_await asio::async_write(stream.socket, buffers, use_tuple);
    co_return io_result{timed(stream, ec), written};
}

} // namespace asyncfetch::http::detail
