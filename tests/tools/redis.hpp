// A real redis-server on 127.0.0.1 for the tests: its own port, data
// directory (append-only file on, so a restart keeps the streams) and log.
#pragma once

#include "tools/process.hpp"
#include "tools/tls_files.hpp"

#include <cstdint>
#include <memory>
#include <string>

namespace asyncfetch::testing {

struct redis_options {
    std::string password;            // requirepass; empty: none
    std::string cert_file, key_file; // TLS only (tls-port) when both are set
};

class redis_server {
public:
    // Why the tests cannot start one here ("" when they can).
    static std::string unavailable_reason();

    explicit redis_server(redis_options options = {});
    ~redis_server();
    redis_server(const redis_server&) = delete;
    redis_server& operator=(const redis_server&) = delete;

    std::uint16_t port() const noexcept { return port_; }
    // redis://127.0.0.1:PORT/NAME (rediss:// with TLS)
    std::string url(const std::string& name) const;

    void stop();  // SIGTERM: redis writes its data and exits
    void start(); // again, on the same port and data directory

private:
    redis_options options_;
    temp_dir dir_;
    std::uint16_t port_ = 0;
    std::unique_ptr<child> process_;
};

// True when no redis-server can run and the test should return early (a
// skip; under CI the test fails instead, see tools/skip.hpp).
bool redis_unavailable();

} // namespace asyncfetch::testing
