// asyncfetch-testserver: the test server as a program, for benchmarks and
// CLI tests. Prints its base URL on stdout, serves until SIGINT/SIGTERM.
#include "asyncfetch/testserver/server.hpp"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <sys/resource.h>

namespace {

constexpr const char* usage =
    "usage: asyncfetch-testserver [--address A] [--port P] [--cert PEM --key PEM]\n"
    "Serves the test site (slow URLs, redirects, a small site to crawl) on A:P\n"
    "(default 127.0.0.1 and a free port), HTTPS with --cert and --key; prints its\n"
    "base URL on stdout and serves until SIGINT or SIGTERM.\n";

} // namespace

int main(int argc, char** argv) {
    asyncfetch::testserver::server_options options;
    for (int i = 1; i < argc; ++i) {
        const std::string flag = argv[i];
        if (flag == "-h" || flag == "--help") {
            std::fputs(usage, stdout);
            return 0;
        }
    }
    for (int i = 1; i < argc; i += 2) {
        const std::string flag = argv[i];
        if (i + 1 == argc) {
            std::fprintf(stderr, "%s: %s needs a value\n%s", argv[0], flag.c_str(), usage);
            return 2;
        }
        if (flag == "--port")
            options.port = static_cast<std::uint16_t>(std::atoi(argv[i + 1]));
        else if (flag == "--address")
            options.address = argv[i + 1];
        else if (flag == "--cert")
            options.cert_file = argv[i + 1];
        else if (flag == "--key")
            options.key_file = argv[i + 1];
        else {
            std::fprintf(stderr, "%s: unknown option %s\n%s", argv[0], flag.c_str(), usage);
            return 2;
        }
    }
    rlimit lim{};
    if (getrlimit(RLIMIT_NOFILE, &lim) == 0) {
        lim.rlim_cur = lim.rlim_max;
        setrlimit(RLIMIT_NOFILE, &lim);
    }
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, nullptr); // the server thread inherits the mask
    asyncfetch::testserver::server server(options);
    std::printf("%s\n", server.base_url().c_str());
    std::fflush(stdout);
    int sig = 0;
    sigwait(&set, &sig);
    return 0;
}
