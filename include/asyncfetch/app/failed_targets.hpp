// The console lines of a job whose targets run a command (`ssh`, `local`):
// [SUCCESS]/[FAILURE] as each ends and, after the summary, the failed ones
// with their reasons.
#pragma once

#include "asyncfetch/core/job.hpp"

#include <functional>
#include <string>

namespace asyncfetch::app {

// Why a command's target failed: its error, else the signal that killed the
// command, else its exit status.
std::string command_failure_reason(const record& r);

// Sets `kind`'s finished_line, observe and epilogue: each target named by
// `name_of`, each failure explained by `why_failed`; `noun` counts them
// ("host", "target").
void report_failed_targets(job_kind& kind, std::function<std::string(const target&)> name_of,
                           std::function<std::string(const record&)> why_failed,
                           const std::string& noun);

} // namespace asyncfetch::app
