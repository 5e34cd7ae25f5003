// A Beast parser for one HTTP/1.1 response that keeps no header fields: each
// field of the header section goes to take_field as it is parsed (what the
// client acts on, into the response), trailers are ignored, and the body
// goes to the response's string under the parser's body limit or, once
// save_to() has been called, to a download. Beast's parser with a
// basic_fields message allocated every field on its own (~8 a response)
// only for the client to read them once. Private to src/http.
#pragma once

#include "download.hpp"
#include "response.hpp"

#include <boost/beast/http/basic_parser.hpp>

#include <boost/system/error_code.hpp>

#include <string>
#include <vector>

namespace asyncfetch::http::detail {

class response_parser : public boost::beast::http::basic_parser<false> {
    using error_code = boost::system::error_code;

public:
    // `resp` takes the fields of a final (non-1xx) response's header
    // section, and its status and reason; an interim response's are passed by.
    response_parser(const std::vector<std::string>& record_headers, response& resp)
        : record_headers_(record_headers), resp_(resp) {}

    unsigned status() const noexcept { return status_; }
    // The rest of the body goes to `save` (its own limit), not the response.
    void save_to(download* save) noexcept { save_ = save; }

private:
    void on_request_impl(boost::beast::http::verb, boost::beast::string_view,
                         boost::beast::string_view, int, error_code&) override {}
    void on_response_impl(int code, boost::beast::string_view reason, int version,
                          error_code& ec) override;
    void on_field_impl(boost::beast::http::field, boost::beast::string_view name,
                       boost::beast::string_view value, error_code& ec) override;
    void on_header_impl(error_code&) override {}
    void on_body_init_impl(const boost::optional<std::uint64_t>& content_length,
                           error_code& ec) override;
    std::size_t on_body_impl(boost::beast::string_view body, error_code& ec) override;
    void on_chunk_header_impl(std::uint64_t, boost::beast::string_view, error_code&) override {}
    std::size_t on_chunk_body_impl(std::uint64_t, boost::beast::string_view body,
                                   error_code& ec) override {
        return on_body_impl(body, ec);
    }
    void on_finish_impl(error_code&) override {}

    const std::vector<std::string>& record_headers_;
    response& resp_;
    download* save_ = nullptr;
    unsigned status_ = 0;

    // A final (non-1xx) response: its reason and fields count.
    bool final_response() const noexcept { return status_ / 100 != 1; }
};

} // namespace asyncfetch::http::detail
