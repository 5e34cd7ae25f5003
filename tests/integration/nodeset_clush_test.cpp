// core/nodeset against ClusterShell's `nodeset` (the reference: clush's
// ranges, lists and folding), over a corpus. Skipped where clustershell is
// not installed (scripts/packages.txt installs it).
#include "asyncfetch/core/nodeset.hpp"

#include "tools/process.hpp"
#include "tools/skip.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <sstream>

using namespace asyncfetch;
using namespace asyncfetch::testing;
using names = std::vector<std::string>;

namespace {

bool clush_missing() {
    if (!pretend_missing("nodeset") && std::filesystem::exists("/usr/bin/nodeset")) return false;
    return skip_test("ClusterShell's nodeset is not installed (apt-get install clustershell)");
}

names words(const std::string& text) {
    std::istringstream in(text);
    names out;
    for (std::string w; in >> w;)
        out.push_back(w);
    return out;
}

names sorted(names n) {
    std::sort(n.begin(), n.end());
    return n;
}

// nodeset -e: the names, space-separated (in clush's own order: compared as sets).
names clush_expand(const std::string& set) {
    const auto r = run({"nodeset", "-e", set});
    REQUIRE_MESSAGE(r.status == 0, set << ": " << r.err);
    return words(r.out);
}

std::string clush_fold(const names& n) {
    std::vector<std::string> argv{"nodeset", "-f"};
    argv.insert(argv.end(), n.begin(), n.end());
    const auto r = run(argv);
    REQUIRE_MESSAGE(r.status == 0, r.err);
    return words(r.out).at(0);
}

} // namespace

TEST_CASE("nodeset vs clush: expansions name the same hosts") {
    if (clush_missing()) return;
    const char* corpus[] = {
        "web[01-20]",
        "db[1-3,7]",
        "10.0.0.[1-9]",
        "r[1-2]n[01-16]",
        "a[08-11]",
        "x[1-10]",
        "x[001-100]",
        "a[1-2]-b[3-4].c",
        "a[1-2],b[3-4]",
        "[1-3]",
        "a[1-100/10]",
        "a[0-2]",
        "n[7,1-3,5]",
        "web,db,web1",
        "h[1-3]x[01-02]y[9-10]",
        "n[1-3],n[2-5]",
        "10.[0-1].[2-3].[4-5]",
        "node-[1-4]-dc[1-2]",
        "a[00-03]",
        "r[9-11]z",
    };
    for (const char* set : corpus) {
        auto ours = nodeset::expand(set);
        REQUIRE_MESSAGE(ours.ok(), set << ": " << ours.problem());
        CHECK_MESSAGE(sorted(*ours) == sorted(clush_expand(set)), set);
    }
}

TEST_CASE("nodeset vs clush: both refuse malformed ranges") {
    if (clush_missing()) return;
    for (const char* bad : {"a[3-1]", "a[1-3", "a[]", "a[1-x]", "a[1-2]]", "a[1-]"}) {
        CHECK_MESSAGE(!nodeset::expand(bad).ok(), bad);
        CHECK_MESSAGE(run({"nodeset", "-e", bad}).status != 0, bad);
    }
}

TEST_CASE("nodeset vs clush: foldings are written the same") {
    if (clush_missing()) return;
    const names corpus[] = {
        {"web01", "web02", "web03", "web07", "web09"},
        {"web1", "web2", "web3", "web10"},
        {"a08", "a09", "a10", "a11"},
        {"b", "a", "c2", "c1"},
        {"10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.7"},
        {"r1n1", "r1n2", "r2n1", "r2n2"},
        {"web07"},
        {"db3", "web1", "db1", "db2", "web2"},
        {"x1y1", "x1y2", "x2y1", "x2y2", "x3y1", "x3y2"},
    };
    for (const auto& n : corpus)
        CHECK(nodeset::fold(n) == clush_fold(n));
}

TEST_CASE("nodeset vs clush: clush reads every folding back as the same names") {
    if (clush_missing()) return;
    const names corpus[] = {
        {"web01", "web02", "web9", "web10", "web011", "web"},
        {"r1n01", "r3n01", "r1n02", "r2n02", "x1y2z3", "x1y2z4"},
        {"10.0.1.1", "10.0.2.1", "10.0.2.2", "h", "h0", "h00"},
        {"a99", "a100", "a099", "n1-x", "n2-x"},
    };
    for (const auto& n : corpus) {
        const auto folded = nodeset::fold(n);
        CHECK_MESSAGE(sorted(clush_expand(folded)) == sorted(n), folded);
    }
}
