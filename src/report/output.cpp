#include "asyncfetch/report/output.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace asyncfetch::report {

output::output(output_options options) : options_(std::move(options)) {
    if (options_.path == "none") return;
    if (options_.path.empty() || options_.path == "-") {
        records_ = stdout;
        return;
    }
    records_ = std::fopen(options_.path.c_str(), "w");
    if (!records_)
        throw std::runtime_error(options_.path +
                                 ": cannot open for writing: " + std::strerror(errno));
    owns_records_ = true;
}

output::~output() {
    if (owns_records_) std::fclose(records_);
}

void output::say(const std::string& line) {
    if (options_.progress) std::fputs("\r\033[K", stderr);
    std::fputs(line.c_str(), stderr);
    std::fputc('\n', stderr);
    if (options_.progress) draw_progress();
}

void output::write_record(const record& r) {
    summary_.add(r);
    if (records_) {
        const auto line =
            r.fields.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
        std::fwrite(line.data(), 1, line.size(), records_);
        std::fputc('\n', records_);
    }
    if (options_.progress) {
        // Redraw at most every 100 ms: a terminal is slower than the fetches.
        const auto now = std::chrono::steady_clock::now();
        if (now - last_draw_ > std::chrono::milliseconds(100) || summary_.total() == total_) {
            last_draw_ = now;
            draw_progress();
        }
    }
}

void output::draw_progress() {
    if (total_ == 0) // not known ahead (a crawl)
        std::fprintf(stderr, "\r\033[K[%zu] %zu ok, %zu failed", summary_.total(), summary_.ok(),
                     summary_.failed());
    else
        std::fprintf(stderr, "\r\033[K[%zu/%zu] %zu ok, %zu failed", summary_.total(), total_,
                     summary_.ok(), summary_.failed());
    std::fflush(stderr);
}

void output::finish() {
    if (records_) std::fflush(records_);
    if (options_.progress) std::fputs("\r\033[K", stderr);
}

} // namespace asyncfetch::report
