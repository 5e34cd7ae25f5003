// asyncfetch-test-dns: the DNS test server as a program, for the benchmarks
// and the network-namespace test. Answers PREFIX0SUFFIX ... PREFIX(N-1)SUFFIX
// with TARGET after DELAY ms; other names are NXDOMAIN. Prints ADDRESS:PORT,
// serves until SIGINT/SIGTERM, then prints "queries Q peak_in_flight P".
#include "tools/dns_server.hpp"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char** argv) {
    std::string address = "127.0.0.1", prefix = "name", suffix = ".test", target = "127.0.0.1";
    int port = 0, delay_ms = 0, names = 0, ttl = 60;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i], value = argv[i + 1];
        if (flag == "--address")
            address = value;
        else if (flag == "--port")
            port = std::atoi(value.c_str());
        else if (flag == "--delay")
            delay_ms = std::atoi(value.c_str());
        else if (flag == "--names")
            names = std::atoi(value.c_str());
        else if (flag == "--prefix")
            prefix = value;
        else if (flag == "--suffix")
            suffix = value;
        else if (flag == "--target")
            target = value;
        else if (flag == "--ttl")
            ttl = std::atoi(value.c_str());
        else {
            std::fprintf(stderr,
                         "usage: %s [--address A] [--port P] [--delay MS] [--names N] "
                         "[--prefix name] [--suffix .test] [--target 127.0.0.1] [--ttl S]\n",
                         argv[0]);
            return 2;
        }
    }
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, nullptr); // the server thread inherits the mask
    asyncfetch::testing::dns_server server(std::chrono::milliseconds(delay_ms), address,
                                           static_cast<std::uint16_t>(port));
    asyncfetch::testing::dns_record record;
    (target.find(':') == std::string::npos ? record.v4 : record.v6).push_back(target);
    record.ttl = static_cast<std::uint32_t>(ttl);
    for (int i = 0; i < names; ++i)
        server.add(prefix + std::to_string(i) + suffix, record);
    std::printf("%s\n", server.address().c_str());
    std::fflush(stdout);
    int sig = 0;
    sigwait(&set, &sig);
    std::printf("queries %llu peak_in_flight %llu\n",
                static_cast<unsigned long long>(server.queries()),
                static_cast<unsigned long long>(server.peak_in_flight()));
    return 0;
}
