#include "asyncfetch/crawl/journal.hpp"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace asyncfetch::crawl {
namespace {

std::vector<std::string_view> split(std::string_view line, char sep) {
    std::vector<std::string_view> out;
    while (true) {
        const auto at = line.find(sep);
        out.push_back(line.substr(0, at));
        if (at == std::string_view::npos) return out;
        line.remove_prefix(at + 1);
    }
}

template <class N>
bool number(std::string_view text, N& out) {
    const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc{} && p == text.data() + text.size();
}

// A field as it may go between tabs: no tab nor line break.
std::string field(std::string_view text) {
    std::string out(text);
    for (auto& c : out)
        if (c == '\t' || c == '\n' || c == '\r') c = ' ';
    return out;
}

// The file's complete lines; a torn last line (a write cut short) is cut off
// the file so that appends start on a fresh line.
parsed<std::vector<std::string>> read_lines(const std::string& path) {
    std::vector<std::string> lines;
    std::ifstream in(path, std::ios::binary);
    if (!in) return lines; // none yet
    std::ostringstream all;
    all << in.rdbuf();
    const auto text = all.str();
    const auto end = text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1;
    for (auto line : split(std::string_view(text).substr(0, end), '\n'))
        if (!line.empty()) lines.emplace_back(line);
    if (end < text.size()) {
        std::error_code ec;
        fs::resize_file(path, end, ec);
        if (ec) return problem(path + ": cannot cut its torn last line: " + ec.message());
    }
    return lines;
}

} // namespace

parsed<std::unique_ptr<journal>> journal::open(const std::string& dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return problem(dir + ": cannot create the state directory: " + ec.message());
    std::unique_ptr<journal> j(new journal);
    j->dir_ = dir;
    const auto frontier_path = dir + "/frontier", records_path = dir + "/records";
    auto frontier_lines = read_lines(frontier_path);
    if (!frontier_lines) return problem(frontier_lines.problem());
    for (std::size_t n = 0; n < frontier_lines->size(); ++n) {
        const auto parts = split((*frontier_lines)[n], '\t');
        crawl_entry e;
        if (parts.size() == 2 && parts[0] == "S") {
            j->seen.emplace_back(parts[1]);
        } else if (parts.size() == 6 && parts[0] == "Q" && number(parts[1], e.index) &&
                   number(parts[2], e.depth) && !parts[3].empty()) {
            e.url = parts[3], e.parent = parts[4], e.lastmod = parts[5];
            j->known_.insert(e.index);
            j->queued.push_back(std::move(e));
        } else {
            return problem(frontier_path + ":" + std::to_string(n + 1) +
                           ": not a line of a crawl state (another file in the directory?)");
        }
    }
    auto record_lines = read_lines(records_path);
    if (!record_lines) return problem(record_lines.problem());
    for (std::size_t n = 0; n < record_lines->size(); ++n) {
        const auto& line = (*record_lines)[n];
        const auto tab = line.find('\t');
        std::size_t index = 0;
        if (tab == std::string::npos || !number(std::string_view(line).substr(0, tab), index))
            return problem(records_path + ":" + std::to_string(n + 1) +
                           ": not a line of a crawl state");
        if (j->done_.insert(index).second) j->records.emplace_back(index, line.substr(tab + 1));
    }
    const int flags = O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC;
    j->frontier_fd_ = ::open(frontier_path.c_str(), flags, 0600);
    j->records_fd_ = ::open(records_path.c_str(), flags, 0600);
    if (j->frontier_fd_ < 0 || j->records_fd_ < 0)
        return problem(dir + ": cannot open the state files: " + std::strerror(errno));
    return j;
}

journal::~journal() {
    for (int fd : {frontier_fd_, records_fd_})
        if (fd >= 0) ::close(fd);
}

void journal::note_queued(const crawl_entry& e) {
    frontier_buf_ += "Q\t" + std::to_string(e.index) + "\t" + std::to_string(e.depth) + "\t" +
                     field(e.url) + "\t" + field(e.parent) + "\t" + field(e.lastmod) + "\n";
}

void journal::note_seen(const std::string& url) {
    frontier_buf_ += "S\t" + field(url) + "\n";
}

void journal::write(int fd, std::string& bytes) {
    std::size_t done = 0;
    while (done < bytes.size() && problem_.empty()) {
        const auto n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) problem_ = dir_ + ": cannot write the crawl state: " + std::strerror(errno);
        if (n > 0) done += static_cast<std::size_t>(n);
    }
    bytes.clear();
}

void journal::flush() {
    // The links first: a record on disk means its links are too.
    write(frontier_fd_, frontier_buf_);
    write(records_fd_, records_buf_);
}

void journal::note_done(std::size_t index, const std::string& record_json) {
    records_buf_ += std::to_string(index) + "\t" + record_json + "\n";
    flush();
    if (++since_sync_ >= sync_every) {
        since_sync_ = 0;
        if (::fdatasync(frontier_fd_) != 0 || ::fdatasync(records_fd_) != 0)
            if (problem_.empty()) problem_ = dir_ + ": cannot sync the crawl state";
    }
}

std::string journal::finish(bool keep) {
    flush();
    if (keep) {
        if ((::fsync(frontier_fd_) != 0 || ::fsync(records_fd_) != 0) && problem_.empty())
            problem_ = dir_ + ": cannot sync the crawl state";
        return problem_;
    }
    std::error_code ec;
    fs::remove(dir_ + "/frontier", ec);
    fs::remove(dir_ + "/records", ec);
    return problem_;
}

} // namespace asyncfetch::crawl
