#include "state_endpoints.hpp"

#include <charconv>

namespace bhttp = boost::beast::http;

namespace asyncfetch::testserver::detail {
namespace {

std::string param(const boost::urls::url_view& url, const char* name) {
    auto it = url.params().find(name);
    return it == url.params().end() ? std::string() : std::string((*it).value);
}

void cached(const request& req, const boost::urls::url_view& url, std::uint64_t n,
            endpoint_state& state, response& res) {
    const auto key = param(url, "key");
    const auto only = param(url, "only");
    const unsigned version = state.versions[key];
    const std::string etag = "\"" + key + "-v" + std::to_string(version) + "\"";
    // A new version a minute later than the last.
    const std::string last_modified =
        "Wed, 21 Oct 2015 07:" + std::to_string(10 + version % 50) + ":00 GMT";
    if (only != "lm") res.set(bhttp::field::etag, etag);
    if (only != "etag") res.set(bhttp::field::last_modified, last_modified);
    const auto inm = req[bhttp::field::if_none_match];
    const auto ims = req[bhttp::field::if_modified_since];
    // RFC 9110 13.2.2: If-None-Match, when sent, decides alone.
    const bool unchanged = !inm.empty() ? (only != "lm" && inm == etag)
                                        : (!ims.empty() && only != "etag" && ims == last_modified);
    if (unchanged) {
        res.result(bhttp::status::not_modified);
        return;
    }
    res.body() = text_of_size(n);
    if (!res.body().empty()) res.body()[0] = static_cast<char>('A' + version % 26);
}

} // namespace

const char* const state_endpoints_index =
    "/set-cookie?c=SPEC&to=U /cached/N?key=K&only=etag|lm (304 when unchanged) /touch?key=K\n";

bool answer_state_endpoint(const request& req, const boost::urls::url_view& url,
                           endpoint_state& state, response& res) {
    const auto segments = url.segments();
    if (segments.empty()) return false;
    const std::string first = *segments.begin();
    if (first == "set-cookie") {
        for (const auto& p : url.params())
            if (p.key == "c") res.insert(bhttp::field::set_cookie, p.value);
        if (const auto to = param(url, "to"); !to.empty()) {
            res.result(bhttp::status::found);
            res.set(bhttp::field::location, to);
        }
        res.body() = "cookies set\n";
        return true;
    }
    if (first == "cached") {
        std::uint64_t n = 0;
        const std::string arg =
            segments.size() > 1 ? std::string(*std::next(segments.begin())) : "";
        std::from_chars(arg.data(), arg.data() + arg.size(), n);
        cached(req, url, n, state, res);
        return true;
    }
    if (first == "touch") {
        ++state.versions[param(url, "key")];
        res.body() = "touched\n";
        return true;
    }
    return false;
}

} // namespace asyncfetch::testserver::detail
