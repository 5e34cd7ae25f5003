// --group, as `clush -b` and `dshbak -c` do it: after a run, the hosts whose
// stdout, stderr and exit status (or error) are identical are printed once,
// under their names folded into one node set (core/nodeset.hpp):
//     ---------------- web[01-07,09] (8 hosts): exit status 0
//     <stdout>
//     ---------------- web08 (1 host): exit status 1
//     <stdout>
//     --- stderr
//     <stderr>
// Largest group first, then by the folded names. Records are not touched.
#pragma once

#include "asyncfetch/core/job.hpp"

#include <map>
#include <string>
#include <tuple>
#include <vector>

namespace asyncfetch::app {

class output_groups {
public:
    // One host's record (an `ssh` record: stdout, stderr, exit_status, signal, error).
    void add(const std::string& host, const record& r);
    // The groups as text (empty when no host was added).
    std::string format() const;

private:
    // stdout, stderr, how it ended ("exit status 0", "signal TERM", the error)
    using key = std::tuple<std::string, std::string, std::string>;
    std::map<key, std::vector<std::string>> hosts_;
};

// Makes `kind` (an `ssh` job) print its grouped output on stdout after the
// run, before its own epilogue.
void print_grouped_output(job_kind& kind);

} // namespace asyncfetch::app
