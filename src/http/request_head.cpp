#include "request_head.hpp"

#include "asyncfetch/http/request.hpp"

#include <boost/beast/core/string.hpp>

#include <charconv>

namespace asyncfetch::http::detail {

using boost::beast::iequals;

namespace {

// Beast stores a field's value without leading and trailing spaces and tabs.
std::string_view trimmed(std::string_view value) {
    const auto first = value.find_first_not_of(" \t");
    if (first == std::string_view::npos) return {};
    return value.substr(first, value.find_last_not_of(" \t") - first + 1);
}

// Beast refuses a field whose name or value would not fit its 16-bit offsets.
bool beast_refuses(std::string_view name, std::string_view value) {
    constexpr std::size_t most = 65535 - 2;
    return name.size() > most || value.size() > most;
}

} // namespace

head_outcome request_head(const head_parts& request, std::string& out) {
    const auto& fields = request.fields;
    if (breaks_line(request.method) || breaks_line(request.target)) {
        out = "the method or target holds a line break or NUL byte";
        return head_outcome::refused;
    }
    // One pass over the fields: what refuses the request, what leaves it to
    // Beast, whether a field replaces the proxy's credentials, the size.
    // A refusal wins over leaving it to Beast (which would send the field).
    bool by_beast = beast_refuses("Proxy-Authorization", request.proxy_authorization) ||
                    (request.with_length && request.method == "TRACE" && !request.body.empty());
    bool proxy_authorization_replaced = false;
    // One allocation for a usual head, not one per doubling as it grows.
    std::size_t size = request.method.size() + request.target.size() + 16 +
                       request.proxy_authorization.size() + 48;
    for (const auto& [name, value] : fields) {
        if (auto why = header_problem(name, value)) {
            out = std::move(*why);
            return head_outcome::refused;
        }
        by_beast = by_beast || iequals(name, "Transfer-Encoding") ||
                   iequals(name, "Content-Length") || beast_refuses(name, value);
        proxy_authorization_replaced =
            proxy_authorization_replaced || iequals(name, "Proxy-Authorization");
        size += name.size() + value.size() + 4;
    }
    if (breaks_line(request.proxy_authorization)) {
        out = *header_problem("Proxy-Authorization", request.proxy_authorization);
        return head_outcome::refused;
    }
    if (by_beast) return head_outcome::leave_to_beast;

    // set(): a field replaces every earlier one of its name, so of several
    // only the last is written, where it stands.
    auto replaced_later = [&](std::size_t i) {
        for (std::size_t j = i + 1; j < fields.size(); ++j)
            if (iequals(fields[j].first, fields[i].first)) return true;
        return false;
    };
    // prepare_payload(): a length when there is a body, or for the methods
    // that always have one (Beast's rule, its verbs matched exactly).
    const bool length =
        request.with_length && (!request.body.empty() || request.method == "OPTIONS" ||
                                request.method == "PUT" || request.method == "POST");
    char digits[24];
    const auto length_end = std::to_chars(digits, digits + sizeof digits, request.body.size()).ptr;

    out.clear();
    out.reserve(size);
    out.append(request.method).append(" ").append(request.target).append(" HTTP/1.1\r\n");
    if (!request.proxy_authorization.empty() && !proxy_authorization_replaced)
        out.append("Proxy-Authorization: ")
            .append(trimmed(request.proxy_authorization))
            .append("\r\n");
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (replaced_later(i)) continue;
        out.append(fields[i].first).append(": ").append(trimmed(fields[i].second)).append("\r\n");
    }
    if (length) out.append("Content-Length: ").append(digits, length_end).append("\r\n");
    out.append("\r\n");
    return head_outcome::written;
}

} // namespace asyncfetch::http::detail
