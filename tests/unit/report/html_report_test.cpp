#include "asyncfetch/report/html_report.hpp"
#include "asyncfetch/report/report_command.hpp"

#include <doctest/doctest.h>

#include <cstdio>

using namespace asyncfetch::report;

namespace {
std::FILE* text_file(const std::string& text) {
    std::FILE* f = std::tmpfile();
    std::fputs(text.c_str(), f);
    std::rewind(f);
    return f;
}
} // namespace

TEST_CASE("html_escape leaves no markup and no way out of a quoted attribute") {
    CHECK(html_escape(R"(<a href="x" onload='y'>&)") ==
          "&lt;a href=&quot;x&quot; onload=&#39;y&#39;&gt;&amp;");
    CHECK(html_escape("plain text: 1/2") == "plain text: 1/2");
}

TEST_CASE("hostile URLs, errors and SSH output stay text in the page") {
    report_builder b;
    std::string problem;
    const auto hostile = nlohmann::json::parse(
        R"({"url":"http://evil.test/<script>alert(1)</script>\"onload=\"x","status":500,"start_ms":0,"elapsed_ms":3,"error":"http: <img src=x onerror=alert(2)>"})");
    b.add(*read_entry(hostile, problem));
    const auto ssh = nlohmann::json::parse(
        R"({"host":"<b>h</b>","port":22,"user":"u","exit_status":null,"signal":"<i>KILL</i>","stdout":"<script>","stderr":"","start_ms":1,"elapsed_ms":2,"error":null})");
    b.add(*read_entry(ssh, problem));
    const auto page = render_html(std::move(b).finish(), "<records>.jsonl");
    CHECK(page.find("<script") == std::string::npos);
    CHECK(page.find("<img") == std::string::npos);
    CHECK(page.find("<b>h") == std::string::npos);
    CHECK(page.find("<i>KILL") == std::string::npos);
    CHECK(page.find("\"onload") == std::string::npos);
    CHECK(page.find("&lt;script&gt;alert(1)&lt;/script&gt;&quot;onload=&quot;x") !=
          std::string::npos);
    CHECK(page.find("&lt;records&gt;.jsonl") != std::string::npos);
    CHECK(page.find("<svg") != std::string::npos);
}

TEST_CASE("a malformed line is named FILE:LINE, or skipped and counted with --keep-going") {
    const std::string text = "{\"url\":\"http://a/\",\"elapsed_ms\":1}\n\n"
                             "{\"url\":\"http://a/\",\"elapsed_ms\":1}\n"
                             "{not json\n"
                             "{\"url\":\"http://a/\"}\n";
    std::string problem;
    {
        report_builder b;
        std::FILE* f = text_file(text);
        CHECK_FALSE(read_records(f, "r.jsonl", false, b, problem));
        std::fclose(f);
        CHECK(problem == "r.jsonl:4: not JSON");
    }
    {
        report_builder b;
        std::FILE* f = text_file(text);
        CHECK(read_records(f, "r.jsonl", true, b, problem));
        std::fclose(f);
        auto d = std::move(b).finish();
        CHECK(d.total == 2);
        CHECK(d.skipped_lines == 2);
    }
}

TEST_CASE("the page goes beside the records unless told otherwise") {
    CHECK(default_report_path("/tmp/run/records.jsonl") == "/tmp/run/report.html");
    CHECK(default_report_path("records.jsonl") == "report.html");
    CHECK(default_report_path("-") == "report.html");
}
