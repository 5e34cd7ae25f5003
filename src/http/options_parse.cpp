#include "asyncfetch/http/options_parse.hpp"

#include "asyncfetch/core/secret_source.hpp"

namespace asyncfetch::http {

parsed<header> parse_header_line(std::string_view text) {
    const auto colon = text.find(':');
    if (colon == std::string_view::npos || colon == 0)
        return problem("expected 'Name: value', got '" + std::string(text) + "'");
    auto value = text.substr(colon + 1);
    value.remove_prefix(std::min(value.find_first_not_of(' '), value.size()));
    return header{std::string(text.substr(0, colon)), std::string(value)};
}

parsed<header> parse_header_env(std::string_view spec) {
    const auto eq = spec.find('=');
    if (eq == std::string_view::npos || eq == 0 || eq + 1 == spec.size())
        return problem("expected NAME=VAR, got '" + std::string(spec) + "'");
    auto value = secret_from_env(std::string(spec.substr(eq + 1)));
    if (!value) return problem(value.problem());
    return header{std::string(spec.substr(0, eq)), std::move(*value)};
}

} // namespace asyncfetch::http
