// The SSH tests' skip rule, in its own file: the sshd fixture itself is also
// linked into asyncfetch-test-sshd, which has no doctest runner.
#include "tools/sshd.hpp"

#include <doctest/doctest.h>

namespace asyncfetch::testing {

bool sshd_unavailable() {
    const auto why = sshd_server::unavailable_reason();
    if (!why.empty()) MESSAGE("SSH test skipped: " << why);
    return !why.empty();
}

} // namespace asyncfetch::testing
