#include "asyncfetch/schedule/listener.hpp"
#include "asyncfetch/schedule/monitor.hpp"

#include <doctest/doctest.h>

using namespace asyncfetch::schedule;

TEST_CASE("listen address: an IP literal and a port, IPv6 in brackets") {
    auto v4 = parse_listen_address("127.0.0.1:9100");
    REQUIRE(v4);
    CHECK(v4->address.is_loopback());
    CHECK(v4->port == 9100);
    auto v6 = parse_listen_address("[::1]:9100");
    REQUIRE(v6);
    CHECK(v6->address.is_v6());
    CHECK(v6->address.is_loopback());
    auto any = parse_listen_address("0.0.0.0:80");
    REQUIRE(any);
    CHECK_FALSE(any->address.is_loopback());
    CHECK(parse_listen_address("localhost:9100").problem().find("not an IP address") !=
          std::string::npos);
    CHECK(parse_listen_address("127.0.0.1").problem().find("ADDRESS:PORT") != std::string::npos);
    CHECK(parse_listen_address("127.0.0.1:99999").problem().find("not a port") !=
          std::string::npos);
}

TEST_CASE("bearer token: equal only when equal, whatever the lengths") {
    CHECK(token_matches("Bearer s3cret", "Bearer s3cret"));
    CHECK_FALSE(token_matches("Bearer s3cre", "Bearer s3cret"));
    CHECK_FALSE(token_matches("Bearer s3cretX", "Bearer s3cret"));
    CHECK_FALSE(token_matches("", "Bearer s3cret"));
    CHECK_FALSE(token_matches("Bearer S3cret", "Bearer s3cret"));
}

TEST_CASE("status page: names from the config and errors from runs are escaped") {
    service_monitor m("/etc/<cfg>.json");
    nlohmann::ordered_json line;
    line["job"] = "<script>alert(1)</script>";
    line["run"] = 1;
    line["start"] = "2026-11-30T12:00:00Z";
    line["status"] = "error";
    line["error"] = "bad \"thing\" & <b>";
    m.logged(line);
    job_status j;
    j.name = "<script>alert(1)</script>";
    j.type = "fetch";
    j.schedule = "*/5 * * * *";
    const auto page = m.reply("/", {j}).body;
    CHECK(page.find("<script>") == std::string::npos);
    CHECK(page.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
    CHECK(page.find("bad &quot;thing&quot; &amp; &lt;b&gt;") != std::string::npos);
    CHECK(page.find("/etc/&lt;cfg&gt;.json") != std::string::npos);
    CHECK(m.reply("/healthz", {}).body == "ok\n");
    CHECK(m.reply("/nope", {}).status == 404);
    CHECK(m.reply("/metrics", {}).body.find("asyncfetch_runs_total{job=\"<script>") !=
          std::string::npos); // a label, not HTML: escaped as the text format says
}
