// What earlier scheduler processes wrote to a run log, read back at start so
// that {run} numbering goes on where it stopped: a restarted scheduler never
// writes run 1's output again over the first process's.
#pragma once

#include <map>
#include <string>

namespace asyncfetch::schedule {

// Each job's highest "run" number in the run log (JSON lines; lines that are
// not a run, or not JSON, are skipped). Empty unless the log is a regular file.
std::map<std::string, unsigned> last_run_numbers(const std::string& run_log);

} // namespace asyncfetch::schedule
