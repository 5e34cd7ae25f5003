// `asyncfetch report`: records from a real fetch, the page loaded in a real
// headless Chromium (Debian's `chromium`).
#include "asyncfetch/testserver/server.hpp"
#include "tools/process.hpp"
#include "tools/tls_files.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <regex>

using namespace asyncfetch;
using namespace asyncfetch::testing;

namespace {

// The browser, or "" (the test is then skipped, except under CI where it must run).
std::string chromium_path() {
    auto r = run({"sh", "-c", "command -v chromium"});
    return r.status == 0 ? lines_of(r.out).at(0) : "";
}

std::vector<std::string> chromium_cmd(const std::string& binary, const std::string& profile,
                                      std::vector<std::string> args) {
    std::vector<std::string> argv = {binary,
                                     "--headless",
                                     "--no-sandbox", // the tests run as root
                                     "--disable-gpu",
                                     "--disable-quic",
                                     "--no-first-run",
                                     "--disable-background-networking",
                                     "--disable-component-update",
                                     "--disable-sync",
                                     "--user-data-dir=" + profile};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
}

// A fetch with successes, HTTP errors, a refused connect and a hostile URL.
std::string fetch_records(const temp_dir& dir, const std::string& base) {
    std::string list;
    for (int i = 0; i < 40; ++i) {
        const std::string kinds[] = {"/bytes/" + std::to_string(i * 100), "/status/404",
                                     "/delay/30ms", "/status/503"};
        list += base + kinds[i % 4] + "?n=" + std::to_string(i) + "\n";
    }
    list += "http://127.0.0.1:1/refused\n";
    // Not a valid URL: recorded (with --keep-going) as it was written.
    list += base + "/bytes/1?<script>document.title='pwned'</script>\"onload=\"alert(1)\n";
    const auto file = dir.write("urls.txt", list);
    const auto records = dir.file("records.jsonl");
    auto r = run(
        asyncfetch_cmd({file, "-q", "-c", "8", "--retries", "0", "--keep-going", "-o", records}));
    REQUIRE_MESSAGE(r.status == 1, r.err);
    return records;
}

} // namespace

TEST_CASE("records carry start_ms, ms from the run's start, before their end") {
    testserver::server server;
    temp_dir dir;
    const auto records = fetch_records(dir, server.base_url());
    double latest_end = 0;
    for (const auto& rec : records_of(read_file(records))) {
        if (rec["error"].is_string() && rec["error"].get<std::string>().starts_with("line "))
            continue; // the invalid URL: recorded before the run, never started
        REQUIRE(rec["start_ms"].is_number());
        CHECK(rec["start_ms"].get<double>() >= 0);
        latest_end =
            std::max(latest_end, rec["start_ms"].get<double>() + rec["elapsed_ms"].get<double>());
    }
    // -c 8 with ten 30 ms delays: the run spans at least two rounds of them.
    CHECK(latest_end >= 30);
}

TEST_CASE("report: malformed records are named FILE:LINE (exit 2), or skipped with --keep-going") {
    temp_dir dir;
    const auto file = dir.write("r.jsonl", "{\"url\":\"http://a/\",\"elapsed_ms\":1}\n[1,2]\n");
    auto r = run(asyncfetch_cmd({"report", file, "-o", dir.file("page.html")}));
    CHECK(r.status == 2);
    CHECK_MESSAGE(r.err.find(file + ":2: not a JSON object") != std::string::npos, r.err);
    CHECK_FALSE(std::filesystem::exists(dir.file("page.html")));
    r = run(asyncfetch_cmd({"report", file, "--keep-going"}));
    CHECK(r.status == 0);
    CHECK(r.err.find("1 malformed line skipped") != std::string::npos);
    CHECK(std::filesystem::exists(dir.file("report.html"))); // beside the records
    r = run(asyncfetch_cmd({"report", file, "--keep-going", "-o", "-"}));
    CHECK(r.out.starts_with("<!DOCTYPE html>"));
}

TEST_CASE("report: a real fetch's page renders in headless Chromium, charts sized, no errors") {
    testserver::server server;
    temp_dir dir;
    const auto records = fetch_records(dir, server.base_url());
    const auto page = dir.file("report.html");
    auto r = run(asyncfetch_cmd({"report", records, "-o", page}));
    REQUIRE_MESSAGE(r.status == 0, r.err);
    const auto html = read_file(page);
    CHECK(html.find("<script") == std::string::npos); // the hostile URL is text
    CHECK(html.find("&lt;script&gt;") != std::string::npos);
    CHECK(html.find("http://") != std::string::npos);
    CHECK(html.find("src=") == std::string::npos); // nothing fetched from anywhere

    const auto browser = chromium_path();
    if (browser.empty()) {
        const char* ci = std::getenv("CI");
        REQUIRE_MESSAGE((ci == nullptr || std::string(ci) != "true"),
                        "chromium is not installed (scripts/packages.txt) and CI=true");
        MESSAGE("browser check skipped: chromium is not installed (apt-get install chromium)");
        return;
    }
    temp_dir profile;
    const auto url = "file://" + page;
    auto dom = run(chromium_cmd(browser, profile.path(),
                                {"--enable-logging=stderr", "--v=0", "--dump-dom", url}),
                   "", 90);
    REQUIRE_MESSAGE(dom.status == 0, dom.err);
    CHECK_MESSAGE(dom.err.find("Uncaught") == std::string::npos, dom.err);
    CHECK_MESSAGE(dom.err.find("ERROR:CONSOLE") == std::string::npos, dom.err);
    CHECK(dom.out.find("<script") == std::string::npos);
    CHECK(dom.out.find("pwned") != std::string::npos); // shown, as text
    CHECK(dom.out.find("<title>asyncfetch report") != std::string::npos);
    // The charts: histogram, CDF and timeline, each with a non-zero size.
    const std::regex svg(R"re(<svg [^>]*width="([0-9.]+)" height="([0-9.]+)")re");
    int charts = 0;
    for (auto it = std::sregex_iterator(dom.out.begin(), dom.out.end(), svg);
         it != std::sregex_iterator(); ++it) {
        ++charts;
        CHECK(std::stod((*it)[1]) > 0);
        CHECK(std::stod((*it)[2]) > 0);
    }
    CHECK(charts == 3);
    CHECK(dom.out.find("<rect") != std::string::npos);

    // A screenshot, kept under build/ for people (and CI artifacts) to look at.
    const auto shot =
        (std::filesystem::path(ASYNCFETCH_BINARY).parent_path() / "report-screenshot.png").string();
    std::filesystem::remove(shot);
    temp_dir profile2;
    auto s = run(chromium_cmd(browser, profile2.path(),
                              {"--screenshot=" + shot, "--window-size=1280,2000", url}),
                 "", 90);
    CHECK_MESSAGE(s.status == 0, s.err);
    REQUIRE(std::filesystem::exists(shot));
    CHECK(std::filesystem::file_size(shot) > 10000);
    CHECK(read_file(shot).substr(1, 3) == "PNG");
}
