// The parent's and the workers' messages, without processes.
#include "asyncfetch/launcher/messages.hpp"

#include <doctest/doctest.h>

#include <limits>

using namespace asyncfetch;
using namespace asyncfetch::launcher;

TEST_CASE("a target message comes back as it went") {
    const target t{41, 7, "https://example.test/a b?c=\"d\"\n"};
    const auto m = decode_target_message(encode_target_message(123456789012ull, t));
    REQUIRE(m);
    CHECK(m->id == 123456789012ull);
    CHECK(m->t.index == 41);
    CHECK(m->t.line == 7);
    CHECK(m->t.text == t.text);
}

TEST_CASE("a record message keeps what the summary needs besides the JSON line") {
    record r;
    r.result = outcome::failed;
    r.error = "connect: refused";
    r.elapsed_ms = 12.5;
    r.bytes = std::numeric_limits<std::uint64_t>::max();
    r.fields["url"] = "http://127.0.0.1:1/";
    r.fields["error"] = r.error;
    r.queued_ms = 3.25;
    r.in_flight_at_start = 17;
    const auto m = decode_record_message(encode_record_message(9, r));
    REQUIRE(m);
    CHECK(m->id == 9);
    CHECK(m->r.result == outcome::failed);
    CHECK(m->r.error == r.error);
    CHECK(m->r.elapsed_ms == 12.5);
    CHECK(m->r.bytes == r.bytes);
    CHECK(m->r.fields == r.fields);
    CHECK(m->r.fields.begin().key() == "url"); // member order is the JSON line's
    CHECK(m->r.queued_ms == 3.25);
    CHECK(m->r.in_flight_at_start == 17);
}

TEST_CASE("a record message from an older worker has no queue figures: zero") {
    const auto m = decode_record_message(
        R"({"id":1,"result":0,"error":"","elapsed_ms":1,"bytes":2,"fields":{}})");
    REQUIRE(m);
    CHECK(m->r.queued_ms == 0);
    CHECK(m->r.in_flight_at_start == 0);
}

TEST_CASE("a payload that is not a whole message decodes to nothing") {
    for (const char* garbled : {"", "not json", "[1,2]", "{\"id\":1}",
                                "{\"id\":\"1\",\"index\":0,"
                                "\"line\":0,\"text\":\"x\"}",
                                "{\"id\":1,\"index\":0,\"line\":0,\"text\":5}"}) {
        CAPTURE(garbled);
        CHECK_FALSE(decode_target_message(garbled));
        CHECK_FALSE(decode_record_message(garbled));
    }
    CHECK_FALSE(decode_record_message(
        R"({"id":1,"result":"ok","error":"","elapsed_ms":1,"bytes":2,"fields":{}})"));
    CHECK_FALSE(decode_record_message(
        R"({"id":1,"result":0,"error":"","elapsed_ms":1,"bytes":2,"fields":{},"queued_ms":"x"})"));
}
