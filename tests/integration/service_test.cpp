// `asyncfetch run --listen` through the real binary: /metrics scraped during
// a run and read by Prometheus's own text parser (python3-prometheus-client),
// /healthz, the status page, oversize requests refused, and the bearer token
// off loopback.
#include "asyncfetch/testserver/server.hpp"
#include "tools/listeners.hpp"
#include "tools/process.hpp"
#include "tools/tls_files.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <thread>

using namespace asyncfetch::testing;
using json = nlohmann::json;

namespace {

// Sends `request` to ADDRESS:port and returns all the reply ("" if no connection).
std::string exchange(const std::string& address, std::uint16_t port, const std::string& request) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    timeval limit{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    ::inet_pton(AF_INET, address.c_str(), &to.sin_addr);
    std::string reply;
    if (::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0) {
        for (std::size_t sent = 0; sent < request.size();) {
            const auto n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
            if (n <= 0) break;
            sent += static_cast<std::size_t>(n);
        }
        char buf[8192];
        for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;)
            reply.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return reply;
}

std::string get(std::uint16_t port, const std::string& path, const std::string& headers = "",
                const std::string& address = "127.0.0.1") {
    return exchange(address, port,
                    "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + headers +
                        "\r\n");
}

std::string body_of(const std::string& reply) {
    const auto at = reply.find("\r\n\r\n");
    return at == std::string::npos ? "" : reply.substr(at + 4);
}

// Every sample, as Prometheus's text parser reads the exposition: name ->
// [[labels, value], ...]. Fails the test if the parser refuses it.
json parse_metrics(const std::string& text) {
    const auto script = R"(import json, sys
from prometheus_client.parser import text_string_to_metric_families
out = {}
for family in text_string_to_metric_families(sys.stdin.read()):
    for s in family.samples:
        out.setdefault(s.name, []).append([s.labels, s.value])
print(json.dumps(out))
)";
    const auto r = run({"/usr/bin/python3", "-c", script}, text, 30);
    REQUIRE_MESSAGE(r.status == 0, r.err);
    return json::parse(r.out);
}

double sample(const json& m, const std::string& name, const json& labels = json::object()) {
    if (!m.contains(name)) return 0;
    for (const auto& s : m[name])
        if (s[0] == labels) return s[1].get<double>();
    return 0;
}

// Waits until `port` answers /healthz (the scheduler has started).
bool wait_up(std::uint16_t port) {
    for (int i = 0; i < 100; ++i) {
        if (get(port, "/healthz").find("200 OK") != std::string::npos) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

std::string service_config(const temp_dir& dir, const std::string& base) {
    json job{{"name", "web"},
             {"kind", "fetch"},
             {"retries", 0},
             {"targets",
              {base + "/delay/300ms?a", base + "/delay/300ms?b", base + "/bytes/10",
               "http://127.0.0.1:1/refused"}},
             {"schedule", {{"every", "1s"}}},
             {"output", "out/{job}-{run}.jsonl"}};
    return dir.write("c.json", json{{"jobs", {job}}}.dump());
}

// A local address that is not loopback, or "" when there is none.
std::string non_loopback_address() {
    ifaddrs* list = nullptr;
    if (::getifaddrs(&list) != 0) return "";
    std::string found;
    for (auto* a = list; a && found.empty(); a = a->ifa_next) {
        if (!a->ifa_addr || a->ifa_addr->sa_family != AF_INET) continue;
        char text[INET_ADDRSTRLEN];
        ::inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(a->ifa_addr)->sin_addr, text,
                    sizeof text);
        if (std::string(text).rfind("127.", 0) != 0) found = text;
    }
    ::freeifaddrs(list);
    return found;
}

} // namespace

TEST_CASE("run --listen: /metrics during runs parses as Prometheus text and its counters move") {
    asyncfetch::testserver::server server;
    temp_dir dir;
    const auto port = free_port();
    child scheduler(asyncfetch_cmd({"run", service_config(dir, server.base_url()), "--listen",
                                    "127.0.0.1:" + std::to_string(port)}));
    REQUIRE(wait_up(port));

    // In flight while a run goes on (each run lasts ~300 ms of each second).
    bool saw_in_flight = false;
    for (int i = 0; i < 60 && !saw_in_flight; ++i) {
        const auto m = parse_metrics(body_of(get(port, "/metrics")));
        saw_in_flight = sample(m, "asyncfetch_in_flight") > 0;
        if (!saw_in_flight) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    CHECK(saw_in_flight);

    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    const auto reply = get(port, "/metrics");
    CHECK(reply.find("Content-Type: text/plain; version=0.0.4") != std::string::npos);
    const auto first = parse_metrics(body_of(reply));
    const json web_failed = {{"job", "web"}, {"outcome", "failed"}};
    const double runs = sample(first, "asyncfetch_runs_total", web_failed);
    CHECK(runs >= 1); // the refused URL fails every run
    CHECK(sample(first, "asyncfetch_targets_total", {{"job", "web"}, {"outcome", "ok"}}) >=
          3 * runs);
    CHECK(sample(first, "asyncfetch_run_duration_seconds_count", {{"job", "web"}}) >= runs);
    CHECK(sample(first, "asyncfetch_request_duration_seconds_count") >= 4 * runs);
    CHECK(sample(first, "asyncfetch_request_duration_seconds_bucket", {{"le", "+Inf"}}) ==
          sample(first, "asyncfetch_request_duration_seconds_count"));
    CHECK(sample(first, "asyncfetch_request_duration_seconds_bucket", {{"le", "0.25"}}) <
          sample(first, "asyncfetch_request_duration_seconds_bucket", {{"le", "0.5"}}));

    std::this_thread::sleep_for(std::chrono::milliseconds(2200));
    const auto later = parse_metrics(body_of(get(port, "/metrics")));
    CHECK(sample(later, "asyncfetch_runs_total", web_failed) > runs);
    CHECK(sample(later, "asyncfetch_targets_total", {{"job", "web"}, {"outcome", "failed"}}) >
          sample(first, "asyncfetch_targets_total", {{"job", "web"}, {"outcome", "failed"}}));

    // The status page names the job and its recent runs; /healthz says ok.
    const auto page = get(port, "/");
    CHECK(page.find("Content-Type: text/html") != std::string::npos);
    CHECK(page.find("<td>web</td>") != std::string::npos);
    CHECK(page.find("every 1s") != std::string::npos);
    CHECK(page.find("Recent runs") != std::string::npos);
    CHECK(body_of(get(port, "/healthz")) == "ok\n");
    CHECK(get(port, "/nothing").find("404") != std::string::npos);

    scheduler.signal(SIGTERM);
    const auto res = scheduler.wait(30);
    CHECK_MESSAGE(res.status == 0, res.err);
}

TEST_CASE(
    "run --listen: oversize requests, bodies, other methods and the 33rd connection are refused") {
    temp_dir dir;
    const auto port = free_port();
    child scheduler(asyncfetch_cmd({"run", service_config(dir, "http://127.0.0.1:1"), "-q",
                                    "--listen", "127.0.0.1:" + std::to_string(port)}));
    REQUIRE(wait_up(port));
    const auto huge = get(port, "/metrics", "X-Pad: " + std::string(20000, 'a') + "\r\n");
    CHECK(huge.rfind("HTTP/1.1 431", 0) == 0);
    const auto with_body =
        exchange("127.0.0.1", port, "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5000000\r\n\r\n");
    CHECK(with_body.rfind("HTTP/1.1 413", 0) == 0);
    const auto post = exchange("127.0.0.1", port,
                               "POST /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    CHECK(post.rfind("HTTP/1.1 405", 0) == 0);
    CHECK(exchange("127.0.0.1", port, "not http at all\r\n\r\n").find("200") == std::string::npos);
    CHECK(wait_up(port)); // still serving

    // At most 32 connections: the 33rd is closed unanswered, until one ends.
    std::vector<int> idle;
    for (int i = 0; i < 32; ++i) {
        idle.push_back(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
        sockaddr_in to{};
        to.sin_family = AF_INET;
        to.sin_port = htons(port);
        to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::connect(idle.back(), reinterpret_cast<sockaddr*>(&to), sizeof to) == 0);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300)); // all accepted
    CHECK(get(port, "/healthz").empty());
    for (const int fd : idle)
        ::close(fd);
    CHECK(wait_up(port));
    scheduler.signal(SIGTERM);
    CHECK(scheduler.wait(30).status == 0);
}

TEST_CASE("run --listen: off loopback a bearer token is required, compared exactly") {
    temp_dir dir;
    const auto config = service_config(dir, "http://127.0.0.1:1");
    // Refused at start-up without a token, before anything runs.
    auto refused = run(asyncfetch_cmd({"run", config, "--listen", "0.0.0.0:9"}));
    CHECK(refused.status == 2);
    CHECK(refused.err.find("requires a bearer token") != std::string::npos);
    auto unset = run(asyncfetch_cmd(
        {"run", config, "--listen", "0.0.0.0:9", "--listen-token-env", "AF_TEST_NO_SUCH_VAR"}));
    CHECK(unset.status == 2);
    CHECK(unset.err.find("AF_TEST_NO_SUCH_VAR") != std::string::npos);

    const auto address = non_loopback_address();
    if (address.empty()) return; // no such address here: the refusal above is what can be tested
    const auto port = free_port();
    ::setenv("AF_TEST_LISTEN_TOKEN", "tok-3f9a", 1);
    child scheduler(
        asyncfetch_cmd({"run", config, "-q", "--listen", address + ":" + std::to_string(port),
                        "--listen-token-env", "AF_TEST_LISTEN_TOKEN"}));
    ::unsetenv("AF_TEST_LISTEN_TOKEN");
    std::string ok;
    for (int i = 0; i < 100 && ok.find("200 OK") == std::string::npos; ++i) {
        ok = get(port, "/healthz", "Authorization: Bearer tok-3f9a\r\n", address);
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    CHECK(ok.rfind("HTTP/1.1 200", 0) == 0);
    CHECK(get(port, "/metrics", "", address).rfind("HTTP/1.1 401", 0) == 0);
    CHECK(get(port, "/metrics", "Authorization: Bearer tok-3f9b\r\n", address)
              .rfind("HTTP/1.1 401", 0) == 0);
    CHECK(get(port, "/metrics", "Authorization: Bearer tok-3f9a0\r\n", address)
              .rfind("HTTP/1.1 401", 0) == 0);
    CHECK(get(port, "/metrics", "Authorization: Bearer tok-3f9a\r\n", address)
              .find("asyncfetch_in_flight") != std::string::npos);
    scheduler.signal(SIGTERM);
    const auto res = scheduler.wait(30);
    CHECK(res.status == 0);
    CHECK(res.err.find("tok-3f9a") == std::string::npos); // the secret is never said
}
