#include "asyncfetch/ssh/proxy_command.hpp"

#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

extern char** environ;

namespace asyncfetch::ssh {
namespace {

ssh_failure spawn_failed(int error, const std::string& where, const char* what) {
    const boost::system::error_code ec(error, boost::system::system_category());
    return {ec, "ProxyCommand for " + where + ": " + what + ": " + ec.message()};
}

} // namespace

proxy_process::~proxy_process() {
    if (pid_ <= 0) return;
    ::kill(-pid_, SIGKILL); // the command and whatever it started
    while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
}

ssh_failure proxy_process::start(const std::string& command, const std::string& where,
                                 boost::asio::generic::stream_protocol::socket& ours) {
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
        return spawn_failed(errno, where, "socketpair");
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
    // The socket as stdin and stdout; stderr stays ours (ssh -W reports there).
    posix_spawn_file_actions_adddup2(&actions, fds[1], 0);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
    posix_spawn_file_actions_addclosefrom_np(&actions, 3);
    // Its own process group (killed as one); default SIGPIPE, no blocked signals.
    sigset_t none, pipe;
    sigemptyset(&none);
    sigemptyset(&pipe);
    sigaddset(&pipe, SIGPIPE);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &pipe);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                        POSIX_SPAWN_SETSIGDEF);
    const char* argv[] = {"/bin/sh", "-c", command.c_str(), nullptr};
    const int rc =
        ::posix_spawn(&pid_, "/bin/sh", &actions, &attr, const_cast<char**>(argv), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    ::close(fds[1]);
    if (rc != 0) {
        pid_ = -1;
        ::close(fds[0]);
        return spawn_failed(rc, where, "cannot start /bin/sh");
    }
    const boost::asio::generic::stream_protocol unix_stream(AF_UNIX, 0);
    boost::system::error_code ec;
    ours.assign(unix_stream, fds[0], ec);
    if (ec) {
        ::close(fds[0]);
        return spawn_failed(ec.value(), where, "socket");
    }
    return {};
}

} // namespace asyncfetch::ssh
