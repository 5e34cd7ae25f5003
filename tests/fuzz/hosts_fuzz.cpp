// Hosts files: every line through the validator the ssh commands use; a
// parsed host printed with display() must parse back to itself.
#include "asyncfetch/app/ssh.hpp"
#include "asyncfetch/core/target.hpp"
#include "asyncfetch/ssh/hosts.hpp"

#include <cstdint>
#include <cstdlib>
#include <sstream>

using namespace asyncfetch;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
    const auto file = read_targets(in, app::host_line_problem);
    (void)format_problems("hosts.txt", file.problems);
    for (const auto& t : file.targets) {
        const auto spec = ssh::parse_host_line(t.text).value();
        const auto again = ssh::parse_host_line(spec.display());
        if (!again || again->user != spec.user || again->host != spec.host ||
            again->port != spec.port)
            std::abort();
        (void)app::plan_host(spec, "user", 22, {}, {}, nullptr).shown.display();
    }
    return 0;
}
