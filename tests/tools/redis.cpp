#include "tools/redis.hpp"

#include "tools/listeners.hpp"
#include "tools/skip.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <stdexcept>
#include <thread>

namespace asyncfetch::testing {
namespace {

bool accepts(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(fd);
    return ok;
}

} // namespace

std::string redis_server::unavailable_reason() {
    if (pretend_missing("redis-server")) return "ASYNCFETCH_TEST_WITHOUT names redis-server";
    if (::access("/usr/bin/redis-server", X_OK) != 0)
        return "redis-server is not installed (apt-get install redis-server)";
    return "";
}

bool redis_unavailable() {
    const auto why = redis_server::unavailable_reason();
    return !why.empty() && skip_test("redis-server: " + why);
}

redis_server::redis_server(redis_options options) : options_(std::move(options)) {
    port_ = free_port();
    start();
}

redis_server::~redis_server() {
    stop();
}

std::string redis_server::url(const std::string& name) const {
    const bool tls = !options_.cert_file.empty();
    return std::string(tls ? "rediss" : "redis") + "://127.0.0.1:" + std::to_string(port_) + "/" +
           name;
}

void redis_server::start() {
    std::vector<std::string> argv{"/usr/bin/redis-server",
                                  "--bind",
                                  "127.0.0.1",
                                  "--dir",
                                  dir_.path(),
                                  "--appendonly",
                                  "yes",
                                  "--appendfsync",
                                  "always",
                                  "--save",
                                  "",
                                  "--logfile",
                                  dir_.file("redis.log"),
                                  "--daemonize",
                                  "no"};
    if (options_.cert_file.empty()) {
        argv.insert(argv.end(), {"--port", std::to_string(port_)});
    } else {
        argv.insert(argv.end(), {"--port", "0", "--tls-port", std::to_string(port_),
                                 "--tls-cert-file", options_.cert_file, "--tls-key-file",
                                 options_.key_file, "--tls-auth-clients", "no"});
    }
    if (!options_.password.empty()) argv.insert(argv.end(), {"--requirepass", options_.password});
    process_ = std::make_unique<child>(argv);
    for (int i = 0; i < 200; ++i) {
        if (accepts(port_)) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    throw std::runtime_error("redis-server did not start; see " + dir_.file("redis.log"));
}

void redis_server::stop() {
    if (!process_) return;
    process_->signal(SIGTERM);
    process_->wait(30);
    process_.reset();
}

} // namespace asyncfetch::testing
