#include "tools/process.hpp"

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <stdexcept>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace asyncfetch::testing {
namespace {

pid_t spawn(const std::vector<std::string>& argv, int in_fd, int out_fd, int err_fd) {
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        ::dup2(in_fd, 0);
        ::dup2(out_fd, 1);
        ::dup2(err_fd, 2);
        std::vector<char*> args;
        for (const auto& a : argv)
            args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        ::execvp(args[0], args.data());
        std::_Exit(127);
    }
    return pid;
}

int decode_status(int raw) {
    return WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
}

// Waits up to timeout_s for pid; kills it when the time is up.
int reap(pid_t pid, int timeout_s) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
    int raw = 0;
    for (;;) {
        const pid_t r = ::waitpid(pid, &raw, WNOHANG);
        if (r == pid) return decode_status(raw);
        if (std::chrono::steady_clock::now() > until) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &raw, 0);
            return decode_status(raw);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

std::string slurp_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string temp_file(const char* tag) {
    std::string p = std::string("/tmp/asyncfetch-") + tag + "-XXXXXX";
    const int fd = ::mkstemp(p.data());
    ::close(fd);
    return p;
}

} // namespace

child::child(const std::vector<std::string>& argv, const std::string& stdin_path)
    : out_path_(temp_file("out")), err_path_(temp_file("err")) {
    const int in = ::open(stdin_path.c_str(), O_RDONLY);
    const int out = ::open(out_path_.c_str(), O_WRONLY | O_TRUNC);
    const int err = ::open(err_path_.c_str(), O_WRONLY | O_TRUNC);
    pid_ = spawn(argv, in, out, err);
    ::close(in);
    ::close(out);
    ::close(err);
}

child::~child() {
    if (pid_ > 0) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
    }
    ::unlink(out_path_.c_str());
    ::unlink(err_path_.c_str());
}

void child::signal(int sig) const {
    ::kill(pid_, sig);
}

run_result child::wait(int timeout_s) {
    run_result r;
    r.status = reap(pid_, timeout_s);
    pid_ = -1;
    r.out = slurp_file(out_path_);
    r.err = slurp_file(err_path_);
    return r;
}

run_result run(const std::vector<std::string>& argv, const std::string& input, int timeout_s) {
    const auto in_path = temp_file("in");
    std::ofstream(in_path, std::ios::binary) << input;
    // stdin from a file: the child cannot block on a pipe we are not draining.
    child c(argv, in_path);
    auto r = c.wait(timeout_s);
    ::unlink(in_path.c_str());
    return r;
}

std::vector<std::string> asyncfetch_cmd(std::vector<std::string> args) {
    args.insert(args.begin(), ASYNCFETCH_BINARY);
    // AF_TEST_WRAPPER="valgrind -q" runs the binary under a tool, for debugging.
    if (const char* wrapper = std::getenv("AF_TEST_WRAPPER"); wrapper && *wrapper) {
        std::istringstream words(wrapper);
        std::vector<std::string> prefix{std::istream_iterator<std::string>(words), {}};
        args.insert(args.begin(), prefix.begin(), prefix.end());
    }
    return args;
}

std::string read_file(const std::string& path) {
    return slurp_file(path);
}

std::vector<nlohmann::json> records_of(const std::string& out) {
    std::vector<nlohmann::json> records;
    for (const auto& line : lines_of(out))
        records.push_back(nlohmann::json::parse(line));
    return records;
}

std::map<std::string, nlohmann::json> records_by_url(const std::vector<nlohmann::json>& records) {
    std::map<std::string, nlohmann::json> out;
    for (const auto& r : records)
        out[r["url"].get<std::string>()] = r;
    return out;
}

std::multiset<std::string> paths_of(const std::string& out, const std::string& base) {
    std::multiset<std::string> paths;
    for (const auto& r : records_of(out))
        paths.insert(r["url"].get<std::string>().substr(base.size()));
    return paths;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty()) out.push_back(line);
    }
    return out;
}

std::vector<pid_t> descendants(pid_t pid) {
    std::multimap<pid_t, pid_t> children; // parent -> child
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
        const auto name = entry.path().filename().string();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        std::ifstream stat(entry.path() / "stat");
        std::string line;
        if (!std::getline(stat, line)) continue; // gone meanwhile
        // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
        const auto close = line.rfind(')');
        if (close == std::string::npos) continue;
        std::istringstream rest(line.substr(close + 1));
        char state = 0;
        pid_t ppid = 0;
        if (rest >> state >> ppid) children.emplace(ppid, static_cast<pid_t>(std::stoi(name)));
    }
    std::vector<pid_t> found;
    std::vector<pid_t> todo{pid};
    while (!todo.empty()) {
        const pid_t p = todo.back();
        todo.pop_back();
        for (auto [it, end] = children.equal_range(p); it != end; ++it) {
            found.push_back(it->second);
            todo.push_back(it->second);
        }
    }
    return found;
}

std::size_t lines_in(const std::string& path) {
    return lines_of(read_file(path)).size();
}

} // namespace asyncfetch::testing
