#include "asyncfetch/report/json_line.hpp"

#include "asyncfetch/http/fetch_record.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <random>

using namespace asyncfetch;
using nlohmann::ordered_json;

namespace {

std::string dumped(const ordered_json& j) {
    return j.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

std::string appended(const ordered_json& j) {
    std::string out = "kept:"; // appends, never clears
    report::append_json(j, out);
    return out.substr(5);
}

// Strings with every kind of character nlohmann treats apart.
std::string random_text(std::minstd_rand& rng) {
    static const std::vector<std::string> pieces = {"a",
                                                    "plain text ",
                                                    "\"",
                                                    "\\",
                                                    "/",
                                                    "\n",
                                                    "\r",
                                                    "\t",
                                                    "\b",
                                                    "\f",
                                                    std::string(1, '\0'),
                                                    "\x01",
                                                    "\x1f",
                                                    "\x7f",
                                                    " ",
                                                    "é",
                                                    "日本",
                                                    "😀",
                                                    "\xff",
                                                    "\xc3",
                                                    "\xe6\x97",
                                                    "\xed\xa0\x80",
                                                    "\xc0\xaf",
                                                    "\xf4\x90\x80\x80",
                                                    "?i=1&b=%20",
                                                    "é\xff\""};
    std::string s;
    const auto n = rng() % 8;
    for (unsigned i = 0; i < n; ++i)
        s += pieces[rng() % pieces.size()];
    return s;
}

ordered_json random_value(std::minstd_rand& rng, int depth) {
    switch (rng() % (depth > 2 ? 6 : 8)) {
    case 0:
        return nullptr;
    case 1:
        return rng() % 2 == 0;
    case 2:
        return static_cast<std::int64_t>(rng()) - (1ll << 30);
    case 3:
        return static_cast<std::uint64_t>(rng()) * 4294967311ull;
    case 4:
        return std::ldexp(static_cast<double>(rng()), static_cast<int>(rng() % 80) - 60);
    case 5:
        return random_text(rng);
    case 6: {
        ordered_json a = ordered_json::array();
        for (unsigned i = rng() % 4; i > 0; --i)
            a.push_back(random_value(rng, depth + 1));
        return a;
    }
    default: {
        ordered_json o = ordered_json::object();
        for (unsigned i = rng() % 4; i > 0; --i)
            o[random_text(rng)] = random_value(rng, depth + 1);
        return o;
    }
    }
}

} // namespace

TEST_CASE("a record's line is nlohmann's dump, byte for byte, for every kind of value") {
    std::minstd_rand rng(23);
    for (int i = 0; i < 20000; ++i) {
        const ordered_json value = random_value(rng, 0);
        REQUIRE(appended(value) == dumped(value));
    }
}

TEST_CASE("numbers are written as nlohmann writes them") {
    const std::vector<double> floats = {0.0,
                                        -0.0,
                                        0.162,
                                        6.791,
                                        1e-05,
                                        123456789.125,
                                        1e300,
                                        2.5e-300,
                                        1.0 / 3,
                                        100.0,
                                        -7.5,
                                        std::nan(""),
                                        std::numeric_limits<double>::infinity()};
    for (const double x : floats)
        CHECK(appended(ordered_json(x)) == dumped(ordered_json(x)));
    for (const std::int64_t n : {std::numeric_limits<std::int64_t>::min(), std::int64_t{-1},
                                 std::int64_t{0}, std::numeric_limits<std::int64_t>::max()})
        CHECK(appended(ordered_json(n)) == dumped(ordered_json(n)));
    CHECK(appended(ordered_json(std::numeric_limits<std::uint64_t>::max())) ==
          "18446744073709551615");
}

TEST_CASE("fetch records, successful, failed, redirected and with kept bodies, are dumped alike") {
    http::fetch_result res;
    res.final_url = "http://127.0.0.1:8080/final?x=\"quoted\"";
    res.status = 200;
    res.bytes = 17;
    res.attempts = 2;
    res.http_version = "1.1";
    res.method = "GET";
    res.body = "hello \xff\xfe binary";
    res.headers = {{"content-type", "text/plain; charset=\"utf-8\""}, {"x-name", "日本\n"}};
    auto ok = http::fetch_record("http://127.0.0.1:8080/start?i=1", &res, "", outcome::ok, 6.791);
    ok.fields["start_ms"] = 0.162;
    http::add_kept_fields(ok, res, true);
    CHECK(appended(ok.fields) == dumped(ok.fields));
    auto failed = http::fetch_record("http://[::1]:1/\xc3", nullptr,
                                     "connect: Connection refused \"\\\"", outcome::failed, 0.25);
    failed.fields["id"] = ordered_json::object({{"k", {1, 2.5, nullptr, "é"}}});
    CHECK(appended(failed.fields) == dumped(failed.fields));
}
