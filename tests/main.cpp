// The doctest runner of both test binaries, plus the skip rule of
// tools/skip.hpp: a test that cannot start its real server fails under CI and
// is counted (and listed) as skipped elsewhere.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include "tools/skip.hpp"

#include <cstdlib>
#include <iostream>
#include <map>
#include <sstream>

namespace {

// ctest's SKIP_RETURN_CODE (tests/CMakeLists.txt): the exit status when every
// test case that ran was skipped, so that ctest reports it as skipped.
constexpr int all_skipped_status = 77;

struct skip_state {
    std::string running;                    // the test case now running
    std::map<std::string, std::string> why; // skipped test case -> reason
    unsigned ran = 0;                       // test cases that passed the filters
};

skip_state& skips() {
    static skip_state state;
    return state;
}

bool in_ci() {
    const char* ci = std::getenv("CI");
    if (!ci) return false;
    const std::string value = ci;
    return !value.empty() && value != "0" && value != "false";
}

// Follows which test case runs (doctest has no call for that) and how many ran.
struct skip_listener : doctest::IReporter {
    explicit skip_listener(const doctest::ContextOptions&) {}
    void report_query(const doctest::QueryData&) override {}
    void test_run_start() override {}
    void test_run_end(const doctest::TestRunStats& s) override {
        skips().ran = s.numTestCasesPassingFilters;
    }
    void test_case_start(const doctest::TestCaseData& d) override { skips().running = d.m_name; }
    void test_case_reenter(const doctest::TestCaseData&) override {}
    void test_case_end(const doctest::CurrentTestCaseStats&) override {}
    void test_case_exception(const doctest::TestCaseException&) override {}
    void subcase_start(const doctest::SubcaseSignature&) override {}
    void subcase_end() override {}
    void log_assert(const doctest::AssertData&) override {}
    void log_message(const doctest::MessageData&) override {}
    void test_case_skipped(const doctest::TestCaseData&) override {}
};
DOCTEST_REGISTER_LISTENER("skips", 1, skip_listener);

} // namespace

namespace asyncfetch::testing {

bool skip_test(const std::string& why) {
    if (in_ci())
        FAIL("cannot run here: " << why << " (CI is set: a test without its server fails)");
    MESSAGE("skipped: " << why);
    skips().why.emplace(skips().running, why);
    return true;
}

bool pretend_missing(std::string_view server) {
    const char* list = std::getenv("ASYNCFETCH_TEST_WITHOUT");
    std::istringstream names(list ? list : "");
    for (std::string name; names >> name;)
        if (name == server) return true;
    return false;
}

} // namespace asyncfetch::testing

int main(int argc, char** argv) {
    doctest::Context context(argc, argv);
    const int failed = context.run();
    if (context.shouldExit()) return failed;
    const auto& s = skips();
    if (!s.why.empty()) {
        std::cout << "[doctest] skipped: " << s.why.size() << " test case"
                  << (s.why.size() == 1 ? "" : "s")
                  << " could not start their server here (under CI=true they fail):\n";
        for (const auto& [name, why] : s.why)
            std::cout << "[doctest]   " << name << ": " << why << "\n";
    }
    if (failed == 0 && !s.why.empty() && s.why.size() == s.ran) return all_skipped_status;
    return failed;
}
