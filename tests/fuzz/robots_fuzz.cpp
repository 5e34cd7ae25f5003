// robots.txt bodies: parsed for our product token, then asked about paths.
// The first line of the input is the path asked about, the rest the file.
#include "asyncfetch/crawl/robots.hpp"

#include <cstdint>
#include <string_view>

using namespace asyncfetch::crawl;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto eol = text.find('\n');
    const auto target = text.substr(0, eol);
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);

    const auto rules = robots_rules::parse(text, "asyncfetch");
    (void)rules.allows(target);
    (void)rules.allows("/");
    (void)rules.crawl_delay();
    (void)robots_pattern_matches(target, text.substr(0, 256));
    return 0;
}
