// One worker process of the -j N launcher (pool.hpp): targets in, records
// out, each through the job's own operation on the worker's own
// single-threaded event loop, until the parent closes the socket.
#pragma once

#include "asyncfetch/core/job.hpp"

#include <cstddef>

namespace asyncfetch::launcher {

// Runs in the forked child on its end of the socket pair, `fd`; never
// returns. `processes`: how many workers share the run (for the job's
// make_worker_operation).
[[noreturn]] void run_worker_process(int fd, const job_kind& kind, std::size_t processes);

} // namespace asyncfetch::launcher
