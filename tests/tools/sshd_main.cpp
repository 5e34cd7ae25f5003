// asyncfetch-test-sshd: the tests' sshd fixture as a program, for the SSH
// benchmarks. Prints "PORT USER KEY" on stdout, serves until SIGINT/SIGTERM,
// then stops sshd and removes its files.
#include "tools/sshd.hpp"

#include <csignal>
#include <cstdio>
#include <sstream>
#include <string>

int main(int argc, char** argv) {
    std::vector<std::string> addresses{"127.0.0.1"};
    if (argc == 3 && std::string(argv[1]) == "--addresses") {
        addresses.clear();
        std::istringstream list(argv[2]);
        for (std::string a; std::getline(list, a, ',');)
            addresses.push_back(a);
    } else if (argc != 1) {
        std::fprintf(stderr, "usage: %s [--addresses 127.0.0.1,127.0.0.2,...]\n", argv[0]);
        return 2;
    }
    const auto why = asyncfetch::testing::sshd_server::unavailable_reason();
    if (!why.empty()) {
        std::fprintf(stderr, "asyncfetch-test-sshd: %s\n", why.c_str());
        return 1;
    }
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    asyncfetch::testing::sshd_server sshd(addresses);
    std::printf("%u %s %s\n", sshd.port(), asyncfetch::testing::sshd_server::user(),
                sshd.ed25519_key().c_str());
    std::fflush(stdout);
    int sig = 0;
    sigwait(&set, &sig);
    return 0;
}
