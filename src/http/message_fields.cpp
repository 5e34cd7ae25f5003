// The header fields of a request, and what a response's fields tell the
// client: one place for both protocols, so HTTP/1.1 (exchange.cpp) and
// HTTP/2 (h2/client_h2.cpp) send the same request and read the same answer.
#include "client_impl.hpp"

#include "asyncfetch/http/credentials.hpp"
#include "asyncfetch/http/decode.hpp"
#include "asyncfetch/http/netrc.hpp"

#include <boost/beast/core/string.hpp>

#include <algorithm>
#include <array>

namespace asyncfetch::http {
namespace {

using boost::beast::iequals;

bool has_field(const detail::field_list& fields, std::string_view name) {
    return std::any_of(fields.begin(), fields.end(),
                       [&](const auto& f) { return iequals(f.first, name); });
}

// Replaces every field of that name, as Beast's set() does.
void set_field(detail::field_list& fields, std::string_view name, std::string value) {
    std::erase_if(fields, [&](const auto& f) { return iequals(f.first, name); });
    fields.emplace_back(std::string(name), std::move(value));
}

} // namespace

detail::field_list client::impl::request_fields(const http_url& url, const request& wanted,
                                                bool with_credentials,
                                                const detail::download* save) const {
    // Defaults first, then -H headers replace them, then the request's own;
    // credentials only where they may go.
    detail::field_list fields;
    fields.reserve(8 + options.headers.size() + wanted.headers.size()); // grown once, not 3 times
    set_field(fields, "Host", url.host_header);
    set_field(fields, "User-Agent", options.user_agent);
    set_field(fields, "Accept", "*/*");
    // A saved body is kept as sent: none is asked for encoded (as curl -o
    // and wget do); the rest of a kept part is asked for by its offset.
    set_field(fields, "Accept-Encoding", save ? "identity" : std::string(accepted_encodings));
    if (save && save->offset() > 0)
        set_field(fields, "Range", "bytes=" + std::to_string(save->offset()) + "-");
    // As curl -d: a body says what it is unless a header does.
    if (!wanted.body.empty())
        set_field(fields, "Content-Type", "application/x-www-form-urlencoded");
    const std::array<const detail::field_list*, 2> lists{&options.headers, &wanted.headers};
    for (const detail::field_list* list : lists) {
        for (const auto& [name, value] : *list) {
            if (with_credentials || !is_credential_header(name, options.secret_headers))
                set_field(fields, name, value);
        }
    }
    // Stored cookies go by their own scope (domain, path, Secure), not the
    // origin's; a Cookie given with -H wins.
    if (auto cookie = cookie_header(url); !cookie.empty() && !has_field(fields, "Cookie"))
        set_field(fields, "Cookie", std::move(cookie));
    // --netrc: this host's entry where credentials may go, unless an
    // Authorization was given (curl's -u wins over --netrc too).
    if (with_credentials && !has_field(fields, "Authorization"))
        if (auto entry = netrc_for(options.netrc_entries, url.host))
            set_field(fields, "Authorization",
                      basic_authorization(entry->login + ":" + entry->password));
    return fields;
}

namespace detail {

void take_field(std::string_view name, std::string_view value,
                const std::vector<std::string>& record_headers, response& resp) {
    // The first of a single-valued field counts.
    auto first = [&](std::string& into) {
        if (into.empty()) into = std::string(value);
    };
    if (iequals(name, "Location"))
        first(resp.location);
    else if (iequals(name, "Content-Type"))
        first(resp.content_type);
    else if (iequals(name, "Retry-After"))
        first(resp.retry_after);
    else if (iequals(name, "Content-Range"))
        first(resp.content_range);
    else if (iequals(name, "ETag"))
        first(resp.etag);
    else if (iequals(name, "Last-Modified"))
        first(resp.last_modified);
    else if (iequals(name, "Set-Cookie"))
        resp.set_cookies.emplace_back(value);
    // Codings may come in several fields: they are one list (RFC 9110 5.3).
    else if (iequals(name, "Content-Encoding"))
        resp.content_encoding += (resp.content_encoding.empty() ? "" : ", ") + std::string(value);
    // --record-headers: repeated fields joined, under the name as asked for.
    for (const auto& wanted : record_headers) {
        if (!iequals(name, wanted)) continue;
        auto kept = std::find_if(resp.recorded.begin(), resp.recorded.end(),
                                 [&](const auto& r) { return r.first == wanted; });
        if (kept == resp.recorded.end())
            resp.recorded.emplace_back(wanted, std::string(value));
        else
            kept->second += ", " + std::string(value);
        break;
    }
}

} // namespace detail
} // namespace asyncfetch::http
