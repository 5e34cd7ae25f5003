// A Redis connection on the event loop: TCP or TLS (rediss://) through Asio,
// commands formatted and replies parsed by hiredis's RESP functions, AUTH on
// connect. One command at a time per connection (callers may share one:
// commands queue in order). I/O failures and timeouts throw
// boost::system::system_error; error replies come back as replies.
#pragma once

#include "asyncfetch/core/dns_options.hpp"
#include "asyncfetch/redis/endpoint.hpp"
#include "asyncfetch/redis/reply.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace asyncfetch::redis {

struct options {
    std::string user;     // ACL user; empty: "default"
    std::string password; // empty: no AUTH
    std::string ca_file;  // rediss: trust these CAs instead of the system's
    bool verify_tls = true;
    // Each phase's limit (the shape of HTTP's and SSH's): connecting is the
    // name's lookup, TCP, TLS and AUTH; a command is its write and its
    // replies, longer than any BLOCK the command asks Redis for (the
    // workers' reads block for 1 s). A timeout closes the connection.
    std::chrono::milliseconds connect_timeout{std::chrono::seconds(5)};
    std::chrono::milliseconds command_timeout{std::chrono::seconds(30)};
    dns::dns_options dns; // the host name resolves on the loop's resolver for these
};

class connection {
public:
    connection(boost::asio::any_io_executor ex, endpoint where, options opts);
    ~connection();
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;

    // Connects (and authenticates) if not connected, then sends the command
    // and waits for its reply. After an I/O error the connection is closed;
    // the next command connects again.
    boost::asio::awaitable<reply> command(std::vector<std::string> args);
    // Several commands in one write, their replies in order (one round trip).
    // `commands` is not copied: it must live until the call completes.
    boost::asio::awaitable<std::vector<reply>>
    pipeline(const std::vector<std::vector<std::string>>& commands);
    void close();

private:
    struct impl;
    std::shared_ptr<impl> impl_;
};

} // namespace asyncfetch::redis
