// Running the real asyncfetch binary (and other programs) from tests.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <set>
#include <string>
#include <vector>

#include <sys/types.h>

namespace asyncfetch::testing {

struct run_result {
    int status = -1; // exit status, or 128+signal
    std::string out, err;
};

// Runs argv to completion, feeding `input` on stdin; kills it after
// `timeout_s` seconds (the test then fails on the status).
run_result run(const std::vector<std::string>& argv, const std::string& input = "",
               int timeout_s = 60);

// A child left running, with stdout and stderr going to files.
class child {
public:
    explicit child(const std::vector<std::string>& argv,
                   const std::string& stdin_path = "/dev/null");
    ~child(); // kills and reaps if still running
    child(const child&) = delete;
    child& operator=(const child&) = delete;
    pid_t pid() const noexcept { return pid_; }
    void signal(int sig) const;
    run_result wait(int timeout_s = 60); // reaps; reads the captured output

private:
    pid_t pid_ = -1;
    std::string out_path_, err_path_;
};

// Every live descendant of `pid` (children, their children, ...), from /proc.
std::vector<pid_t> descendants(pid_t pid);

// argv for the asyncfetch binary under test.
std::vector<std::string> asyncfetch_cmd(std::vector<std::string> args);

// A whole file's bytes ("" when it cannot be read).
std::string read_file(const std::string& path);

// The JSON lines records in an asyncfetch run's stdout.
std::vector<nlohmann::json> records_of(const std::string& out);

// Records by their "url" (the last of a URL's records wins).
std::map<std::string, nlohmann::json> records_by_url(const std::vector<nlohmann::json>& records);

// Each record's "url" less the site's `base`, as many times as it came.
std::multiset<std::string> paths_of(const std::string& out, const std::string& base);

// Non-blank lines of a text.
std::vector<std::string> lines_of(const std::string& text);

// How many non-blank lines a file has.
std::size_t lines_in(const std::string& path);

} // namespace asyncfetch::testing
