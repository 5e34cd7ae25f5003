// The frontier's packed queue: the same entries in the same order as a plain
// deque of entries, whether it stays in memory, spills to a named file or a
// temporary one, or cannot write its file at all.
#include "asyncfetch/crawl/entry_queue.hpp"
#include "tools/tls_files.hpp"

#include <doctest/doctest.h>

#include <deque>
#include <filesystem>
#include <random>

using namespace asyncfetch::crawl;
using asyncfetch::testing::temp_dir;

namespace {

bool same(const crawl_entry& a, const crawl_entry& b) {
    return a.index == b.index && a.url == b.url && a.depth == b.depth && a.parent == b.parent &&
           a.lastmod == b.lastmod;
}

// A page's links share their parent; some are seeds (no parent) or carry a lastmod.
crawl_entry entry(std::size_t i) {
    crawl_entry e;
    e.index = i * 1000003; // varints of several bytes
    e.url = "http://127.0.0.1:8080/p/" + std::to_string(i) + ".html";
    e.depth = static_cast<int>(i % 300);
    if (i % 17 != 0) e.parent = "http://127.0.0.1:8080/p/" + std::to_string(i / 10) + ".html";
    if (i % 5 == 0) e.lastmod = "2026-11-30";
    return e;
}

// Pushes and pops at random (more pushes), then drains; every pop checked
// against a deque, and the largest memory() seen returned.
std::size_t check_against_deque(entry_queue& q, std::size_t n) {
    std::deque<crawl_entry> want;
    std::mt19937 random(7);
    std::size_t pushed = 0, most = 0, mismatches = 0;
    while (pushed < n || !want.empty()) {
        if (pushed < n && (want.empty() || random() % 3 != 0)) {
            want.push_back(entry(pushed++));
            q.push(want.back());
            CHECK(same(q.back(), want.back()));
        } else {
            auto got = q.pop();
            REQUIRE(got);
            mismatches += !same(*got, want.front());
            want.pop_front();
        }
        CHECK(q.size() == want.size());
        most = std::max(most, q.memory());
    }
    CHECK(mismatches == 0);
    CHECK(q.empty());
    CHECK_FALSE(q.pop());
    return most;
}

} // namespace

TEST_CASE("entry_queue without a budget: first in, first out, packed") {
    entry_queue q;
    for (std::size_t i = 0; i < 1000; ++i)
        q.push(entry(i));
    // The URL and a few bytes an entry (here a 5-byte index and, every fifth,
    // a lastmod); a parent shared by ten entries is stored once.
    CHECK(q.memory() < 1000 * (entry(999).url.size() + 20));
    for (std::size_t i = 0; i < 1000; ++i) {
        const auto e = q.pop();
        REQUIRE(e);
        REQUIRE(same(*e, entry(i)));
    }
    check_against_deque(q, 20000);
    CHECK(q.spilled_bytes() == 0);
}

TEST_CASE("entry_queue over its budget spills to its file and reads it back in order") {
    temp_dir dir;
    const auto path = dir.file("spill");
    std::size_t most = 0;
    {
        entry_queue q(8192, path);
        for (std::size_t i = 0; i < 2000; ++i)
            q.push(entry(i));
        CHECK(q.memory() <= 8192);
        CHECK(q.spilled_bytes() > 0);
        CHECK(std::filesystem::exists(path));
        for (std::size_t i = 0; i < 2000; ++i) {
            const auto e = q.pop();
            REQUIRE(e);
            REQUIRE(same(*e, entry(i)));
        }
        most = check_against_deque(q, 30000);
        CHECK(q.problem() == "");
    }
    CHECK(most <= 8192 + 4096); // the budget, or one chunk read back and the bytes left
    CHECK_FALSE(std::filesystem::exists(path)); // removed with the queue
}

TEST_CASE("entry_queue without a path spills to an unnamed temporary file") {
    entry_queue q(4096);
    check_against_deque(q, 20000);
    CHECK(q.problem() == "");
}

TEST_CASE("entry_queue whose file cannot be made keeps every entry in memory, in order") {
    temp_dir dir;
    entry_queue q(1024, dir.file("no/such/dir/spill"));
    check_against_deque(q, 5000);
    CHECK(q.problem().find("cannot create") != std::string::npos);
}
