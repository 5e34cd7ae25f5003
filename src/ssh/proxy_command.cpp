#include "asyncfetch/ssh/proxy_command.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace asyncfetch::ssh {
namespace {

ssh_failure spawn_failed(int error, const std::string& where, const char* what) {
    const boost::system::error_code ec(error, boost::system::system_category());
    return {ec, "ProxyCommand for " + where + ": " + what + ": " + ec.message()};
}

} // namespace

ssh_failure proxy_process::start(const std::string& command, const std::string& where,
                                 boost::asio::generic::stream_protocol::socket& ours) {
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
        return spawn_failed(errno, where, "socketpair");
    spawn_request request;
    request.argv = {"/bin/sh", "-c", command};
    request.err = child_stream::inherit;
    request.stdio_socket = fds[1];
    child_.emplace(ours.get_executor());
    const auto started = child_->start(request);
    ::close(fds[1]);
    if (started) {
        ::close(fds[0]);
        return spawn_failed(started.value(), where, "cannot start /bin/sh");
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
