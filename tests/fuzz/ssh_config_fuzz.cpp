// ssh_config text as OpenSSH reads it, then resolved for a few host names.
// Include lines are taken out first: they read the machine's files.
#include "asyncfetch/core/text.hpp"
#include "asyncfetch/ssh/ssh_config.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>

using namespace asyncfetch;
using namespace asyncfetch::ssh;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string text(reinterpret_cast<const char*>(data), size);
    const auto lowered = lower(text);
    for (std::size_t at = 0; (at = lowered.find("include", at)) != std::string::npos; ++at)
        text[at] = 'x';
    const config_context context{"/home/fuzz", "fuzz"};
    const auto file = config_file::parse(text, "fuzz.conf", true, context);
    if (!file) {
        if (file.problem().empty()) std::abort(); // a refusal says why
        return 0;
    }
    for (const char* host : {"web1", "WEB1", "db.example.org", ""}) {
        const auto c = resolve_host(std::span(&*file, 1), host, context);
        if (c)
            (void)ssh_g_lines(*c, context);
        else if (c.problem().empty())
            std::abort();
    }
    return 0;
}
