// The N-process launcher (-j N): worker processes, each running the job's own
// operation on its own single-threaded event loop. The parent hands targets
// out one at a time to the least-busy live worker (never more than
// `per_worker` each, so idle workers pull the work) over a socketpair, and
// gets the records back (frame.hpp, messages.hpp); each worker runs
// worker_process.hpp. The parent alone writes records, progress and the
// summary.
//
// Nothing is lost: when a worker dies, its in-flight targets go to a
// replacement worker; a target whose worker died twice becomes an error
// record instead of killing workers forever.
#pragma once

#include "asyncfetch/core/job.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

namespace asyncfetch::launcher {

class worker_pool {
public:
    // Forks `workers` processes. Call from the parent's event loop thread.
    worker_pool(boost::asio::any_io_executor ex, const job_kind& kind, std::size_t workers,
                std::size_t per_worker);
    ~worker_pool(); // SIGTERMs the workers still running and reaps every one
    worker_pool(const worker_pool&) = delete;
    worker_pool& operator=(const worker_pool&) = delete;

    // Runs one target in some worker; the record comes back from there.
    boost::asio::awaitable<record> run(const target& t);

    std::vector<pid_t> pids() const; // live workers
    // "workers: N processes ran A, B, ... targets; D died": for the summary.
    std::string report() const;

    struct impl;

private:
    std::shared_ptr<impl> impl_;
};

} // namespace asyncfetch::launcher
