// `asyncfetch run --dry-run`: each job, its targets count, its schedule and
// its next five fire times, on stdout.
#pragma once

#include "asyncfetch/schedule/config.hpp"

#include <string>

namespace asyncfetch::schedule {

// Prints the plan of every job (or only `only_job`); returns the exit status (0).
int print_dry_run(const config& c, const std::string& only_job);

} // namespace asyncfetch::schedule
