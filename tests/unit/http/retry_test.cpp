#include "asyncfetch/http/retry.hpp"

#include <boost/asio/error.hpp>
#include <doctest/doctest.h>

using namespace asyncfetch::http;
using namespace std::chrono_literals;

namespace {
attempt_outcome status(unsigned s) {
    return {{}, false, s, std::nullopt};
}
attempt_outcome connect_error() {
    return {boost::asio::error::connection_refused, true, 0, std::nullopt};
}
} // namespace

TEST_CASE("retry on connect errors, 429 and 5xx, never on success, 4xx or mid-response errors") {
    retry_policy p;
    CHECK(retry_delay(p, 1, connect_error(), 0.5));
    CHECK(retry_delay(p, 1, status(429), 0.5));
    CHECK(retry_delay(p, 1, status(500), 0.5));
    CHECK(retry_delay(p, 1, status(503), 0.5));
    CHECK_FALSE(retry_delay(p, 1, status(200), 0.5));
    CHECK_FALSE(retry_delay(p, 1, status(404), 0.5));
    CHECK_FALSE(retry_delay(
        p, 1, attempt_outcome{boost::asio::error::connection_reset, false, 0, {}}, 0.5));
}

TEST_CASE("retries stop after the configured number") {
    retry_policy p;
    p.retries = 2;
    CHECK(retry_delay(p, 1, status(503), 0));
    CHECK(retry_delay(p, 2, status(503), 0));
    CHECK_FALSE(retry_delay(p, 3, status(503), 0));
    p.retries = 0;
    CHECK_FALSE(retry_delay(p, 1, status(503), 0));
}

TEST_CASE("backoff doubles per attempt, jitter stays within [half, full], capped") {
    retry_policy p;
    p.retries = 10;
    p.base_delay = 100ms;
    p.max_delay = 1s;
    CHECK(*retry_delay(p, 1, status(500), 0.0) == 50ms);
    CHECK(*retry_delay(p, 1, status(500), 1.0) == 100ms);
    CHECK(*retry_delay(p, 2, status(500), 0.0) == 100ms);
    CHECK(*retry_delay(p, 3, status(500), 1.0) == 400ms);
    CHECK(*retry_delay(p, 8, status(500), 1.0) == 1s); // capped
}

TEST_CASE("Retry-After wins over backoff, capped by max_delay") {
    retry_policy p;
    p.max_delay = 5s;
    attempt_outcome o = status(429);
    o.retry_after = 2s;
    CHECK(*retry_delay(p, 1, o, 0.9) == 2s);
    o.retry_after = 3600s;
    CHECK(*retry_delay(p, 1, o, 0.9) == 5s);
}

TEST_CASE("parse_retry_after reads seconds and HTTP dates") {
    const auto now =
        std::chrono::system_clock::from_time_t(784111777); // Sun, 06 Nov 1994 08:49:37 GMT
    CHECK(*parse_retry_after("120", now) == 120s);
    CHECK(*parse_retry_after(" 0 ", now) == 0s);
    CHECK(*parse_retry_after("Sun, 06 Nov 1994 08:50:07 GMT", now) == 30s);
    CHECK(*parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now) == 0s); // in the past
    CHECK_FALSE(parse_retry_after("soon", now));
    CHECK_FALSE(parse_retry_after("-5", now));
    CHECK_FALSE(parse_retry_after("", now));
}
