#include "asyncfetch/report/report_data.hpp"

#include <doctest/doctest.h>

#include <cmath>

using namespace asyncfetch::report;
using json = nlohmann::json;

namespace {
report_entry entry(std::string url, double ms, record_outcome r = record_outcome::ok) {
    std::string problem;
    json j = {{"url", std::move(url)}, {"elapsed_ms", ms}, {"start_ms", 0}};
    if (r == record_outcome::failed) j["error"] = "connect 10.0.0.1:80: Connection refused";
    if (r == record_outcome::cancelled) j["error"] = "cancelled";
    auto e = read_entry(j, problem);
    REQUIRE(e);
    return *e;
}
} // namespace

TEST_CASE("percentiles from the report's histogram are within 1% of the exact ones") {
    latency_histogram h;
    for (int i = 1; i <= 1000; ++i)
        h.add(i);
    CHECK(h.count() == 1000);
    CHECK(h.percentile(0.5) == doctest::Approx(500).epsilon(0.01));
    CHECK(h.percentile(0.9) == doctest::Approx(900).epsilon(0.01));
    CHECK(h.percentile(0.99) == doctest::Approx(990).epsilon(0.01));
    CHECK(h.percentile(1.0) == 1000);
    CHECK(h.percentile(0.0001) == doctest::Approx(1).epsilon(0.01));
    // One value: every percentile is that value, not a bucket edge.
    latency_histogram one;
    one.add(42.0);
    CHECK(one.percentile(0.5) == 42.0);
    CHECK(one.percentile(0.99) == 42.0);
    // Beyond both ends of the buckets: kept, within what was seen.
    latency_histogram wide;
    wide.add(0);
    wide.add(1e12);
    CHECK(wide.percentile(0.5) <= latency_histogram::lowest_ms); // "under 1 us"
    CHECK(wide.percentile(1) == 1e12);
}

TEST_CASE("records are read as ok, failed or cancelled, and a non-record is named") {
    std::string problem;
    auto ok = read_entry(json::parse(R"({"url":"http://a.test:8080/x","status":200,"bytes":5,
        "start_ms":3.5,"elapsed_ms":1.5,"error":null})"),
                         problem);
    REQUIRE(ok);
    CHECK(ok->result == record_outcome::ok);
    CHECK(ok->host == "a.test");
    CHECK(*ok->start_ms == 3.5);
    CHECK(ok->bytes == 5);
    auto http = read_entry(json::parse(R"({"url":"http://b/","status":404,"elapsed_ms":1,
        "error":"http: status 404 Not Found"})"),
                           problem);
    REQUIRE(http);
    CHECK(http->result == record_outcome::failed);
    CHECK(error_phase(http->error) == "http");
    CHECK(error_phase("connect 10.0.0.1:80: Connection refused") == "connect");
    CHECK(error_phase(": odd") == "other");
    // SSH: a non-zero exit status fails the host without an error text.
    auto ssh = read_entry(json::parse(R"({"host":"h1","port":2222,"user":"u","exit_status":3,
        "signal":null,"elapsed_ms":9,"error":null})"),
                          problem);
    REQUIRE(ssh);
    CHECK(ssh->ssh);
    CHECK(ssh->result == record_outcome::failed);
    CHECK(ssh->target == "u@h1:2222");

    CHECK_FALSE(read_entry(json::parse("[1]"), problem));
    CHECK(problem == "not a JSON object");
    CHECK_FALSE(read_entry(json::parse(R"({"url":"http://a/"})"), problem));
    CHECK(problem == "no \"elapsed_ms\"");
    CHECK_FALSE(read_entry(json::parse(R"({"url":"http://a/","elapsed_ms":"5"})"), problem));
    CHECK(problem == "\"elapsed_ms\" is not a non-negative number");
    CHECK_FALSE(read_entry(json::parse(R"({"name":"x","elapsed_ms":1})"), problem));
    CHECK(problem.find("not an asyncfetch record") != std::string::npos);
}

TEST_CASE("the builder counts outcomes, keeps the N slowest and caps the host table") {
    report_limits limits;
    limits.slowest = 3;
    limits.hosts = 2;
    report_builder b(limits);
    for (int i = 1; i <= 10; ++i)
        b.add(entry("http://h" + std::to_string(i % 4) + ".test/" + std::to_string(i), i * 10.0,
                    i == 7 ? record_outcome::failed : record_outcome::ok));
    b.add(entry("http://h1.test/c", 5000, record_outcome::cancelled));
    auto d = std::move(b).finish();
    CHECK(d.total == 11);
    CHECK(d.ok == 9);
    CHECK(d.failed == 1);
    CHECK(d.cancelled == 1);
    CHECK(d.latency.count() == 10); // a cancelled target has no latency
    CHECK(d.phases.counts().at("connect") == 1);
    REQUIRE(d.slowest.size() == 3);
    CHECK(d.slowest[0].elapsed_ms == 5000);
    CHECK(d.slowest[1].elapsed_ms == 100);
    CHECK(d.slowest[2].elapsed_ms == 90);
    // h1 and h2 come first; h3 and h0 go to "others".
    REQUIRE(d.hosts.size() == 2);
    CHECK(d.hosts.at("h1.test").count == 4); // 1, 5, 9 and the cancelled one
    CHECK(d.hosts.at("h2.test").count == 3);
    CHECK(d.other_hosts.count == 4);
    CHECK(d.other_hosts.failures == 1); // h3: 7
    CHECK(d.hosts.at("h2.test").latency.percentile(0.5) == doctest::Approx(60).epsilon(0.025));
}

TEST_CASE("a million records keep the timeline and tables within their limits") {
    report_builder b;
    for (int i = 0; i < 1000000; ++i) {
        report_entry e;
        e.target = "http://x/" + std::to_string(i);
        e.host = "host" + std::to_string(i % 5000);
        e.elapsed_ms = (i % 997) + 1;
        e.start_ms = i * 0.01;
        e.status = 200 + i % 300;
        b.add(std::move(e));
    }
    auto d = std::move(b).finish();
    CHECK(d.total == 1000000);
    CHECK(d.timeline.size() <= 2000);
    CHECK(d.timeline.size() >= 1000);
    CHECK(d.hosts.size() == 200);
    CHECK(d.other_hosts.count == 1000000 - 200 * 200);
    CHECK(d.statuses.counts().size() == 50);
    CHECK(d.slowest.size() == 20);
    CHECK(d.slowest.front().elapsed_ms == 997);
    CHECK(*d.first_start_ms == 0);
    CHECK(std::is_sorted(d.timeline.begin(), d.timeline.end(),
                         [](auto& a, auto& c) { return a.start_ms < c.start_ms; }));
}

TEST_CASE("a target rejected before it ran is a failure without a latency") {
    report_builder b;
    b.add(entry("http://a.test/", 20));
    b.add(entry("http://a.test/bad", 0, record_outcome::failed));
    auto d = std::move(b).finish();
    CHECK(d.failed == 1);
    CHECK(d.latency.count() == 1);
    CHECK(d.latency.min() == 20);
    REQUIRE(d.failures.size() == 1);
    CHECK(d.failures[0].target == "http://a.test/bad");
}
