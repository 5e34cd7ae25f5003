#include "request_endpoints.hpp"

#include <nlohmann/json.hpp>

#include <charconv>

namespace bhttp = boost::beast::http;

namespace asyncfetch::testserver::detail {
namespace {

std::uint64_t to_number(std::string_view s, std::uint64_t fallback) {
    std::uint64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    return ec == std::errc() && end == s.data() + s.size() ? v : fallback;
}

// "bytes=FIRST-" or "bytes=FIRST-LAST", the only forms a resuming client sends.
bool parse_range(std::string_view h, std::uint64_t size, std::uint64_t& first,
                 std::uint64_t& last) {
    if (!h.starts_with("bytes=")) return false;
    h.remove_prefix(6);
    const auto dash = h.find('-');
    if (dash == std::string_view::npos) return false;
    first = to_number(h.substr(0, dash), size);
    last = dash + 1 == h.size() ? size - 1 : to_number(h.substr(dash + 1), size);
    return first < size && first <= last && last < size;
}

// /bytes/N: N bytes; a Range is honoured (206 + Content-Range) unless
// ?range=ignore (200, the whole body) or ?range=wrong (206 with a
// Content-Range for other bytes than asked).
void bytes(const request& req, const boost::urls::url_view& url, std::uint64_t n, response& res) {
    std::string mode;
    if (auto it = url.params().find("range"); it != url.params().end()) mode = (*it).value;
    res.body() = text_of_size(n);
    res.set(bhttp::field::accept_ranges, mode == "ignore" ? "none" : "bytes");
    const auto range = req[bhttp::field::range];
    std::uint64_t first = 0, last = 0;
    if (range.empty() || mode == "ignore") return;
    if (!parse_range(range, n, first, last)) {
        res.result(bhttp::status::range_not_satisfiable);
        res.set(bhttp::field::content_range, "bytes */" + std::to_string(n));
        res.body().clear();
        return;
    }
    const auto shown_first = mode == "wrong" ? 0 : first;
    res.result(bhttp::status::partial_content);
    res.set(bhttp::field::content_range, "bytes " + std::to_string(shown_first) + "-" +
                                             std::to_string(last) + "/" + std::to_string(n));
    res.body() = res.body().substr(first, last - first + 1);
}

} // namespace

const char* const request_endpoints_index =
    "/echo (method, headers, body as JSON) /redirect-code/N?url=U /bytes/N (Range; "
    "?range=ignore|wrong)\n";

std::string text_of_size(std::uint64_t n) {
    std::string body(n, 'x');
    for (std::uint64_t i = 0; i < n; ++i)
        body[i] = static_cast<char>('a' + i % 26);
    return body;
}

bool answer_request_endpoint(const request& req, const boost::urls::url_view& url, response& res) {
    std::vector<std::string> seg;
    for (auto s : url.segments())
        seg.emplace_back(s);
    if (seg.empty()) return false;
    const std::string arg = seg.size() > 1 ? seg[1] : "";
    if (seg[0] == "echo") {
        nlohmann::json headers = nlohmann::json::object();
        for (const auto& field : req)
            headers[std::string(field.name_string())] = std::string(field.value());
        const nlohmann::json echo{{"method", std::string(req.method_string())},
                                  {"target", std::string(req.target())},
                                  {"headers", headers},
                                  {"body", req.body()}};
        res.set(bhttp::field::content_type, "application/json");
        res.body() = echo.dump() + "\n";
        return true;
    }
    if (seg[0] == "redirect-code") {
        res.result(static_cast<unsigned>(to_number(arg, 302)));
        auto it = url.params().find("url");
        res.set(bhttp::field::location, it == url.params().end() ? "/" : (*it).value);
        return true;
    }
    if (seg[0] == "bytes") {
        bytes(req, url, to_number(arg, 0), res);
        return true;
    }
    return false;
}

} // namespace asyncfetch::testserver::detail
