// Cookies and netrc through the real binary: Set-Cookie followed within a
// redirect chain and across requests, nothing carried to another origin, the
// jar loaded (-b) and saved (--cookie-jar) in curl's format, and the same
// cookies in the jar as curl's for the same URLs.
#include "asyncfetch/testserver/server.hpp"
#include "tools/process.hpp"
#include "tools/tls_files.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <set>

using namespace asyncfetch;
using namespace asyncfetch::testing;
using json = nlohmann::json;

namespace {

// The request headers each /echo saw, by the URL asked for.
std::map<std::string, json> echoed(const std::string& out) {
    std::map<std::string, json> by_url;
    for (auto& rec : records_of(out))
        if (rec.contains("body"))
            by_url[rec["url"].get<std::string>()] =
                json::parse(rec["body"].get<std::string>())["headers"];
    return by_url;
}

// A jar's cookie lines, the expiry rounded to the minute (a Max-Age
// counts from when each client saw it).
std::set<std::string> jar_lines(const std::string& text) {
    std::set<std::string> out;
    for (const auto& line : lines_of(text)) {
        if (line.starts_with("# ")) continue;
        auto fields = line;
        const auto fifth = [&] {
            std::size_t at = 0;
            for (int i = 0; i < 4; ++i)
                at = fields.find('\t', at) + 1;
            return at;
        }();
        const auto end = fields.find('\t', fifth);
        const auto expires = std::stoll(fields.substr(fifth, end - fifth));
        fields.replace(fifth, end - fifth, std::to_string(expires / 60));
        out.insert(fields);
    }
    return out;
}

} // namespace

TEST_CASE(
    "cookies and netrc credentials: kept through redirects and requests, not across origins") {
    testserver::server site;
    testserver::server_options other_options;
    other_options.address = "127.0.0.2"; // another host: cookies are not port-scoped
    testserver::server other(other_options);
    temp_dir dir;
    const auto base = site.base_url();
    const auto set = base + "/set-cookie?c=sid%3Dabc%3B%20Path%3D/&to=" + base + "/echo%3Fhop";
    const auto later = base + "/echo?later";
    const auto away = base + "/redirect-code/302?url=" + other.base_url() + "/echo%3Faway";
    const auto list = dir.write("urls.txt", set + "\n" + later + "\n" + away + "\n");
    const auto netrc = dir.write("netrc", "machine 127.0.0.1 login alice password pa55word\n"
                                          "machine 127.0.0.2 login bob password b0bword\n");
    const auto jar = dir.file("jar.txt");
    auto r = run(asyncfetch_cmd(
        {list, "-q", "--serial", "--body", "--netrc-file", netrc, "--cookie-jar", jar}));
    REQUIRE_MESSAGE(r.status == 0, r.err);
    auto seen = echoed(r.out);
    REQUIRE(seen.size() == 3);
    CHECK(seen[set]["Cookie"] == "sid=abc");
    CHECK(seen[later]["Cookie"] == "sid=abc");
    CHECK(seen[later]["Authorization"] == "Basic YWxpY2U6cGE1NXdvcmQ=");
    CHECK_FALSE(seen[away].contains("Cookie"));
    CHECK_FALSE(seen[away].contains("Authorization"));
    CHECK(read_file(jar).find("127.0.0.1\tFALSE\t/\tFALSE\t0\tsid\tabc\n") != std::string::npos);
    CHECK(r.err.find("pa55word") == std::string::npos);

    // -b: the jar starts the next run's store; an Authorization given
    // wins over netrc (curl's -u does too).
    ::setenv("ASYNCFETCH_TEST_BASIC", "carol:c4rol", 1);
    const auto again = dir.write("again.txt", later + "\n");
    r = run(asyncfetch_cmd({again, "-q", "--body", "-b", jar, "--netrc-file", netrc, "--user-env",
                            "ASYNCFETCH_TEST_BASIC"}));
    ::unsetenv("ASYNCFETCH_TEST_BASIC");
    REQUIRE_MESSAGE(r.status == 0, r.err);
    seen = echoed(r.out);
    CHECK(seen[later]["Cookie"] == "sid=abc");
    CHECK(seen[later]["Authorization"] == "Basic Y2Fyb2w6YzRyb2w=");
}

TEST_CASE("a malformed netrc or cookie jar is exit 2 naming FILE:LINE, the secret unshown") {
    temp_dir dir;
    const auto list = dir.write("urls.txt", "http://127.0.0.1:1/\n");
    const auto netrc = dir.write("netrc", "machine a login x\npassword");
    auto r = run(asyncfetch_cmd({list, "-q", "--netrc-file", netrc}));
    CHECK(r.status == 2);
    CHECK(r.err.find(netrc + ":2: 'password' has no value") != std::string::npos);
    const auto jar = dir.write("jar", "# c\nh\tFALSE\t/\tFALSE\tsoon\tn\ts3cret\n");
    r = run(asyncfetch_cmd({list, "-q", "-b", jar}));
    CHECK(r.status == 2);
    CHECK(r.err.find(jar + ":2: field 5") != std::string::npos);
    CHECK(r.err.find("s3cret") == std::string::npos);
    r = run(asyncfetch_cmd({list, "-q", "--cookie-jar", dir.file("j"), "-j", "2"}));
    CHECK(r.status == 2);
}

TEST_CASE("a cookie jar that cannot be written fails the run after its records") {
    testserver::server site;
    temp_dir dir;
    const auto list =
        dir.write("urls.txt",
                  site.base_url() + "/set-cookie?c=sid%3Dabc&to=" + site.base_url() + "/bytes/1\n");
    const auto out = dir.file("records.jsonl");
    auto r = run(asyncfetch_cmd(
        {list, "-q", "-o", out, "--cookie-jar", dir.file("no-such-dir") + "/jar.txt"}));
    CHECK(r.status == 1);
    CHECK(r.err.find("--cookie-jar: ") != std::string::npos);
    CHECK(r.err.find("no-such-dir") != std::string::npos);
    // The records were written all the same.
    const auto records = records_of(read_file(out));
    REQUIRE(records.size() == 1);
    CHECK(records[0]["status"] == 200);
}

TEST_CASE("the cookie jar agrees with curl's for the same URLs") {
    testserver::server site;
    temp_dir dir;
    const auto base = site.base_url();
    const std::vector<std::string> urls{
        base + "/set-cookie?c=plain%3D1&c=scoped%3D2%3B%20Path%3D/echo&c=http%3D3%3B%20HttpOnly",
        base + "/set-cookie?c=kept%3D4%3B%20Max-Age%3D3600&c=dated%3D5%3B%20Expires%3DFri,%2001%20"
               "Jan%202038%2000:00:00%20GMT&c=secure%3D6%3B%20Secure",
        base + "/set-cookie?c=plain%3D7&c=http%3Dx%3B%20Max-Age%3D0&to=/echo",
        base + "/set-cookie?c=gone%3D8%3B%20Expires%3DThu,%2001%20Jan%201970%2000:00:00%20GMT"};
    std::string list;
    for (const auto& u : urls)
        list += u + "\n";
    const auto ours = dir.file("ours.txt"), theirs = dir.file("theirs.txt");
    auto r =
        run(asyncfetch_cmd({dir.write("urls.txt", list), "-q", "--serial", "--cookie-jar", ours}));
    REQUIRE_MESSAGE(r.status == 0, r.err);
    std::vector<std::string> curl{"curl", "-s", "-L", "-b", "", "-c", theirs};
    curl.insert(curl.end(), urls.begin(), urls.end());
    r = run(curl);
    REQUIRE_MESSAGE(r.status == 0, r.err);
    const auto ours_lines = jar_lines(read_file(ours));
    // plain (replaced), scoped, kept, dated, and secure: 127.0.0.1 is a
    // secure context for curl and RFC 6265bis.
    CHECK(ours_lines.size() == 5);
    CHECK(ours_lines == jar_lines(read_file(theirs)));
}
