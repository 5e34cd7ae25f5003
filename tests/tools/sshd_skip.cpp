// The SSH tests' skip rule, in its own file: the sshd fixture itself is also
// linked into asyncfetch-test-sshd, which has no doctest runner.
#include "tools/skip.hpp"
#include "tools/sshd.hpp"

namespace asyncfetch::testing {

bool sshd_unavailable() {
    if (pretend_missing("sshd")) return skip_test("sshd: ASYNCFETCH_TEST_WITHOUT names it");
    const auto why = sshd_server::unavailable_reason();
    return !why.empty() && skip_test("sshd: " + why);
}

} // namespace asyncfetch::testing
