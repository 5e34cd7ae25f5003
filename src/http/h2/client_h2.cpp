// The client's HTTP/2 side: which URLs may go over HTTP/2, the connections
// to an origin that carry its streams, and one request as a stream, its
// ending turned into the response or failure that the HTTP/1.1 path gives
// (client.cpp then redirects, decodes and retries alike).
#include "../client_impl.hpp"
#include "driver.hpp"

#include "asyncfetch/http/credentials.hpp"
#include "asyncfetch/http/request.hpp"

#include <boost/beast/http/status.hpp>

#include <nghttp2/nghttp2.h>

#include <algorithm>

namespace asio = boost::asio;

namespace asyncfetch::http {
namespace {

using detail::failure;

std::string lowercase(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

// Fields HTTP/2 forbids (RFC 9113 8.2.2); Host becomes :authority.
bool connection_specific(const std::string& name) {
    return name == "connection" || name == "keep-alive" || name == "proxy-connection" ||
           name == "transfer-encoding" || name == "upgrade" || name == "te";
}

// The request's fields as HTTP/2 sends them: names in lower case, Host as
// :authority, no connection-specific fields, the length of a body.
h2::header_list h2_fields(const detail::field_list& request_fields, const http_url& url,
                          const request& wanted) {
    std::string authority = url.host_header;
    h2::header_list fields;
    for (const auto& [name, value] : request_fields) {
        auto lower = lowercase(name);
        if (lower == "host")
            authority = value;
        else if (!connection_specific(lower) && lower != "content-length")
            fields.emplace_back(std::move(lower), value);
    }
    if (!wanted.body.empty() || !is_idempotent(wanted.method))
        fields.emplace_back("content-length", std::to_string(wanted.body.size()));
    h2::header_list all{{":method", wanted.method},
                        {":scheme", url.tls ? "https" : "http"},
                        {":authority", authority},
                        {":path", url.request_target}};
    all.insert(all.end(), fields.begin(), fields.end());
    return all;
}

// The response's fields the rest of the client acts on.
void take_response(h2::stream& s, const std::vector<std::string>& record_headers,
                   detail::response& resp) {
    resp.status = s.status;
    resp.reason = std::string(
        boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(s.status)));
    resp.got_some = true;
    for (const auto& [name, value] : s.headers)
        detail::take_field(name, value, record_headers, resp);
    resp.body = std::move(s.body);
}

failure stream_failure(const h2::stream& s, const std::string& close_reason) {
    using end = h2::stream::end;
    switch (s.ending) {
    case end::header_too_large:
        return {make_error_code(errc::response_too_large), false,
                "response: headers too large (over " +
                    std::to_string(detail::max_header_bytes / 1024) +
                    " KiB); the stream was reset"};
    case end::body_too_large:
        return detail::fail("response", make_error_code(errc::body_too_large));
    case end::cancelled:
        return detail::fail("response", make_error_code(errc::request_timeout));
    case end::connection_lost:
    case end::not_sent:
        return {make_error_code(errc::connection_closed), false,
                "response: HTTP/2 connection closed before the response was complete (" +
                    close_reason + ")"};
    default:
        break;
    }
    if (s.close_code != NGHTTP2_NO_ERROR || s.status == 0) {
        return {make_error_code(errc::stream_reset), false,
                std::string("response: the server reset the HTTP/2 stream (") +
                    nghttp2_http2_strerror(s.close_code) + ")"};
    }
    return {};
}

} // namespace

bool client::impl::h2_wanted(const http_url& url) const {
    if (options.version == http_version::http1_1 || !options.save_dir.empty()) return false;
    // An http:// URL through an http:// proxy goes in absolute form: HTTP/1.1.
    const proxy* via = proxy_for(options.proxies, url);
    if (via && via->type == proxy::kind::http && !url.tls) return false;
    return url.tls || options.http2_prior_knowledge;
}

std::shared_ptr<h2::connection> client::impl::h2_with_room(host_pool& pool) {
    std::erase_if(pool.h2, [](const auto& c) { return c->finished(); });
    for (const auto& c : pool.h2)
        if (c->takes_requests()) return c;
    return nullptr;
}

void client::impl::add_h2(host_pool& pool, std::unique_ptr<connection> conn) {
    h2::session_settings settings;
    settings.max_header_list = detail::max_header_bytes;
    pool.h2.push_back(std::make_shared<h2::connection>(std::move(conn), settings, h2_ping_after));
}

asio::awaitable<client::impl::h2_attempt>
client::impl::exchange_h2(h2::connection& conn, const http_url& url, const request& req,
                          bool with_credentials, clock_type::time_point deadline, response& resp) {
    auto s = std::make_shared<h2::waited_stream>(ex);
    s->max_body = options.max_body;
    s->max_header_bytes = detail::max_header_bytes;
    s->head_request = req.method == "HEAD";
    s->request_body = req.body;
    const auto fields = h2_fields(request_fields(url, req, with_credentials, nullptr), url, req);
    const bool taken = co_await conn.exchange(fields, s, deadline);
    if (!taken) {
        const failure refused{
            make_error_code(errc::connection_closed), false,
            "request: the HTTP/2 connection took no new stream (" +
                (conn.close_reason().empty() ? std::string("GOAWAY") : conn.close_reason()) + ")"};
        co_return h2_attempt{refused, true};
    }
    // Never processed by the server: REFUSED_STREAM (a GOAWAY refuses those
    // above its last stream id so), or never sent.
    if (s->ending == h2::stream::end::not_sent ||
        (s->ending == h2::stream::end::complete && s->close_code == NGHTTP2_REFUSED_STREAM))
        co_return h2_attempt{stream_failure(*s, conn.close_reason()), true};
    // Lost with the connection before any answer: sent again only when
    // sending twice is harmless (RFC 9110 9.2.2).
    if (s->ending == h2::stream::end::connection_lost && !s->got_some && is_idempotent(req.method))
        co_return h2_attempt{stream_failure(*s, conn.close_reason()), true};
    auto failed = stream_failure(*s, conn.close_reason());
    resp.got_some = s->got_some;
    if (!failed) take_response(*s, options.record_headers, resp);
    co_return h2_attempt{failed, false};
}

} // namespace asyncfetch::http
