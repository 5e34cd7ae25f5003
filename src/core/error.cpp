#include "asyncfetch/core/error.hpp"

namespace asyncfetch {
namespace {

class category final : public boost::system::error_category {
public:
    const char* name() const noexcept override { return "asyncfetch"; }

    std::string message(int ev) const override {
        switch (static_cast<errc>(ev)) {
        case errc::ok:
            return "success";
        case errc::resolve_timeout:
            return "timed out resolving the host name";
        case errc::connect_timeout:
            return "timed out connecting";
        case errc::tls_timeout:
            return "timed out in the TLS handshake";
        case errc::request_timeout:
            return "timed out waiting for the response";
        case errc::body_too_large:
            return "response body larger than --max-body";
        case errc::too_many_redirects:
            return "too many redirects";
        case errc::bad_redirect:
            return "redirect to an invalid URL";
        case errc::http_status:
            return "HTTP error status";
        case errc::bad_url:
            return "invalid URL";
        case errc::unsupported_scheme:
            return "unsupported URL scheme (use http or https)";
        case errc::decode_failed:
            return "could not decode the compressed body";
        case errc::connection_closed:
            return "connection closed before the response was complete";
        case errc::response_too_large:
            return "response too large";
        case errc::unasked_response:
            return "unexpected response";
        case errc::stream_reset:
            return "the server reset the HTTP/2 stream";
        }
        return "unknown asyncfetch error";
    }
};

} // namespace

const boost::system::error_category& error_category() noexcept {
    static const category instance;
    return instance;
}

} // namespace asyncfetch
