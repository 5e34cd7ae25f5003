// redis[s]://HOST[:PORT]/NAME, without a Redis.
#include "asyncfetch/redis/endpoint.hpp"

#include <doctest/doctest.h>

using namespace asyncfetch::redis;

TEST_CASE("redis endpoint: host, port, TLS and the job's name") {
    const auto plain = parse_endpoint("redis://127.0.0.1/jobs");
    REQUIRE(plain);
    CHECK_FALSE(plain->tls);
    CHECK(plain->host == "127.0.0.1");
    CHECK(plain->port == 6379);
    CHECK(plain->name == "jobs");
    CHECK(plain->text() == "redis://127.0.0.1:6379/jobs");

    const auto tls = parse_endpoint("rediss://cache.example:7000/crawl-1");
    REQUIRE(tls);
    CHECK(tls->tls);
    CHECK(tls->host == "cache.example");
    CHECK(tls->port == 7000);
    CHECK(tls->name == "crawl-1");

    const auto v6 = parse_endpoint("redis://[::1]:6380/j");
    REQUIRE(v6);
    CHECK(v6->host == "::1");
    CHECK(v6->port == 6380);
}

TEST_CASE("redis endpoint: what is wrong is named") {
    auto problem = [](const char* url) {
        const auto r = parse_endpoint(url);
        CHECK_FALSE(r);
        return r.problem();
    };
    CHECK(problem("http://127.0.0.1/j").find("is not redis://HOST[:PORT]/NAME") !=
          std::string::npos);
    CHECK(problem("redis:127.0.0.1/j").find("is not redis://") != std::string::npos);
    CHECK(problem("redis://127.0.0.1:1").find("names no job") != std::string::npos);
    CHECK(problem("redis://127.0.0.1:1/").find("names no job") != std::string::npos);
    CHECK(problem("redis://h/a/b").find("may not contain") != std::string::npos);
    CHECK(problem("redis://h/a{b}").find("may not contain") != std::string::npos);
    CHECK(problem("redis://h/my job").find("may not contain") != std::string::npos);
    CHECK(problem("redis://user:secret@h/j").find("credentials in the URL") != std::string::npos);
    CHECK(problem("redis://h:0/j") == "invalid port '0'");
    CHECK(problem("redis://h:70000/j") == "invalid port '70000'");
    CHECK(problem("redis://h:/j") == "invalid port ''");
    CHECK(problem("redis:///j").find("has no host") != std::string::npos);
}
