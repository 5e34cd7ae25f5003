#include "asyncfetch/app/output_groups.hpp"

#include <doctest/doctest.h>

using namespace asyncfetch;

namespace {
record exec_record(const std::string& out, const std::string& err, int status,
                   const std::string& error = "") {
    record r;
    r.error = error;
    r.fields["stdout"] = out;
    r.fields["stderr"] = err;
    r.fields["exit_status"] = status;
    r.fields["signal"] = nullptr;
    return r;
}
} // namespace

TEST_CASE("output groups: identical outputs once under folded hosts, largest group first") {
    app::output_groups g;
    for (const char* h : {"web01", "web02", "web03", "web07", "web09"})
        g.add(h, exec_record("ok\n", "", 0));
    g.add("web08", exec_record("ok\n", "", 1)); // same output, another status
    g.add("web04", exec_record("disk full\n", "warn\x1b[2J\tx", 0));
    g.add("web05", exec_record("", "", 0, "connect: refused"));
    CHECK(g.format() == "---------------- web[01-03,07,09] (5 hosts): exit status 0\n"
                        "ok\n"
                        "---------------- web04 (1 host): exit status 0\n"
                        "disk full\n"
                        "--- stderr\n"
                        "warn\\x1b[2J\tx\n"
                        "---------------- web05 (1 host): error: connect: refused\n"
                        "---------------- web08 (1 host): exit status 1\n"
                        "ok\n");
}

TEST_CASE("output groups: nothing added, nothing printed") {
    CHECK(app::output_groups().format().empty());
}
