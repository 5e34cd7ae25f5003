// Tests whose real server cannot start here (no sshd, not root, no
// redis-server). Under CI (CI=true) such a test fails; elsewhere it is
// counted as skipped and the run's summary says so. Implemented by the test
// runner, tests/main.cpp.
#pragma once

#include <string>
#include <string_view>

namespace asyncfetch::testing {

// Fails the running test under CI; otherwise records it as skipped, with
// `why`, and returns true: the test then returns early.
bool skip_test(const std::string& why);

// Whether ASYNCFETCH_TEST_WITHOUT (e.g. "sshd redis-server") names `server`:
// the fixtures then act as if it were missing, to test the rule above.
bool pretend_missing(std::string_view server);

} // namespace asyncfetch::testing
