// The run log: one JSON line per run, appended and flushed as each run ends,
// and read back at start so that {run} numbering goes on where an earlier
// process stopped (a restarted scheduler never writes run 1's output again
// over the first process's).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdio>
#include <map>
#include <memory>
#include <string>

namespace asyncfetch::schedule {

// Each job's highest "run" number in the run log (JSON lines; lines that are
// not a run, or not JSON, are skipped). Empty unless the log is a regular file.
std::map<std::string, unsigned> last_run_numbers(const std::string& run_log);

class run_log_writer {
public:
    // Opens `path` for appending (created if missing). On failure the log
    // already open stays; returns "PATH: cannot append: why", or "".
    std::string open(const std::string& path);
    bool is_open() const noexcept { return file_ != nullptr; }

    // One line, flushed; returns "PATH: cannot write the run log: why", or "".
    std::string append(const nlohmann::ordered_json& line);

private:
    struct closer {
        void operator()(std::FILE* f) const { std::fclose(f); }
    };
    std::string path_;
    std::unique_ptr<std::FILE, closer> file_;
};

} // namespace asyncfetch::schedule
