#include "tools/sudoers.hpp"

#include "tools/process.hpp"
#include "tools/sshd.hpp"

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>

namespace asyncfetch::testing {

sudoers_rule::sudoers_rule() {
    if (!std::filesystem::exists("/usr/bin/sudo") ||
        !std::filesystem::is_directory("/etc/sudoers.d")) {
        why_ = "no sudo (install the sudo package)";
        return;
    }
    static std::atomic<int> count{0};
    // sudo skips files whose names hold '.' or end in '~': letters, digits, '-'.
    path_ = "/etc/sudoers.d/asyncfetch-test-" + std::to_string(::getpid()) + "-" +
            std::to_string(count++);
    const std::string user = sshd_server::user();
    {
        std::ofstream out(path_ + ".new");
        out << "Defaults:" << user << " timestamp_timeout=0, !lecture, passwd_tries=3\n"
            << user << " ALL=(root) ALL\n";
    }
    std::filesystem::permissions(path_ + ".new", std::filesystem::perms(0440));
    const auto checked = run({"visudo", "-cf", path_ + ".new"});
    if (checked.status != 0) {
        why_ = "visudo refused the test rule: " + checked.out + checked.err;
        std::filesystem::remove(path_ + ".new");
        path_.clear();
        return;
    }
    std::filesystem::rename(path_ + ".new", path_);
}

sudoers_rule::~sudoers_rule() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove(path_, ignored);
}

} // namespace asyncfetch::testing
