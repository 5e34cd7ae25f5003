// HTTP/1.1 responses as a server sends them: status line, headers, a body
// by length, chunked or to EOF, trailers. The bytes reach the client's own
// response parser (fields taken into a response as they are parsed) with the
// client's limits in reads of any size, as async_read gives them; interim
// 1xx responses are read past as the client must. The first byte picks the
// read size; the rest is the stream.
#include "../../src/http/response_reader.hpp" // the client's parser and limits
#include "asyncfetch/http/client.hpp"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string_view>

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

namespace {

using asyncfetch::http::detail::max_interim_responses;

// Parses one message from `buffer`, reading more of `stream` as needed.
// Returns false on a parse error or when the stream ends too early.
bool read_message(asyncfetch::http::detail::response_parser& parser, beast::flat_buffer& buffer,
                  std::string_view& stream, std::size_t read_size) {
    beast::error_code ec;
    while (!parser.is_done()) {
        if (buffer.size() > 0) {
            const auto used = parser.put(buffer.data(), ec);
            buffer.consume(used);
            if (ec && ec != bhttp::error::need_more) return false;
            if (!ec && used > 0) continue;
        }
        if (stream.empty()) {
            parser.put_eof(ec); // a body delimited by the end of the connection
            return !ec;
        }
        const auto n = std::min(read_size, stream.size());
        try {
            std::memcpy(buffer.prepare(n).data(), stream.data(), n);
        } catch (const std::length_error&) {
            return false; // the read buffer's maximum: buffer_overflow in the client
        }
        buffer.commit(n);
        stream.remove_prefix(n);
    }
    return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::size_t read_size = 1 + data[0] % 128;
    std::string_view stream(reinterpret_cast<const char*>(data) + 1, size - 1);
    const asyncfetch::http::client_options options;

    beast::flat_buffer buffer(asyncfetch::http::detail::read_buffer_bytes);
    const std::vector<std::string> record_headers = {"x-request-id", "set-cookie"};
    asyncfetch::http::detail::response resp;
    for (int i = 0; i <= max_interim_responses; ++i) {
        asyncfetch::http::detail::response_parser parser(record_headers, resp);
        parser.header_limit(asyncfetch::http::detail::max_header_bytes);
        parser.body_limit(options.max_body);
        if (!read_message(parser, buffer, stream, read_size)) return 0;
        if (resp.body.size() > options.max_body) std::abort();
        // An interim response gives the response nothing.
        if (parser.status() / 100 == 1 &&
            (!resp.reason.empty() || !resp.location.empty() || !resp.recorded.empty()))
            std::abort();
        if (parser.status() / 100 != 1) break;
    }
    return 0;
}
