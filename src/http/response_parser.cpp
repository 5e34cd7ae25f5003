#include "response_parser.hpp"

#include <boost/beast/http/error.hpp>
#include <boost/beast/http/status.hpp>

#include <exception>

namespace asyncfetch::http::detail {
namespace {

// Runs `f`; an exception it throws (no memory, a length over what a string
// holds) fails this response with an error code instead of escaping from
// the read's handler, where it would end the event loop and every target.
template <class F>
void guarded(boost::system::error_code& ec, F&& f) {
    try {
        f();
    } catch (const std::exception&) {
        ec = make_error_code(boost::system::errc::not_enough_memory);
    }
}

} // namespace

void response_parser::on_response_impl(int code, boost::beast::string_view reason, int,
                                       error_code& ec) {
    status_ = static_cast<unsigned>(code);
    if (!final_response()) return;
    // No reason phrase: the status code's usual one, as Beast's reason()
    // gives it (and as the HTTP/2 path words it).
    if (reason.empty())
        reason = boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(code));
    guarded(ec, [&] { resp_.reason.assign(reason.data(), reason.size()); });
}

void response_parser::on_field_impl(boost::beast::http::field, boost::beast::string_view name,
                                    boost::beast::string_view value, error_code& ec) {
    // Trailers arrive here too (after the header is done): they cannot
    // redirect, set an encoding or anything else.
    if (final_response() && !is_header_done())
        guarded(ec, [&] {
            take_field({name.data(), name.size()}, {value.data(), value.size()}, record_headers_,
                       resp_);
        });
}

void response_parser::on_body_init_impl(const boost::optional<std::uint64_t>& content_length,
                                        error_code& ec) {
    // As Beast's string_body: room for a declared length (the body limit
    // has bounded it already, but --max-body may be set past what a string
    // can hold).
    if (save_ || !content_length) return;
    if (*content_length > resp_.body.max_size()) {
        ec = boost::beast::http::error::body_limit; // more than memory can hold
        return;
    }
    guarded(ec, [&] { resp_.body.reserve(static_cast<std::size_t>(*content_length)); });
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
    if (body.size() > resp_.body.max_size() - resp_.body.size()) {
        ec = boost::beast::http::error::body_limit; // more than memory can hold
        return 0;
    }
    guarded(ec, [&] { resp_.body.append(body.data(), body.size()); });
    return ec ? 0 : body.size();
}

} // namespace asyncfetch::http::detail
