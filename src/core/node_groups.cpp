#include "asyncfetch/core/node_groups.hpp"

#include "asyncfetch/core/text.hpp"

#include <cstdlib>
#include <fstream>
#include <map>

namespace asyncfetch {
namespace {

struct definition {
    std::size_t line = 0;
    std::vector<nodeset::item> items;
};

bool valid_group_name(std::string_view name) {
    if (name.empty() || name.size() > 128) return false;
    for (const char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
        if (!ok) return false;
    }
    return true;
}

// "NAME: SET SET,SET": the sets as one comma list.
parsed<std::pair<std::string, std::vector<nodeset::item>>> read_line(std::string_view line) {
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) return problem("expected 'NAME: NODESET...'");
    const auto name = std::string(trim(line.substr(0, colon)));
    if (!valid_group_name(name))
        return problem("invalid group name '" + printable(name) +
                       "' (letters, digits, '.', '_', '-')");
    std::string sets;
    for (char c : trim(line.substr(colon + 1)))
        sets += c == ' ' || c == '\t' ? ',' : c;
    // Runs of separators are one separator here (unlike on the command line).
    std::string joined;
    for (char c : sets)
        if (c != ',' || (!joined.empty() && joined.back() != ',')) joined += c;
    if (!joined.empty() && joined.back() == ',') joined.pop_back();
    if (joined.empty()) return problem("group '" + name + "' has no nodes");
    auto items = nodeset::parse(joined);
    if (!items) return problem(items.problem());
    return std::pair{name, std::move(*items)};
}

// Resolves groups depth-first; `state`: 0 not begun, 1 in progress, 2 done.
class resolver {
public:
    resolver(std::map<std::string, definition>& defs, node_groups_file& out)
        : defs_(defs), out_(out) {}

    bool resolve(const std::string& name) {
        auto& st = state_[name];
        if (st == 2) return out_.groups.count(name) > 0;
        if (st == 1) return false; // the cycle is reported where it closes
        st = 1;
        const auto& def = defs_.at(name);
        std::vector<nodeset::pattern> patterns;
        std::uint64_t count = 0;
        bool ok = true;
        for (const auto& it : def.items) {
            if (it.group.empty()) {
                count += it.names.count();
                patterns.push_back(it.names);
            } else if (!defs_.count(it.group)) {
                fail(def.line,
                     "group '" + name + "' names unknown group '@" + printable(it.group) + "'");
                ok = false;
            } else if (state_[it.group] == 1) {
                fail(def.line,
                     "group '" + name + "' contains itself (through '@" + it.group + "')");
                ok = false;
            } else if (!resolve(it.group)) {
                ok = false;
            } else {
                const auto& more = out_.groups.at(it.group);
                for (const auto& p : more)
                    count += p.count();
                if (count <= nodeset::max_names)
                    patterns.insert(patterns.end(), more.begin(), more.end());
            }
            if (count > nodeset::max_names) {
                fail(def.line, "group '" + name + "' has more than " +
                                   std::to_string(nodeset::max_names) + " nodes");
                ok = false;
                break;
            }
        }
        st = 2;
        if (ok) out_.groups.emplace(name, std::move(patterns));
        return ok;
    }

private:
    void fail(std::size_t line, std::string message) {
        out_.problems.push_back({line, std::move(message), ""});
    }
    std::map<std::string, definition>& defs_;
    node_groups_file& out_;
    std::map<std::string, int> state_;
};

} // namespace

node_groups_file read_node_groups(std::istream& in) {
    node_groups_file out;
    auto lines = read_targets(in, nullptr);
    out.problems = std::move(lines.problems);
    if (!out.problems.empty()) return out; // unreadable
    std::map<std::string, definition> defs;
    for (const auto& t : lines.targets) {
        auto read = read_line(t.text);
        if (!read) {
            out.problems.push_back({t.line, read.problem(), t.text});
            continue;
        }
        auto& [name, items] = *read;
        if (auto [at, added] = defs.try_emplace(name, definition{t.line, std::move(items)}); !added)
            out.problems.push_back({t.line,
                                    "group '" + name + "' is already defined at line " +
                                        std::to_string(at->second.line),
                                    t.text});
    }
    resolver r(defs, out);
    for (const auto& [name, def] : defs)
        r.resolve(name);
    std::stable_sort(out.problems.begin(), out.problems.end(),
                     [](const auto& a, const auto& b) { return a.line < b.line; });
    return out;
}

node_groups_file read_node_groups_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) {
        node_groups_file failed;
        failed.problems.push_back({0, "cannot open the groups file", path});
        return failed;
    }
    return read_node_groups(in);
}

std::string default_node_groups_path() {
    if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg)
        return std::string(xdg) + "/asyncfetch/groups";
    if (const char* home = std::getenv("HOME"); home && *home)
        return std::string(home) + "/.config/asyncfetch/groups";
    return "";
}

} // namespace asyncfetch
