#include "asyncfetch/schedule/run_log.hpp"

#include "asyncfetch/core/atomic_file.hpp"

#include <algorithm>
#include <cerrno>
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

std::string run_log_writer::open(const std::string& path) {
    std::unique_ptr<std::FILE, closer> file(std::fopen(path.c_str(), "a"));
    if (!file) return file_error_message(path, "append", errno);
    file_ = std::move(file);
    path_ = path;
    return {};
}

// A line that cannot be written leaves the stream usable for the next one.
std::string run_log_writer::append(const nlohmann::ordered_json& line) {
    const auto text = line.dump() + "\n";
    if (std::fwrite(text.data(), 1, text.size(), file_.get()) == text.size() &&
        std::fflush(file_.get()) == 0)
        return {};
    const int error = errno;
    std::clearerr(file_.get());
    return file_error_message(path_, "write the run log", error);
}

} // namespace asyncfetch::schedule
