// The system's resolver configuration is read: the binary runs inside a
// network namespace whose resolv.conf (ip netns: /etc/netns/NAME/resolv.conf)
// names a DNS test server on the namespace's own 127.0.0.1:53 and a search
// domain. Needs root and ip netns; skipped loudly otherwise.
#include "tools/process.hpp"
#include "tools/tls_files.hpp"

#include <doctest/doctest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <thread>

#include <unistd.h>

using namespace asyncfetch::testing;

namespace {

// A namespace with loopback up and its own resolv.conf; removed at the end.
class network_namespace {
public:
    explicit network_namespace(const std::string& resolv_conf)
        : name_("asyncfetch-test-" + std::to_string(::getpid())), etc_("/etc/netns/" + name_) {
        std::filesystem::create_directories(etc_);
        std::ofstream(etc_ + "/resolv.conf") << resolv_conf;
        ok_ = run({"ip", "netns", "add", name_}).status == 0 &&
              run(exec({"ip", "link", "set", "lo", "up"})).status == 0;
    }
    ~network_namespace() {
        for (const auto pid : started_)
            ::kill(pid, SIGTERM);
        run({"ip", "netns", "del", name_});
        std::filesystem::remove_all(etc_);
    }
    bool ok() const { return ok_; }

    // argv run inside the namespace.
    std::vector<std::string> exec(std::vector<std::string> argv) const {
        argv.insert(argv.begin(), {"ip", "netns", "exec", name_});
        return argv;
    }

    // Starts a server inside; returns the first line it prints ("" if none).
    // ip netns exec may fork: the server's own pid comes from the shell it execs.
    std::string start(const temp_dir& dir, const std::string& name, std::vector<std::string> argv) {
        const auto pid_file = dir.file(name + ".pid"), out_file = dir.file(name + ".out");
        std::string command = "echo $$ > " + pid_file + "; exec";
        for (const auto& a : argv)
            command += " '" + a + "'";
        command += " > " + out_file;
        servers_.push_back(std::make_unique<child>(exec({"sh", "-c", command})));
        for (int i = 0; i < 100; ++i) {
            std::ifstream out(out_file);
            std::string line;
            if (std::getline(out, line) && !line.empty()) {
                started_.push_back(std::stoi(read_file(pid_file)));
                return line;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        return "";
    }

private:
    std::string name_, etc_;
    bool ok_ = false;
    std::vector<std::unique_ptr<child>> servers_;
    std::vector<pid_t> started_;
};

} // namespace

TEST_CASE("fetch in a network namespace reads its resolv.conf: servers and search list") {
    if (::geteuid() != 0 || run({"ip", "netns", "list"}).status != 0) {
        MESSAGE("SKIPPED: needs root and ip netns");
        return;
    }
    network_namespace ns("search corp.test\nnameserver 127.0.0.1\n");
    if (!ns.ok()) {
        MESSAGE("SKIPPED: could not create a network namespace");
        return;
    }
    temp_dir dir;
    const auto base = ns.start(dir, "http", {ASYNCFETCH_TESTSERVER_BINARY});
    const auto dns = ns.start(dir, "dns",
                              {ASYNCFETCH_TEST_DNS_BINARY, "--port", "53", "--names", "3",
                               "--prefix", "box", "--suffix", ".corp.test"});
    REQUIRE_MESSAGE(!base.empty(), "test server did not start");
    REQUIRE_MESSAGE(dns == "127.0.0.1:53", "DNS server did not start: ", dns);
    const auto port = base.substr(base.rfind(':') + 1);
    // "box0" is found through the search list; "box1.corp.test" as it is.
    const auto urls =
        dir.write("urls.txt",
                  "http://box0:" + port + "/bytes/5\nhttp://box1.corp.test:" + port + "/bytes/5\n");
    for (const char* resolver : {"cares", "system"}) {
        CAPTURE(resolver);
        auto r = run(ns.exec(asyncfetch_cmd({urls, "-q", "--resolver", resolver})));
        CHECK_MESSAGE(r.status == 0, r.out, r.err);
        const auto records = records_of(r.out);
        CHECK(records.size() == 2);
        for (const auto& rec : records)
            CHECK_MESSAGE(rec["error"].is_null(), rec.dump());
    }
}
