#include "asyncfetch/http/save_path.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include <cctype>
#include <cstdio>

namespace asyncfetch::http {
namespace {

// A decoded segment (or the encoded query) as one file name: '/', NUL and
// control bytes as %XX; in a decoded segment '%' too, so two different
// segments never share a name.
std::string file_name(std::string_view text, bool decoded = true) {
    std::string out;
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '/' || (decoded && c == '%') || u < 0x20 || u == 0x7f) {
            char hex[4];
            std::snprintf(hex, sizeof hex, "%%%02X", u);
            out += hex;
        } else {
            out += c;
        }
    }
    return out;
}

} // namespace

parsed<std::string> save_path(const http_url& url) {
    auto parsed_url = boost::urls::parse_uri(url.text);
    if (!parsed_url) return problem("save: cannot read '" + url.text + "'");
    boost::urls::url u(*parsed_url);
    u.normalize_path();
    std::string host = url.host;
    for (auto& c : host)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (host.find(':') != std::string::npos) host = "[" + host + "]";
    if (url.port != (url.tls ? 443 : 80)) host += ":" + std::to_string(url.port);

    std::string path = file_name(host);
    std::string last;
    for (auto segment : u.segments()) {
        const std::string decoded(segment);
        if (decoded == "." || decoded == "..")
            return problem("save: the URL's path has a '" + decoded +
                           "' segment, which would leave the --save directory");
        path += "/" + file_name(decoded);
        last = decoded;
    }
    // A directory URL ("/", "/docs/") is saved as its index.html.
    if (last.empty()) path += path.ends_with('/') ? "index.html" : "/index.html";
    if (u.has_query()) path += "?" + file_name(u.encoded_query(), false);
    return path;
}

} // namespace asyncfetch::http
