#include "asyncfetch/crawl/normalize.hpp"

#include "asyncfetch/crawl/domain.hpp"

#include <boost/url/url.hpp>

#include <algorithm>
#include <cctype>
#include <vector>

namespace asyncfetch::crawl {
namespace {

void sort_params(boost::urls::url& u) {
    if (!u.has_query()) return;
    std::vector<std::string> params;
    for (auto p : u.encoded_params())
        params.push_back(std::string(p.key) + (p.has_value ? "=" + std::string(p.value) : ""));
    std::sort(params.begin(), params.end());
    std::string query;
    for (const auto& p : params)
        query += (query.empty() ? "" : "&") + p;
    u.set_encoded_query(query);
}

// Octets a URL cannot hold as they are: what browsers percent-encode.
bool needs_encoding(unsigned char c) {
    if (c <= 0x20 || c >= 0x7f) return true;
    return std::string_view("\"<>\\^`{|}").find(static_cast<char>(c)) != std::string_view::npos;
}

void append_encoded(std::string& out, std::string_view text) {
    static constexpr char hex[] = "0123456789ABCDEF";
    for (unsigned char c : text) {
        if (needs_encoding(c)) {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        } else {
            out += static_cast<char>(c);
        }
    }
}

bool unreserved(unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

} // namespace

std::string percent_normal(std::string_view text) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    auto encode = [&out](unsigned char c) {
        out += '%';
        out += hex[c >> 4];
        out += hex[c & 15];
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == '%' && i + 2 < text.size() && hex_digit(text[i + 1]) >= 0 &&
            hex_digit(text[i + 2]) >= 0) {
            const auto v =
                static_cast<unsigned char>(hex_digit(text[i + 1]) * 16 + hex_digit(text[i + 2]));
            if (unreserved(v))
                out += static_cast<char>(v);
            else
                encode(v);
            i += 2;
        } else if (c <= 0x20 || c >= 0x7f) {
            encode(c);
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

std::optional<std::string> ascii_reference(std::string_view ref) {
    // The authority, if any: after "scheme://" or a leading "//".
    std::size_t start = std::string_view::npos;
    if (const auto colon = ref.find(':'); colon != std::string_view::npos &&
                                          ref.substr(colon, 3) == "://" &&
                                          ref.find_first_of("/?#") > colon)
        start = colon + 3;
    else if (ref.substr(0, 2) == "//")
        start = 2;
    if (start == std::string_view::npos) {
        std::string out;
        append_encoded(out, ref);
        return out;
    }
    const auto end = std::min(ref.find_first_of("/?#", start), ref.size());
    auto authority = ref.substr(start, end - start);
    // userinfo@host:port; an IPv6 literal keeps its colons inside brackets.
    const auto at = authority.rfind('@');
    const auto host_start = at == std::string_view::npos ? 0 : at + 1;
    const bool bracketed = authority.substr(host_start, 1) == "[";
    auto host_end = authority.find(bracketed ? ']' : ':', host_start);
    if (host_end == std::string_view::npos)
        host_end = authority.size();
    else if (bracketed)
        ++host_end; // the ']'
    const auto host = authority.substr(host_start, host_end - host_start);

    std::string out;
    append_encoded(out, ref.substr(0, start + host_start));
    if (!host.empty() && host.front() == '[') {
        out += host;
    } else {
        auto ascii = ascii_host(host);
        if (!ascii) return std::nullopt;
        out += *ascii;
    }
    append_encoded(out, ref.substr(start + host_end));
    return out;
}

std::string normalized(const http::http_url& url, bool sort_query) {
    boost::urls::url u(url.text);
    // Percent-encoding case and unreserved octets (http::parse_url has done
    // case, port, fragment and dot segments).
    const auto path = percent_normal(u.encoded_path());
    if (path != u.encoded_path()) {
        u.set_encoded_path(path);
        u.normalize_path(); // a decoded %2E may make a dot segment
    }
    if (u.has_query()) u.set_encoded_query(percent_normal(u.encoded_query()));
    if (sort_query) sort_params(u);
    return std::string(u.buffer());
}

std::optional<std::string> normalize_url(std::string_view url, bool sort_query) {
    const auto ascii = ascii_reference(url);
    if (!ascii) return std::nullopt;
    auto parsed = http::parse_url(*ascii);
    if (!parsed) return std::nullopt;
    return normalized(*parsed, sort_query);
}

} // namespace asyncfetch::crawl
