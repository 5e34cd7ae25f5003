#include "asyncfetch/core/child_process.hpp"
#include "asyncfetch/core/use_tuple.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

extern char** environ;

namespace asio = boost::asio;

namespace asyncfetch {
namespace {

std::error_code last_error() {
    return {errno, std::generic_category()};
}

// A descriptor closed on scope exit unless released.
struct owned_fd {
    int fd = -1;
    owned_fd() = default;
    owned_fd(const owned_fd&) = delete;
    owned_fd& operator=(const owned_fd&) = delete;
    ~owned_fd() {
        if (fd >= 0) ::close(fd);
    }
    int release() { return std::exchange(fd, -1); }
};

// posix_spawn's attribute and file-action objects, destroyed on scope exit.
struct spawn_setup {
    posix_spawnattr_t attr;
    posix_spawn_file_actions_t actions;
    spawn_setup() {
        posix_spawnattr_init(&attr);
        posix_spawn_file_actions_init(&actions);
    }
    ~spawn_setup() {
        posix_spawn_file_actions_destroy(&actions);
        posix_spawnattr_destroy(&attr);
    }
    spawn_setup(const spawn_setup&) = delete;
    spawn_setup& operator=(const spawn_setup&) = delete;
};

} // namespace

child_process::child_process(asio::any_io_executor ex) : pidfd_(ex), in_(ex), out_(ex), err_(ex) {}

child_process::~child_process() {
    if (!running()) return;
    signal_group(SIGKILL);
    reap_now();
}

std::error_code child_process::start(const spawn_request& request) {
    if (request.argv.empty()) return std::make_error_code(std::errc::invalid_argument);
    spawn_setup setup;
    // Its own process group (to kill the whole tree), the signals we ignore
    // (SIGPIPE) back to their defaults, nothing blocked.
    posix_spawnattr_setflags(&setup.attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF |
                                              POSIX_SPAWN_SETSIGMASK);
    posix_spawnattr_setpgroup(&setup.attr, 0);
    sigset_t defaults, none;
    sigemptyset(&defaults);
    for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD, SIGUSR1, SIGUSR2})
        sigaddset(&defaults, sig);
    posix_spawnattr_setsigdefault(&setup.attr, &defaults);
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&setup.attr, &none);

    // Each stream: /dev/null, a pipe (the child's end dup2'ed onto 0/1/2,
    // ours kept), or ours inherited.
    std::array<owned_fd, 3> ours, theirs;
    const std::array<child_stream, 3> wanted = {request.in, request.out, request.err};
    for (int n = 0; n < 3; ++n) {
        if (n < 2 && request.stdio_socket >= 0) {
            posix_spawn_file_actions_adddup2(&setup.actions, request.stdio_socket, n);
        } else if (wanted[n] == child_stream::null) {
            posix_spawn_file_actions_addopen(&setup.actions, n, "/dev/null",
                                             n == 0 ? O_RDONLY : O_WRONLY, 0);
        } else if (wanted[n] == child_stream::pipe) {
            int fds[2];
            if (::pipe2(fds, O_CLOEXEC) != 0) return last_error();
            const int child_end = n == 0 ? 0 : 1;
            theirs[n].fd = fds[child_end];
            ours[n].fd = fds[1 - child_end];
            posix_spawn_file_actions_adddup2(&setup.actions, theirs[n].fd, n);
        }
    }
    // Nothing else of ours (sockets, the launcher's pipes, the pidfds and
    // pipes of other children) reaches the child: O_CLOEXEC alone would miss
    // descriptors a library opened without it.
    posix_spawn_file_actions_addclosefrom_np(&setup.actions, 3);

    std::vector<char*> argv;
    for (const auto& word : request.argv)
        argv.push_back(const_cast<char*>(word.c_str()));
    argv.push_back(nullptr);
    pid_t pid = -1;
    // glibc's posix_spawn reports a failed exec (not found, not executable) here.
    if (const int rc =
            ::posix_spawnp(&pid, argv[0], &setup.actions, &setup.attr, argv.data(), environ);
        rc != 0)
        return {rc, std::generic_category()};
    pid_ = pid;
    reaped_ = false;
    // (glibc 2.36's <sys/pidfd.h> lacks extern "C": the syscall itself.)
    const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
    if (pidfd < 0) {
        const auto ec = last_error();
        signal_group(SIGKILL);
        reap_now();
        return ec;
    }
    pidfd_.assign(pidfd);
    if (ours[0].fd >= 0) in_.assign(ours[0].release());
    if (ours[1].fd >= 0) out_.assign(ours[1].release());
    if (ours[2].fd >= 0) err_.assign(ours[2].release());
    return {};
}

asio::awaitable<child_exit> child_process::wait_exit() {
    if (running()) {
        // The pidfd turns readable when the child has ended.
        auto [ec] =
            co_await pidfd_.async_wait(asio::posix::stream_descriptor::wait_read, use_tuple);
        if (ec) throw std::system_error(ec, "waiting for the child process");
        reap_now();
    }
    co_return exit_;
}

void child_process::reap_now() {
    siginfo_t info{};
    int rc;
    do {
        rc = ::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED);
    } while (rc != 0 && errno == EINTR);
    reaped_ = true;
    if (rc != 0) return; // ECHILD: someone set SIGCHLD to SIG_IGN; the status is lost
    if (info.si_code == CLD_EXITED)
        exit_ = {info.si_status, 0};
    else
        exit_ = {-1, info.si_status};
    boost::system::error_code ignored;
    pidfd_.close(ignored);
}

void child_process::signal_group(int sig) const {
    // The group outlives its leader while a grandchild is in it (its id cannot
    // be reused meanwhile): a timeout after the child exited still reaches them.
    if (pid_ > 0) ::kill(-pid_, sig);
}

std::string signal_name(int sig) {
    if (const char* name = ::sigabbrev_np(sig)) return name;
    return std::to_string(sig);
}

} // namespace asyncfetch
