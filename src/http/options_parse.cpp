#include "asyncfetch/http/options_parse.hpp"

#include "asyncfetch/core/secret_source.hpp"
#include "asyncfetch/http/request.hpp"

namespace asyncfetch::http {

parsed<header> parse_header_line(std::string_view text) {
    const auto colon = text.find(':');
    if (colon == std::string_view::npos || colon == 0)
        return problem("expected 'Name: value', got '" + std::string(text) + "'");
    auto value = text.substr(colon + 1);
    value.remove_prefix(std::min(value.find_first_not_of(' '), value.size()));
    if (auto why = header_problem(text.substr(0, colon), value)) return problem(std::move(*why));
    return header{std::string(text.substr(0, colon)), std::string(value)};
}

parsed<header> parse_header_env(std::string_view spec) {
    const auto eq = spec.find('=');
    if (eq == std::string_view::npos || eq == 0 || eq + 1 == spec.size())
        return problem("expected NAME=VAR, got '" + std::string(spec) + "'");
    auto value = secret_from_env(std::string(spec.substr(eq + 1)));
    if (!value) return problem(value.problem());
    if (auto why = header_problem(spec.substr(0, eq), *value)) return problem(std::move(*why));
    return header{std::string(spec.substr(0, eq)), std::move(*value)};
}

parsed<std::vector<std::string>> parse_header_names(std::string_view list) {
    std::vector<std::string> names;
    while (!list.empty()) {
        const auto comma = list.find(',');
        auto name = list.substr(0, comma);
        while (!name.empty() && name.front() == ' ')
            name.remove_prefix(1);
        while (!name.empty() && name.back() == ' ')
            name.remove_suffix(1);
        // Header names are tokens, as methods are.
        if (auto token = parse_method(name); !token)
            return problem("'" + std::string(name) + "' is not a header name");
        names.emplace_back(name);
        list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    }
    if (names.empty()) return problem("no header names (e.g. ETag,Last-Modified)");
    return names;
}

void add_json_headers(std::vector<header>& headers) {
    headers.insert(headers.begin(),
                   {{"Content-Type", "application/json"}, {"Accept", "application/json"}});
}

parsed<http_version> parse_http_version(std::string_view text) {
    if (text == "auto") return http_version::automatic;
    if (text == "1.1") return http_version::http1_1;
    if (text == "2") return http_version::http2;
    return problem("'" + std::string(text) + "' is no HTTP version (auto, 1.1 or 2)");
}

} // namespace asyncfetch::http
