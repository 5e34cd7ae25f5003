// Framing between parent and workers, without processes.
#include "asyncfetch/launcher/frame.hpp"

#include <doctest/doctest.h>

#include <vector>

using namespace asyncfetch::launcher;

TEST_CASE("frames survive any split of the byte stream") {
    const std::string stream =
        encode_frame(R"({"a":1})") + encode_frame("") + encode_frame(std::string(70000, 'x'));
    for (std::size_t chunk : {1u, 3u, 4u, 5u, 7u, 4096u, 100000u}) {
        frame_decoder d;
        std::vector<std::string> got;
        for (std::size_t i = 0; i < stream.size(); i += chunk) {
            d.feed(std::string_view(stream).substr(i, chunk));
            while (auto f = d.next())
                got.push_back(*f);
        }
        REQUIRE(got.size() == 3);
        CHECK(got[0] == R"({"a":1})");
        CHECK(got[1].empty());
        CHECK(got[2] == std::string(70000, 'x'));
        CHECK(d.buffered() == 0);
    }
}

TEST_CASE("several frames in one read come out one by one, a partial one waits") {
    frame_decoder d;
    const auto third = encode_frame("three");
    d.feed(encode_frame("one") + encode_frame("two") + third.substr(0, 6));
    CHECK(d.next() == "one");
    CHECK(d.next() == "two");
    CHECK_FALSE(d.next());
    d.feed(third.substr(6));
    CHECK(d.next() == "three");
    CHECK_FALSE(d.next());
}

TEST_CASE("an oversize frame is rejected on both sides") {
    CHECK_THROWS_AS(encode_frame(std::string(11, 'x'), 10), frame_error);
    frame_decoder d(10);
    d.feed(encode_frame(std::string(11, 'x')).substr(0, 4)); // the header alone is enough to know
    CHECK_THROWS_AS(d.next(), frame_error);
    frame_decoder ok(10);
    ok.feed(encode_frame(std::string(10, 'y')));
    CHECK(ok.next() == std::string(10, 'y'));
}
