#include "asyncfetch/core/open_files.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <filesystem>

namespace asyncfetch {
namespace {

// Descriptors the run needs besides its targets' connections.
constexpr std::size_t reserve = 32;

std::size_t open_now() {
    std::error_code ec;
    std::size_t n = 0;
    for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end;
         it.increment(ec))
        ++n;
    return ec ? 3 : n;
}

} // namespace

std::size_t raise_open_files_limit() {
    rlimit lim{};
    if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return 1024;
    if (lim.rlim_cur < lim.rlim_max) {
        lim.rlim_cur = lim.rlim_max;
        setrlimit(RLIMIT_NOFILE, &lim);
        getrlimit(RLIMIT_NOFILE, &lim);
    }
    return lim.rlim_cur == RLIM_INFINITY ? static_cast<std::size_t>(-1)
                                         : static_cast<std::size_t>(lim.rlim_cur);
}

std::size_t concurrency_that_fits(std::size_t wanted, std::size_t per_target) {
    const std::size_t limit = raise_open_files_limit();
    const std::size_t used = open_now() + reserve;
    const std::size_t room =
        limit > used ? (limit - used) / std::max<std::size_t>(1, per_target) : 0;
    return std::clamp<std::size_t>(room, 1, std::max<std::size_t>(1, wanted));
}

} // namespace asyncfetch
