// A local child process driven by the event loop: posix_spawn into a process
// group of its own, pipes read through Asio, its exit awaited through a
// pidfd. No descriptor of ours but the pipes reaches it (closefrom 3), so a
// child never holds the client's sockets open. `local` runs one per target;
// a ProxyCommand can drive one as a byte stream.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include <string>
#include <system_error>
#include <vector>

#include <sys/types.h>

namespace asyncfetch {

// Where one of the child's standard streams goes.
enum class child_stream { null, pipe, inherit };

struct spawn_request {
    std::vector<std::string> argv; // argv[0] is looked up in PATH when it has no '/'
    child_stream in = child_stream::null, out = child_stream::pipe, err = child_stream::pipe;
    // Set: the child's stdin and stdout are this descriptor (one end of a
    // socketpair: a ProxyCommand), whatever `in` and `out` say.
    int stdio_socket = -1;
};

// How the child ended: an exit status, or the signal that killed it.
struct child_exit {
    int status = -1; // -1 when killed by a signal
    int signal = 0;  // 0 when it exited
};

class child_process {
public:
    explicit child_process(boost::asio::any_io_executor ex);
    // Still running (an operation cancelled mid-way): the whole group is
    // killed and the child reaped, so that no process outlives its record.
    ~child_process();
    child_process(const child_process&) = delete;
    child_process& operator=(const child_process&) = delete;

    // Starts the child; the error says why it could not (not found, not
    // executable, out of descriptors).
    std::error_code start(const spawn_request& request);

    // The parent's ends of the pipes asked for (closed otherwise).
    boost::asio::posix::stream_descriptor& stdin_pipe() { return in_; }
    boost::asio::posix::stream_descriptor& stdout_pipe() { return out_; }
    boost::asio::posix::stream_descriptor& stderr_pipe() { return err_; }

    // Waits for the child to end and reaps it (once; later calls return at once).
    boost::asio::awaitable<child_exit> wait_exit();

    // Signals the child's process group (the child and what it started, unless
    // they left the group): timeouts and cancels stop the whole tree.
    void signal_group(int sig) const;

    pid_t pid() const noexcept { return pid_; }
    bool running() const noexcept { return pid_ > 0 && !reaped_; }

private:
    void reap_now(); // blocking: only after SIGKILL, or once the pidfd said it ended
    pid_t pid_ = -1;
    bool reaped_ = false;
    child_exit exit_;
    boost::asio::posix::stream_descriptor pidfd_, in_, out_, err_;
};

// The signal's short name ("TERM", "KILL", ...), as SSH records name them.
std::string signal_name(int sig);

} // namespace asyncfetch
