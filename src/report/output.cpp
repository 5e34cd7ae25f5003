#include "asyncfetch/report/output.hpp"

#include "asyncfetch/report/json_line.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <sys/ioctl.h>
#include <unistd.h>

namespace asyncfetch::report {

output::output(output_options options) : options_(std::move(options)) {
    if (options_.path == "none") return;
    if (options_.path.empty() || options_.path == "-") {
        records_ = stdout;
        return;
    }
    if (options_.atomic) {
        if (atomic_.open(options_.path)) throw std::runtime_error(atomic_.error_message());
        return;
    }
    records_ = std::fopen(options_.path.c_str(), "w");
    if (!records_)
        throw std::runtime_error(options_.path +
                                 ": cannot open for writing: " + std::strerror(errno));
    owns_records_ = true;
}

output::~output() {
    if (owns_records_ && records_) std::fclose(records_);
}

void output::say(const std::string& line) {
    // Clear the progress line, print above it, put it back as it was (the
    // figures are redrawn by the timer, not per line: a p50 costs a sort).
    if (options_.progress) std::fputs("\r\033[K", stderr);
    std::fputs(line.c_str(), stderr);
    std::fputc('\n', stderr);
    if (options_.progress) put_progress();
}

void output::write_failed(const char* step, int error) {
    if (!write_error_.empty()) return;
    const std::string name = records_ == stdout ? "standard output" : options_.path;
    write_error_ = file_error_message(name, step, error);
}

void output::write_record(const record& r) {
    summary_.add(r);
    if (watch_.finished) watch_.finished(r);
    // After a failed write, nothing more is written: the file would have a hole.
    if (write_error_.empty() && !finished_ && (records_ || options_.atomic)) {
        auto& line = line_;
        line.clear();
        append_json(r.fields, line); // as fields.dump(), faster (json_line.hpp)
        line += '\n';
        if (options_.atomic) {
            if (atomic_.write(line)) write_error_ = atomic_.error_message();
        } else if (std::fwrite(line.data(), 1, line.size(), records_) != line.size()) {
            write_failed("write", errno);
        }
    }
}

void output::draw_progress() {
    if (!options_.progress || finished_) return;
    progress_figures f;
    f.done = summary_.total();
    f.total = total_;
    f.ok = summary_.ok();
    f.failed = summary_.failed();
    f.cancelled = summary_.cancelled();
    f.elapsed_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - progress_start_).count();
    f.p50_ms = summary_.latency_percentile(50);
    progress_line_ = format_progress(f);
    // A line wider than the terminal wraps, and "\r" + erase would then clear
    // only its last row: cut it to the width (read each time: it can change).
    winsize size{};
    if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 1 &&
        progress_line_.size() >= size.ws_col)
        progress_line_.resize(size.ws_col - 1u);
    put_progress();
}

void output::put_progress() {
    std::fprintf(stderr, "\r\033[K%s", progress_line_.c_str());
    std::fflush(stderr);
}

bool output::finish() {
    if (finished_) return write_error_.empty();
    // The final figures stay on the screen, the summary below them.
    if (options_.progress) {
        draw_progress();
        std::fputc('\n', stderr);
    }
    finished_ = true;
    if (options_.atomic) {
        if (write_error_.empty() && atomic_.commit()) write_error_ = atomic_.error_message();
        atomic_.discard(); // after a failure: the temp file goes, the old output stays
    } else if (records_) {
        if (std::fflush(records_) != 0 || std::ferror(records_)) write_failed("write", errno);
        if (owns_records_) {
            if (std::fclose(records_) != 0) write_failed("write", errno);
            records_ = nullptr;
        }
    }
    return write_error_.empty();
}

} // namespace asyncfetch::report
