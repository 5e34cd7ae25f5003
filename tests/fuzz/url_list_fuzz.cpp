// URL list files: every line through the validator the fetch command uses,
// then each URL parsed again from its normalised text (which must be stable),
// and each line also as a Location header against a fixed page.
#include "asyncfetch/app/fetch.hpp"
#include "asyncfetch/core/target.hpp"
#include "asyncfetch/http/url.hpp"

#include <cstdint>
#include <cstdlib>
#include <sstream>

using namespace asyncfetch;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    std::istringstream in(text);
    const auto file = read_targets(in, app::url_line_problem);
    (void)format_problems("urls.txt", file.problems);

    static const auto page = http::parse_url("http://example.com/dir/page?q=1").value();
    for (const auto& t : file.targets) {
        const auto url = http::parse_url(t.text).value();
        const auto again = http::parse_url(url.text);
        if (!again || again->text != url.text || again->origin() != url.origin()) std::abort();
    }
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);)
        (void)http::resolve_location(page, line);
    return 0;
}
