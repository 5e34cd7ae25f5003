// known_hosts lines as OpenSSH reads them, and the decision they make about a
// host's key: every line of the input is parsed, and the usable ones decide
// for a few host forms (plain, [host]:port, a name hashed lines may match).
#include "asyncfetch/ssh/known_hosts_rules.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

using namespace asyncfetch::ssh;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    std::vector<known_host_line> lines;
    while (!text.empty()) {
        const auto end = text.find('\n');
        if (auto line = parse_known_hosts_line(text.substr(0, end))) lines.push_back(*line);
        text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    }
    for (const auto& [host, port] : {std::pair<std::string_view, std::uint16_t>{"example.org", 22},
                                     {"10.0.0.1", 2222},
                                     {"web1", 22}}) {
        const std::string_view key = lines.empty() ? std::string_view("x") : lines[0].key;
        const auto decision = decide_host_key(lines, host, port, key);
        // A decision that names a line names one of these.
        if (decision.line &&
            (decision.line < lines.data() || decision.line >= lines.data() + lines.size()))
            std::abort();
        (void)hostkey_method_preference(known_key_types(lines, host, port));
    }
    return 0;
}
