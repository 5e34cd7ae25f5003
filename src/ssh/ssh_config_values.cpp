#include "ssh_config_values.hpp"

#include "asyncfetch/core/text.hpp"

#include <netdb.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <climits>

namespace asyncfetch::ssh {

namespace {

bool one_of(std::string_view word, std::initializer_list<std::string_view> words) {
    return std::find(words.begin(), words.end(), word) != words.end();
}

constexpr std::array<std::string_view, 6> flag_keywords = {"batchmode",
                                                           "compression",
                                                           "identitiesonly",
                                                           "passwordauthentication",
                                                           "kbdinteractiveauthentication",
                                                           "challengeresponseauthentication"};
constexpr std::array<std::string_view, 8> single_keywords = {
    "hostname",        "user",          "identityagent", "proxyjump", "identityfile",
    "certificatefile", "ignoreunknown", "port"};

} // namespace

bool is_used_keyword(std::string_view keyword) {
    return std::find(flag_keywords.begin(), flag_keywords.end(), keyword) != flag_keywords.end() ||
           std::find(single_keywords.begin(), single_keywords.end(), keyword) !=
               single_keywords.end() ||
           one_of(keyword, {"host", "match", "include", "proxycommand", "userknownhostsfile",
                            "globalknownhostsfile", "stricthostkeychecking", "pubkeyauthentication",
                            "connecttimeout", "serveraliveinterval", "connectionattempts",
                            "serveralivecountmax"});
}

std::optional<bool> config_flag(std::string_view text) {
    if (text == "yes" || text == "true") return true;
    if (text == "no" || text == "false") return false;
    return std::nullopt;
}

std::optional<std::chrono::seconds> config_time(std::string_view text) {
    if (text.empty()) return std::nullopt;
    long long total = 0;
    while (!text.empty()) {
        long long value = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (ec != std::errc() || end == text.data() || value < 0) return std::nullopt;
        text.remove_prefix(static_cast<std::size_t>(end - text.data()));
        long long unit = 1;
        if (!text.empty()) {
            switch (text.front()) {
            case 's':
            case 'S':
                unit = 1;
                break;
            case 'm':
            case 'M':
                unit = 60;
                break;
            case 'h':
            case 'H':
                unit = 3600;
                break;
            case 'd':
            case 'D':
                unit = 86400;
                break;
            case 'w':
            case 'W':
                unit = 604800;
                break;
            default:
                return std::nullopt;
            }
            text.remove_prefix(1);
        }
        if (value > (INT_MAX - total) / unit) return std::nullopt;
        total += value * unit;
    }
    return std::chrono::seconds(total);
}

std::optional<std::uint16_t> config_port(std::string_view text) {
    if (!text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos)
        return port_number(text);
    const std::string name(text);
    servent result{};
    servent* found = nullptr;
    char buffer[1024];
    if (::getservbyname_r(name.c_str(), "tcp", &result, buffer, sizeof buffer, &found) != 0 ||
        found == nullptr)
        return std::nullopt;
    return static_cast<std::uint16_t>(ntohs(static_cast<std::uint16_t>(found->s_port)));
}

parsed<unsigned> config_integer(std::string_view text) {
    long long value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec == std::errc::result_out_of_range)
        return problem(text.starts_with("-") ? "integer value too small"
                                             : "integer value too large");
    if (ec != std::errc() || end != text.data() + text.size())
        return problem("integer value invalid");
    if (value < 0) return problem("integer value too small");
    if (value > INT_MAX) return problem("integer value too large");
    return static_cast<unsigned>(value);
}

std::optional<std::string> strict_host_key_checking_value(std::string_view text) {
    if (one_of(text, {"yes", "true"})) return "true";
    if (one_of(text, {"no", "false", "off"})) return "false";
    if (one_of(text, {"ask", "accept-new"})) return std::string(text);
    return std::nullopt;
}

std::optional<std::string> pubkey_authentication_value(std::string_view text) {
    if (one_of(text, {"yes", "true"})) return "true";
    if (one_of(text, {"no", "false"})) return "false";
    if (one_of(text, {"unbound", "host-bound"})) return std::string(text);
    return std::nullopt;
}

parsed<std::vector<match_criterion>> match_criteria(const config_line& line) {
    std::vector<match_criterion> out;
    const auto& args = line.args;
    for (std::size_t i = 0; i < args.size(); ++i) {
        match_criterion c;
        std::string_view word = args[i];
        c.negated = word.starts_with("!");
        if (c.negated) word.remove_prefix(1);
        c.attribute = lower(word);
        if (c.attribute == "all") {
            if (args.size() != 1 || c.negated)
                return problem("'all' cannot be combined with other Match attributes");
        } else if (one_of(c.attribute, {"canonical", "final"})) {
            return problem("Match " + c.attribute +
                           " is not supported (asyncfetch does not canonicalize host names)");
        } else if (one_of(c.attribute, {"exec", "localnetwork"})) {
            return problem("Match " + c.attribute +
                           " is not supported (asyncfetch evaluates Match all, host, "
                           "originalhost, user and localuser)");
        } else if (one_of(c.attribute, {"host", "originalhost", "user", "localuser"})) {
            if (i + 1 >= args.size() || args[i + 1].empty())
                return problem("Bad Match condition: " + c.attribute + " needs patterns");
            c.patterns = args[++i];
        } else {
            return problem("Bad Match condition: unknown criterion '" + std::string(word) + "'");
        }
        out.push_back(std::move(c));
    }
    return out;
}

std::optional<std::string> check_config_line(const config_line& line) {
    const auto& k = line.keyword;
    const auto& args = line.args;
    const auto extra = [&] { return "keyword " + k + " extra arguments at end of line"; };
    if (args.empty()) return "no argument after keyword \"" + k + "\"";
    if (k == "host") {
        for (const auto& a : args)
            if (a.empty()) return "keyword host empty argument";
        return std::nullopt;
    }
    if (k == "match") {
        std::string problem;
        if (auto criteria = match_criteria(line); !criteria) return criteria.problem();
        return std::nullopt;
    }
    const bool single =
        std::find(single_keywords.begin(), single_keywords.end(), k) != single_keywords.end();
    const bool flag =
        std::find(flag_keywords.begin(), flag_keywords.end(), k) != flag_keywords.end();
    const bool valued =
        single || flag ||
        one_of(k, {"stricthostkeychecking", "pubkeyauthentication", "connecttimeout",
                   "serveraliveinterval", "connectionattempts", "serveralivecountmax"});
    if (one_of(k, {"userknownhostsfile", "globalknownhostsfile"}))
        for (const auto& a : args)
            if (a.empty()) return "keyword " + k + " empty argument";
    if (!valued) return std::nullopt; // read, not used (or a list: known hosts files)
    if (args.size() > 1) return extra();
    const auto& v = args[0];
    if (v.empty()) return "keyword " + k + " empty argument";
    if (k == "port" && !config_port(v)) return "Bad port '" + v + "'.";
    if (flag && !config_flag(v)) return "unsupported option \"" + v + "\".";
    if (k == "stricthostkeychecking" && !strict_host_key_checking_value(v))
        return "unsupported option \"" + v + "\".";
    if (k == "pubkeyauthentication" && !pubkey_authentication_value(v))
        return "unsupported option \"" + v + "\".";
    if (one_of(k, {"connecttimeout", "serveraliveinterval"}) && !config_time(v))
        return "invalid time value.";
    if (one_of(k, {"connectionattempts", "serveralivecountmax"})) {
        if (auto value = config_integer(v); !value) return value.problem() + ".";
    }
    return std::nullopt;
}

} // namespace asyncfetch::ssh
