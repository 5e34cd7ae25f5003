#include "asyncfetch/schedule/run_log.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace asyncfetch::schedule {

std::map<std::string, unsigned> last_run_numbers(const std::string& run_log) {
    std::map<std::string, unsigned> last;
    // Only a file holds earlier runs (a run log on /dev/null or a pipe reads forever or blocks).
    std::error_code ec;
    if (!std::filesystem::is_regular_file(run_log, ec)) return last;
    std::ifstream in(run_log, std::ios::binary);
    for (std::string line; std::getline(in, line);) {
        // A line cut short by a crash or a full disk is not valid JSON: skipped.
        const auto j = nlohmann::json::parse(line, nullptr, false);
        if (!j.is_object()) continue;
        const auto job = j.find("job");
        const auto run = j.find("run");
        if (job == j.end() || run == j.end() || !job->is_string() || !run->is_number_unsigned())
            continue;
        auto& n = last[job->get<std::string>()];
        n = std::max(n, run->get<unsigned>());
    }
    return last;
}

} // namespace asyncfetch::schedule
