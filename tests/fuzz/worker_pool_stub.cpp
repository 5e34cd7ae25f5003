// The -j N worker pool for the fuzz build only: src/launcher/worker_process.cpp
// does not compile with clang 14 (see CMakeLists.txt), app/run.cpp refers to
// the pool, and no harness starts workers. Reaching any of these is a bug in
// a harness.
#include "asyncfetch/launcher/pool.hpp"

#include <cstdlib>

namespace asyncfetch::launcher {

worker_pool::worker_pool(boost::asio::any_io_executor, const job_kind&, std::size_t, std::size_t) {
    std::abort();
}
worker_pool::~worker_pool() = default;
boost::asio::awaitable<record> worker_pool::run(const target&) {
    std::abort();
}
std::vector<pid_t> worker_pool::pids() const {
    std::abort();
}
std::string worker_pool::report() const {
    std::abort();
}

} // namespace asyncfetch::launcher
