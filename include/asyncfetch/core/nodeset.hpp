// Node sets as ClusterShell writes them: "web[01-20]", "db[1-3,7]",
// "10.0.0.[1-9]", "r[1-2]n[01-16]" (several brackets), comma lists, and
// "@name" for a named group (core/node_groups.hpp). Pure text in, names out:
// expanding a set and folding a list of names back into one. Used for hosts
// (-H, hosts files, -x, --group's headers) but knows nothing of SSH.
#pragma once

#include "asyncfetch/core/parsed.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace asyncfetch::nodeset {

// The most names one set may expand to; a larger one is refused before any
// name is made (counted before duplicates are dropped).
inline constexpr std::size_t max_names = 1'000'000;

// "FIRST", "FIRST-LAST" or "FIRST-LAST/STEP"; a bound written with a leading
// zero pads every number to its width ("08-11": 08 09 10 11).
struct range {
    std::uint64_t first = 0, last = 0, step = 1;
    std::size_t width = 0; // 0: numbers as they are
    std::uint64_t count() const { return (last - first) / step + 1; }
};

// One name pattern: literal text, and bracketed range lists between. A
// bracket holding ':' is an IPv6 address ("[::1]:2222") and stays text.
struct pattern {
    std::vector<std::string> texts;         // texts.size() == ranges.size() + 1
    std::vector<std::vector<range>> ranges; // one range list per bracket
    std::uint64_t count() const;            // names it yields (saturates at max_names + 1)
    void expand(std::vector<std::string>& out) const; // in the order written
};

// One comma-separated item: a pattern, or a group reference ("@name").
struct item {
    pattern names;
    std::string group; // set: "@group" (without the '@'); names unused
};

// Splits a set at the commas outside brackets and reads each item.
parsed<std::vector<item>> parse(std::string_view text);

// Reads one pattern (no comma, no '@').
parsed<pattern> parse_pattern(std::string_view text);

// Named groups (core/node_groups.hpp reads them from a file): each group's
// patterns, the groups it names already replaced by theirs.
using group_map = std::map<std::string, std::vector<pattern>, std::less<>>;

// The names of a set, in the order written, duplicates dropped (the first
// kept); "@name" from `groups`. Refused when more than `limit` names would be
// made, or for an unknown group.
parsed<std::vector<std::string>> expand(std::string_view text, const group_map* groups = nullptr,
                                        std::size_t limit = max_names);

// The shortest clear way to write `names` as one set: numbers that differ
// fold into ranges ("web01,web02,web03,web07" -> "web[01-03,07]"), along the
// last number first, then the others where whole rows match ("r[1-2]n[01-04]").
// Patterns in sorted order; expanding the result gives the same names.
std::string fold(std::span<const std::string> names);

} // namespace asyncfetch::nodeset
