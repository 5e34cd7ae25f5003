// Open-file descriptors as a limit on concurrency: every connection in flight
// holds one, and running out mid-run turns good targets into failures.
#pragma once

#include <cstddef>

namespace asyncfetch {

// Raises the soft RLIMIT_NOFILE to the hard limit (as servers and load tools
// do) and returns the soft limit now in force.
std::size_t raise_open_files_limit();

// How many targets can be in flight at once when each holds `per_target`
// descriptors, beside those open now and a reserve for the run's own files
// (records, logs, DNS, worker sockets). At least 1, at most `wanted`.
std::size_t concurrency_that_fits(std::size_t wanted, std::size_t per_target = 1);

} // namespace asyncfetch
