// A sudoers.d rule for the SSH test user, for as long as a test needs it:
// the user may run anything as root with its password (asked every time),
// and nothing as any other user. Its own file name, removed on destruction.
#pragma once

#include <string>

namespace asyncfetch::testing {

class sudoers_rule {
public:
    sudoers_rule();
    ~sudoers_rule();
    sudoers_rule(const sudoers_rule&) = delete;
    sudoers_rule& operator=(const sudoers_rule&) = delete;
    // Empty when the rule is in place; otherwise why not (no sudo here).
    const std::string& unavailable() const noexcept { return why_; }

private:
    std::string path_, why_;
};

} // namespace asyncfetch::testing
