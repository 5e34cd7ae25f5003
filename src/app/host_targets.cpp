#include "asyncfetch/app/host_targets.hpp"

#include "asyncfetch/core/text.hpp"
#include "asyncfetch/ssh/hosts.hpp"

#include <filesystem>
#include <iostream>
#include <unordered_set>

namespace asyncfetch::app {

loaded_groups load_groups(const std::string& groups_file) {
    loaded_groups out;
    auto path = groups_file;
    if (path.empty()) {
        // The default file is optional: read only when it is there.
        path = default_node_groups_path();
        std::error_code ec;
        if (path.empty() || !std::filesystem::exists(path, ec)) return out;
    }
    out.file = read_node_groups_file(path);
    if (!out.file->problems.empty()) {
        std::cerr << format_problems(path, out.file->problems);
        out.ok = false;
    }
    return out;
}

void expand_host_lines(input_file& in, const nodeset::group_map* groups,
                       const target_validator& validate) {
    input_file out;
    out.problems = std::move(in.problems);
    std::size_t total = 0;
    for (const auto& t : in.targets) {
        auto fail = [&](std::string message) {
            out.problems.push_back({t.line, std::move(message), t.text});
        };
        // A password in the line is refused before the line is shown anywhere.
        if (ssh::printable_host_line(t.text) != t.text && validate) {
            if (auto p = validate(t.text)) {
                fail(std::move(*p));
                continue;
            }
        }
        auto names = nodeset::expand(t.text, groups);
        if (!names) {
            fail(names.problem());
            continue;
        }
        if (total + names->size() > nodeset::max_names) {
            fail("the hosts expand to more than " + std::to_string(nodeset::max_names) +
                 " names by this line");
            break;
        }
        std::optional<std::string> bad;
        for (const auto& name : *names)
            if (validate && (bad = validate(name))) break;
        if (bad) {
            fail(names->size() == 1 ? std::move(*bad)
                                    : *bad + " (from '" + printable(t.text) + "')");
            continue;
        }
        total += names->size();
        for (auto& name : *names)
            out.targets.push_back({out.targets.size(), t.line, std::move(name)});
    }
    in = std::move(out);
}

std::optional<std::string> exclude_hosts(input_file& in, const std::vector<std::string>& excluded,
                                         const nodeset::group_map* groups) {
    if (excluded.empty()) return std::nullopt;
    std::unordered_set<std::string> names;
    for (const auto& set : excluded) {
        auto expanded = nodeset::expand(set, groups);
        if (!expanded) return "-x '" + printable(set) + "': " + expanded.problem();
        names.insert(expanded->begin(), expanded->end());
    }
    auto gone = [&](const target& t) {
        if (names.count(t.text)) return true;
        auto spec = ssh::parse_host_line(t.text);
        return spec && names.count(spec->host) > 0;
    };
    std::erase_if(in.targets, gone);
    for (std::size_t i = 0; i < in.targets.size(); ++i)
        in.targets[i].index = i;
    return std::nullopt;
}

std::string host_file_name(const ssh::host_spec& h, const std::string& default_user) {
    std::string name = h.user.empty() || h.user == default_user ? "" : h.user + "@";
    if (h.host.find(':') == std::string::npos) {
        name += h.host;
    } else {
        // Only the address part: a scope (after '%') is an interface name, kept.
        auto v6 = h.host;
        for (std::size_t i = 0; i < v6.size() && v6[i] != '%'; ++i)
            if (v6[i] == ':') v6[i] = '-';
        name += "[" + v6 + "]";
    }
    if (h.port != 22 && h.port != 0) name += "+" + std::to_string(h.port);
    return name;
}

bool read_hosts(const host_selection& s, const target_validator& validate, bool keep_going,
                input_file& out) {
    const auto groups = load_groups(s.groups_file);
    if (!groups.ok) return false;
    const auto* group_map = groups.file ? &groups.file->groups : nullptr;
    out = {};
    if (!s.hosts_file.empty()) {
        out = read_targets_file(s.hosts_file, nullptr);
        const bool unreadable = !out.problems.empty();
        if (!unreadable) expand_host_lines(out, group_map, validate);
        if (unreadable || (!out.problems.empty() && !keep_going)) {
            std::cerr << format_problems(s.hosts_file, out.problems);
            if (!unreadable)
                std::cerr << "asyncfetch: nothing was run; fix the lines above or use "
                             "--keep-going\n";
            return false;
        }
    }
    for (const auto& set : s.host_sets) {
        input_file given;
        given.targets.push_back({0, 0, set});
        expand_host_lines(given, group_map, validate);
        if (!given.problems.empty()) {
            std::cerr << "asyncfetch: -H '" << printable(ssh::printable_host_line(set))
                      << "': " << printable(given.problems.front().message) << "\n";
            return false;
        }
        if (out.targets.size() + given.targets.size() > nodeset::max_names) {
            std::cerr << "asyncfetch: the hosts expand to more than " << nodeset::max_names
                      << " names\n";
            return false;
        }
        for (auto& t : given.targets)
            out.targets.push_back({out.targets.size(), 0, std::move(t.text)});
    }
    if (auto problem = exclude_hosts(out, s.excluded, group_map)) {
        std::cerr << "asyncfetch: " << *problem << "\n";
        return false;
    }
    return true;
}

} // namespace asyncfetch::app
