#include "response_parser.hpp"

#include <new>

namespace asyncfetch::http::detail {

void response_parser::on_response_impl(int code, boost::beast::string_view reason, int,
                                       error_code&) {
    status_ = static_cast<unsigned>(code);
    taking_ = status_ / 100 != 1;
    if (taking_) resp_.reason.assign(reason.data(), reason.size());
}

void response_parser::on_field_impl(boost::beast::http::field, boost::beast::string_view name,
                                    boost::beast::string_view value, error_code&) {
    // Trailers arrive here too: they cannot redirect, set an encoding or
    // anything else.
    if (taking_ && in_header_)
        take_field({name.data(), name.size()}, {value.data(), value.size()}, record_headers_,
                   resp_);
}

void response_parser::on_body_init_impl(const boost::optional<std::uint64_t>& content_length,
                                        error_code& ec) {
    // As Beast's string_body: room for a declared length (the body limit
    // has bounded it already), and an allocation failure fails this
    // response alone instead of escaping from the read's handler.
    if (save_ || !content_length) return;
    try {
        resp_.body.reserve(static_cast<std::size_t>(*content_length));
    } catch (const std::bad_alloc&) {
        ec = make_error_code(boost::system::errc::not_enough_memory);
    }
}

std::size_t response_parser::on_body_impl(boost::beast::string_view body, error_code& ec) {
    if (save_) {
        if (!save_->write({body.data(), body.size()})) {
            ec = save_->too_large() ? error_code(boost::beast::http::error::body_limit)
                                    : make_error_code(boost::system::errc::io_error);
            return 0;
        }
        return body.size();
    }
    try {
        resp_.body.append(body.data(), body.size());
    } catch (const std::bad_alloc&) {
        ec = make_error_code(boost::system::errc::not_enough_memory);
        return 0;
    }
    return body.size();
}

} // namespace asyncfetch::http::detail
