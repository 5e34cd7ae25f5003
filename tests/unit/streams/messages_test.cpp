#include "asyncfetch/streams/messages.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

using namespace asyncfetch::streams;
using nlohmann::ordered_json;

namespace {

// What a general JSON reader makes of a target message.
ordered_json parsed_message(const std::string& message) {
    return ordered_json::parse(message);
}

} // namespace

TEST_CASE("redis messages: a target message is JSON any reader understands (escapes too)") {
    const std::string texts[] = {
        "http://127.0.0.1:8080/a?b=1&c=2",
        "http://127.0.0.1/say \"hi\"",
        "C:\\path\\file",
        "tab\there\nnewline",
        "caf\xc3\xa9 \xe2\x82\xac",
        "",
    };
    for (const auto& text : texts) {
        CAPTURE(text);
        const auto m = make_target_message(42, text);
        const auto j = parsed_message(m);
        CHECK(j.at("id") == 42);
        CHECK(j.at("target") == text);
        const auto back = read_target_message(m);
        REQUIRE(back);
        CHECK(back->id == 42);
        CHECK(back->text == text);
        CHECK(back->depth == 0);
        CHECK(back->parent.empty());
    }
}

TEST_CASE("redis messages: invalid UTF-8 in a target is replaced") {
    const auto m = make_target_message(1, "bad \xff byte");
    const auto j = parsed_message(m);
    CHECK(j.at("target") == "bad \xef\xbf\xbd byte");
}

TEST_CASE("redis messages: targets written by others are read whatever their member order") {
    // What Redis's cjson makes for a crawl link: members in any order, "/" escaped.
    const auto t = read_target_message(
        R"({"parent":"http:\/\/h\/a","depth":2,"target":"http:\/\/h\/b?x=\"1\"","id":7})");
    REQUIRE(t);
    CHECK(t->id == 7);
    CHECK(t->text == "http://h/b?x=\"1\"");
    CHECK(t->depth == 2);
    CHECK(t->parent == "http://h/a");

    // Unknown members, nested values and spaces are fine.
    const auto spaced = read_target_message(
        R"( { "id" : 3 , "extra" : {"target": "no", "id": 9}, "list": [1, {"id": 5}], "target" : "x" } )");
    REQUIRE(spaced);
    CHECK(spaced->id == 3);
    CHECK(spaced->text == "x");
}

TEST_CASE("redis messages: no id or no target or not JSON is refused") {
    for (const char* bad : {R"({"target":"x"})", R"({"id":1})", R"({"id":"1","target":"x"})",
                            R"({"id":1,"target":5})", R"([{"id":1,"target":"x"}])", "5", "",
                            R"({"id":1,"target":"x")", R"({"id":-1,"target":"x"})",
                            R"({"id":1,"target":"x"}garbage)", "{\"id\":01,\"target\":\"x\"}"}) {
        CAPTURE(bad);
        CHECK_FALSE(read_target_message(bad));
    }
}

TEST_CASE("redis messages: a record line is the record fields with the id first") {
    ordered_json fields;
    fields["url"] = "http://127.0.0.1/\"q\"";
    fields["status"] = 200;
    fields["elapsed_ms"] = 1.5;
    fields["error"] = nullptr;
    const auto line = make_record_line(12, fields);
    const auto j = ordered_json::parse(line);
    CHECK(j.begin().key() == "id");
    CHECK(j.at("id") == 12);
    ordered_json without_id = j;
    without_id.erase("id");
    CHECK(without_id == fields);

    CHECK(make_record_line(3, ordered_json::object()) == R"({"id":3})");
    CHECK(ordered_json::parse(make_record_line(4, ordered_json{{"e", "bad \xff"}})).at("e") ==
          "bad \xef\xbf\xbd");

    // Byte for byte what nlohmann's dump writes after the id (collect's
    // output does not change with the writer).
    ordered_json nested;
    nested["headers"] = ordered_json{{"content-type", "text/plain"}, {"x", "tab\there"}};
    nested["redirects"] = ordered_json::array({"http://a/", "http://b/\u00e9"});
    nested["ratio"] = 0.1;
    nested["big"] = -12345678901234LL;
    nested["ok"] = true;
    for (const auto* f : {&fields, &nested}) {
        const auto dumped = f->dump(-1, ' ', false, ordered_json::error_handler_t::replace);
        CHECK(make_record_line(7, *f) == "{\"id\":7," + dumped.substr(1));
    }
}
