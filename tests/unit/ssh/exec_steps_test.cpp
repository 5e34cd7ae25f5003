#include "asyncfetch/ssh/exec.hpp"

#include <doctest/doctest.h>
#include <libssh2.h>

#include <vector>

using namespace asyncfetch::ssh;

TEST_CASE("read rule: wait on the socket only when BOTH streams said EAGAIN") {
    constexpr long again = LIBSSH2_ERROR_EAGAIN;
    CHECK(after_reads(again, again, false) == read_next::wait_socket);
    CHECK(after_reads(100, again, false) == read_next::read_again);
    CHECK(after_reads(again, 7, false) == read_next::read_again);
    CHECK(after_reads(0, again, false) == read_next::wait_socket);
    // Data in the same round as EOF: read again before believing the EOF.
    CHECK(after_reads(10, 0, true) == read_next::read_again);
    CHECK(after_reads(0, 0, true) == read_next::finished);
    CHECK(after_reads(again, again, true) == read_next::finished);
    CHECK(after_reads(LIBSSH2_ERROR_SOCKET_RECV, again, false) == read_next::failed);
    CHECK(after_reads(5, LIBSSH2_ERROR_CHANNEL_CLOSED, false) == read_next::failed);
}

TEST_CASE("line_splitter emits whole lines only, across chunk borders") {
    line_splitter s;
    std::vector<std::string> lines;
    auto emit = [&](std::string_view l) { lines.emplace_back(l); };
    s.feed("ab", emit);
    CHECK(lines.empty());
    s.feed("c\nde", emit);
    s.feed("f\n\ng", emit);
    CHECK(lines == std::vector<std::string>{"abc", "def", ""});
    s.flush(emit);
    CHECK(lines.back() == "g");
    s.flush(emit); // nothing left
    CHECK(lines.size() == 4);
}
