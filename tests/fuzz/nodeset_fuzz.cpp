// Node sets (-H, -x, hosts-file lines) and groups files: the first line is a
// set, the rest a groups file it may name groups from. A set that expands
// must fold into one that expands back to the same names.
#include "asyncfetch/core/node_groups.hpp"
#include "asyncfetch/core/nodeset.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <sstream>

using namespace asyncfetch;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    const auto newline = text.find('\n');
    const auto set = text.substr(0, newline);
    std::istringstream rest(newline == std::string::npos ? "" : text.substr(newline + 1));
    const auto groups = read_node_groups(rest);
    // A small limit keeps each input fast; the limit itself is what is tested.
    auto names = nodeset::expand(set, &groups.groups, 20000);
    if (!names) return 0;
    if (names->size() > 20000) std::abort();
    const auto folded = nodeset::fold(*names);
    auto again = nodeset::expand(folded, nullptr, 20000);
    if (!again) std::abort();
    auto a = *names, b = *again;
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    if (a != b) std::abort();
    return 0;
}
