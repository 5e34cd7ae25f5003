#include "asyncfetch/crawl/journal.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>

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

// Indexes beyond this are not a crawl's (max_max_pages plus a seed list):
// the bitmaps indexed by them stay bounded whatever the file says.
constexpr std::size_t max_index = std::size_t(1) << 32;

// Calls `line` with each complete line of the file, one at a time; a torn
// last line (a write cut short) is cut off the file so that appends start on
// a fresh line. "" or the problem: the file, and the line `line` refused.
template <class F>
std::string each_line(const std::string& path, bool cut_torn, F&& line) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return {}; // none yet
    std::string text;
    std::uint64_t complete = 0; // bytes up to the last complete line
    for (std::size_t n = 1; std::getline(in, text); ++n) {
        if (in.eof()) break; // no newline: torn
        complete += text.size() + 1;
        if (!text.empty() && !line(text))
            return path + ":" + std::to_string(n) + ": not a line of a crawl state" +
                   " (another file in the directory?)";
    }
    std::error_code ec;
    if (cut_torn && !text.empty() && in.eof()) fs::resize_file(path, complete, ec);
    if (ec) return path + ": cannot cut its torn last line: " + ec.message();
    return {};
}

// "Q\tINDEX\tDEPTH\tURL\tPARENT\tLASTMOD" or "S\tURL": 'Q', 'S', or 0.
char frontier_line(std::string_view line, crawl_entry& e, std::string& seen) {
    const auto parts = split(line, '\t');
    if (parts.size() == 2 && parts[0] == "S") {
        seen = parts[1];
        return 'S';
    }
    if (parts.size() == 6 && parts[0] == "Q" && number(parts[1], e.index) && e.index < max_index &&
        number(parts[2], e.depth) && !parts[3].empty()) {
        e.url = parts[3], e.parent = parts[4], e.lastmod = parts[5];
        return 'Q';
    }
    return 0;
}

bool record_line(std::string_view line, std::size_t& index, std::string_view& json) {
    const auto tab = line.find('\t');
    if (tab == std::string_view::npos || !number(line.substr(0, tab), index) || index >= max_index)
        return false;
    json = line.substr(tab + 1);
    return true;
}

void set(std::vector<bool>& bits, std::size_t index) {
    if (index >= bits.size()) bits.resize(std::max(index + 1, bits.size() * 2));
    bits[index] = true;
}

} // namespace

parsed<std::unique_ptr<journal>> journal::open(const std::string& dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return problem(dir + ": cannot create the state directory: " + ec.message());
    std::unique_ptr<journal> j(new journal);
    j->dir_ = dir;
    // A killed run's frontier spill file is only a cache of the queue, which
    // the frontier file below rebuilds.
    fs::remove(dir + "/spill", ec);
    const auto frontier_path = dir + "/frontier", records_path = dir + "/records";
    // Read through once to check every line and learn which pages are done.
    crawl_entry e;
    std::string seen;
    auto why = each_line(frontier_path, true, [&](const std::string& line) {
        const auto kind = frontier_line(line, e, seen);
        if (kind == 'Q' && e.parent.empty()) set(j->seeds_, e.index);
        return kind != 0;
    });
    if (why.empty())
        why = each_line(records_path, true, [&](const std::string& line) {
            std::size_t index = 0;
            std::string_view json;
            if (!record_line(line, index, json)) return false;
            set(j->done_, index);
            return true;
        });
    if (!why.empty()) return problem(why);
    const int flags = O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC;
    j->frontier_fd_ = ::open(frontier_path.c_str(), flags, 0600);
    j->records_fd_ = ::open(records_path.c_str(), flags, 0600);
    if (j->frontier_fd_ < 0 || j->records_fd_ < 0)
        return problem(dir + ": cannot open the state files: " + std::strerror(errno));
    return j;
}

void journal::replay_frontier(const std::function<void(crawl_entry&&)>& queued,
                              const std::function<void(std::string&&)>& seen) const {
    crawl_entry e;
    std::string url;
    each_line(dir_ + "/frontier", false, [&](const std::string& line) {
        const auto kind = frontier_line(line, e, url);
        if (kind == 'Q') queued(std::move(e));
        if (kind == 'S') seen(std::move(url));
        return true;
    });
}

void journal::replay_records(const std::function<void(std::size_t, std::string&&)>& record) const {
    std::vector<bool> replayed; // a page recorded twice is replayed once
    each_line(dir_ + "/records", false, [&](const std::string& line) {
        std::size_t index = 0;
        std::string_view json;
        if (record_line(line, index, json) && !(index < replayed.size() && replayed[index])) {
            set(replayed, index);
            record(index, std::string(json));
        }
        return true;
    });
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
