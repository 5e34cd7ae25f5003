#include "asyncfetch/ssh/sftp_v3.hpp"

#include <doctest/doctest.h>

using namespace asyncfetch::ssh;

namespace {

std::string u32(std::uint32_t v) {
    return {static_cast<char>(v >> 24), static_cast<char>((v >> 16) & 0xff),
            static_cast<char>((v >> 8) & 0xff), static_cast<char>(v & 0xff)};
}
std::string str(const std::string& s) {
    return u32(static_cast<std::uint32_t>(s.size())) + s;
}
std::string framed(const std::string& body) {
    return u32(static_cast<std::uint32_t>(body.size())) + body;
}

} // namespace

TEST_CASE("sftp_v3: INIT asks for version 3") {
    CHECK(sftp_v3::init_packet() == framed("\x01" + u32(3)));
}

TEST_CASE("sftp_v3: EXTENDED carries the id, the name and each argument as strings") {
    CHECK(sftp_v3::extended_packet(7, "posix-rename@openssh.com", {"a", "bc"}) ==
          framed("\xc8" + u32(7) + str("posix-rename@openssh.com") + str("a") + str("bc")));
}

TEST_CASE("sftp_v3: packets come out whole whatever the read sizes") {
    const auto stream = framed("\x02" + u32(3) + str("posix-rename@openssh.com") + str("1") +
                               str("fsync@openssh.com") + str("1")) +
                        framed("\x65" + u32(1) + u32(0) + str("ok") + str(""));
    sftp_v3::packet_reader r;
    std::vector<std::string> packets;
    for (char c : stream) { // one byte at a time
        r.feed(std::string_view(&c, 1));
        while (auto p = r.next())
            packets.push_back(*p);
    }
    REQUIRE(packets.size() == 2);
    const auto names = sftp_v3::parse_version(packets[0]);
    REQUIRE(names);
    CHECK(names->count("posix-rename@openssh.com") == 1);
    CHECK(names->count("fsync@openssh.com") == 1);
    CHECK(sftp_v3::parse_status(packets[1], 1) == 0u);
    CHECK_FALSE(sftp_v3::parse_status(packets[1], 2)); // another request's reply
    CHECK_FALSE(sftp_v3::parse_status(packets[0], 1)); // not a STATUS
    CHECK_FALSE(sftp_v3::parse_version(packets[1]));   // not a VERSION
}

TEST_CASE("sftp_v3: a length over the limit or zero fails the reader for good") {
    sftp_v3::packet_reader big;
    big.feed(u32(sftp_v3::max_packet + 1) + "\x02");
    CHECK_FALSE(big.next());
    CHECK(big.failed());
    big.feed(framed("\x65" + u32(1) + u32(0)));
    CHECK_FALSE(big.next());
    sftp_v3::packet_reader zero;
    zero.feed(u32(0));
    CHECK_FALSE(zero.next());
    CHECK(zero.failed());
}

TEST_CASE("sftp_v3: a VERSION whose last pair is cut short lists the whole pairs") {
    const auto names = sftp_v3::parse_version("\x02" + u32(3) + str("a@x") + str("1") + u32(99));
    REQUIRE(names);
    CHECK(*names == std::set<std::string>{"a@x"});
}
