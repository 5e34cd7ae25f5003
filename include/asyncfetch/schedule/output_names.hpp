// Whether two jobs' output templates can ever name the same file: then one
// job's run would replace the other's output, so the config is refused.
#pragma once

#include <string>

namespace asyncfetch::schedule {

// `a` and `b` are resolved templates (absolute or config-relative paths with
// {job}, {time} and {run}); `a_job`/`b_job` fill their {job}. True when some
// start time and run number make both expand to the same path. ({time} is
// 20261123T101500Z, {run} one or more digits.)
bool outputs_can_collide(const std::string& a, const std::string& a_job, const std::string& b,
                         const std::string& b_job);

} // namespace asyncfetch::schedule
