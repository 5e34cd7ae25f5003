// asyncfetch-test-sshd: the tests' sshd fixture as a program, for the SSH
// benchmarks. Prints "PORT USER KEY" on stdout (with --sftp-dirs, then one
// "ADDRESS DIR" line per address: its SFTP-only start directory; with
// --command-dirs commands run there too), serves until SIGINT/SIGTERM,
// then stops sshd and removes its files.
#include "tools/sshd.hpp"

#include <csignal>
#include <cstdio>
#include <sstream>
#include <string>

int main(int argc, char** argv) {
    std::vector<std::string> addresses{"127.0.0.1"};
    bool sftp_dirs = false; // each address its own SFTP-only start directory
    bool command_dirs = false;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--addresses" && i + 1 < argc) {
            addresses.clear();
            std::istringstream list(argv[++i]);
            for (std::string a; std::getline(list, a, ',');)
                addresses.push_back(a);
        } else if (arg == "--sftp-dirs") {
            sftp_dirs = true;
        } else if (arg == "--command-dirs") { // the same directories, commands allowed
            sftp_dirs = command_dirs = true;
        } else {
            std::fprintf(
                stderr,
                "usage: %s [--addresses 127.0.0.1,127.0.0.2,...] [--sftp-dirs | --command-dirs]\n",
                argv[0]);
            return 2;
        }
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
    asyncfetch::testing::sshd_server sshd(addresses, sftp_dirs, false, "", "", "", command_dirs);
    std::printf("%u %s %s\n", sshd.port(), asyncfetch::testing::sshd_server::user(),
                sshd.ed25519_key().c_str());
    if (sftp_dirs)
        for (const auto& a : addresses)
            std::printf("%s %s\n", a.c_str(), sshd.sftp_dir(a).c_str());
    std::fflush(stdout);
    int sig = 0;
    sigwait(&set, &sig);
    return 0;
}
