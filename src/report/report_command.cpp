#include "asyncfetch/report/report_command.hpp"

#include "asyncfetch/core/atomic_file.hpp"
#include "asyncfetch/report/html_report.hpp"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>

namespace asyncfetch::report {

namespace {

// One line into `line`, at most max_record_line bytes kept; false at the end.
// `too_long` says the rest was dropped.
bool next_line(std::FILE* in, std::string& line, bool& too_long) {
    line.clear();
    too_long = false;
    char buf[64 * 1024];
    bool any = false;
    while (std::fgets(buf, sizeof buf, in)) {
        any = true;
        const auto n = std::strlen(buf);
        const bool end = n > 0 && buf[n - 1] == '\n';
        if (!too_long && line.size() + n <= max_record_line)
            line.append(buf, end ? n - 1 : n);
        else
            too_long = true;
        if (end) break;
    }
    if (too_long) line.clear();
    return any;
}

} // namespace

bool read_records(std::FILE* in, const std::string& name, bool keep_going, report_builder& builder,
                  std::string& problem) {
    std::string line, why;
    bool too_long = false;
    for (std::size_t number = 1; next_line(in, line, too_long); ++number) {
        if (!too_long && line.find_first_not_of(" \t\r") == std::string::npos) continue;
        why.clear();
        if (too_long) {
            why = "line longer than " + std::to_string(max_record_line) + " bytes";
        } else {
            const auto parsed = nlohmann::json::parse(line, nullptr, false);
            if (parsed.is_discarded())
                why = "not JSON";
            else if (auto entry = read_entry(parsed, why))
                builder.add(std::move(*entry));
        }
        if (why.empty()) continue;
        if (!keep_going) {
            problem = name + ":" + std::to_string(number) + ": " + why;
            return false;
        }
        builder.skip_line();
    }
    if (std::ferror(in)) {
        problem = name + ": cannot read: " + std::strerror(errno);
        return false;
    }
    return true;
}

std::string default_report_path(const std::string& records) {
    if (records == "-") return "report.html";
    return (std::filesystem::path(records).parent_path() / "report.html").string();
}

int run_report(const report_config& config) {
    constexpr int written = 0, bad_input = 2;
    const bool from_stdin = config.records == "-";
    std::FILE* in = from_stdin ? stdin : std::fopen(config.records.c_str(), "rb");
    if (!in) {
        std::cerr << "asyncfetch: " << file_error_message(config.records, "open", errno) << "\n";
        return bad_input;
    }
    report_builder builder;
    std::string problem;
    const bool read = read_records(in, from_stdin ? "stdin" : config.records, config.keep_going,
                                   builder, problem);
    if (!from_stdin) std::fclose(in);
    if (!read) {
        std::cerr << "asyncfetch: " << problem << "\n";
        return bad_input;
    }
    const auto data = std::move(builder).finish();
    const auto page = render_html(data, from_stdin ? "stdin" : config.records);
    if (data.skipped_lines > 0)
        std::cerr << "asyncfetch: " << data.skipped_lines << " malformed line"
                  << (data.skipped_lines == 1 ? "" : "s") << " skipped\n";
    if (config.output == "-") {
        std::cout << page;
        std::cout.flush();
        return std::cout ? written : bad_input;
    }
    const auto path = config.output.empty() ? default_report_path(config.records) : config.output;
    if (const auto failed = write_file_atomically(path, page); !failed.empty()) {
        std::cerr << "asyncfetch: " << failed << "\n";
        return bad_input;
    }
    std::cerr << "report: " << path << " (" << data.total << " records)\n";
    return written;
}

} // namespace asyncfetch::report
