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

TEST_CASE("stdin: the input in chunks, the same chunk again after EAGAIN, then EOF") {
    constexpr long again = LIBSSH2_ERROR_EAGAIN;
    const std::string input(70 * 1024, 'x');
    input_feeder f(input);
    REQUIRE(f.next() == input_feeder::call::write);
    const auto first = f.chunk();
    CHECK(first.size() == 32 * 1024);
    CHECK_FALSE(f.on_result(again));
    CHECK(f.chunk().data() == first.data()); // libssh2 wants the same buffer
    CHECK(f.chunk().size() == first.size());
    CHECK_FALSE(f.on_result(0)); // no window yet
    CHECK(f.on_result(1000));    // part of it taken
    CHECK(f.chunk().data() == first.data() + 1000);
    while (f.next() == input_feeder::call::write)
        CHECK(f.on_result(static_cast<long>(f.chunk().size())));
    CHECK(f.sent() == input.size());
    REQUIRE(f.next() == input_feeder::call::send_eof);
    CHECK_FALSE(f.on_result(again));
    CHECK(f.next() == input_feeder::call::send_eof);
    CHECK(f.on_result(0));
    CHECK(f.next() == input_feeder::call::none);
}

TEST_CASE("stdin: no input is EOF at once, a closed channel stops the sending") {
    input_feeder empty("");
    CHECK(empty.next() == input_feeder::call::send_eof);
    CHECK(empty.on_result(0));
    CHECK(empty.next() == input_feeder::call::none);

    input_feeder closed("data");
    CHECK_FALSE(closed.on_result(LIBSSH2_ERROR_CHANNEL_CLOSED));
    CHECK(closed.next() == input_feeder::call::none);
    input_feeder eof_refused("");
    CHECK_FALSE(eof_refused.on_result(LIBSSH2_ERROR_SOCKET_SEND));
    CHECK(eof_refused.next() == input_feeder::call::none);
}

TEST_CASE("stdin: never wait on the socket while the input can move") {
    constexpr long again = LIBSSH2_ERROR_EAGAIN;
    CHECK(after_round(again, again, false, input_state::idle) == read_next::wait_socket);
    CHECK(after_round(again, again, false, input_state::blocked) == read_next::wait_socket);
    CHECK(after_round(again, again, false, input_state::progressed) == read_next::read_again);
    // A read took in a window adjustment: the write can go on.
    CHECK(after_round(again, again, false, input_state::can_send) == read_next::read_again);
    // The command ended: input not sent has nowhere to go.
    CHECK(after_round(0, 0, true, input_state::blocked) == read_next::finished);
    CHECK(after_round(LIBSSH2_ERROR_SOCKET_RECV, again, false, input_state::progressed) ==
          read_next::failed);
}
