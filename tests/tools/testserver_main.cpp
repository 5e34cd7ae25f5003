// asyncfetch-testserver: the test server as a program, for benchmarks and
// CLI tests. Prints its base URL on stdout, serves until SIGINT/SIGTERM.
#include "asyncfetch/testserver/server.hpp"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <sys/resource.h>

int main(int argc, char** argv) {
    asyncfetch::testserver::server_options options;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        if (flag == "--port")
            options.port = static_cast<std::uint16_t>(std::atoi(argv[i + 1]));
        else if (flag == "--address")
            options.address = argv[i + 1];
        else if (flag == "--cert")
            options.cert_file = argv[i + 1];
        else if (flag == "--key")
            options.key_file = argv[i + 1];
        else {
            std::fprintf(stderr, "usage: %s [--address A] [--port P] [--cert PEM --key PEM]\n",
                         argv[0]);
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
