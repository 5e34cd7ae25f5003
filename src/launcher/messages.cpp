#include "asyncfetch/launcher/messages.hpp"

#include <nlohmann/json.hpp>

namespace asyncfetch::launcher {
namespace {

using json = nlohmann::ordered_json;

// The JSON object in `payload`, or a discarded value when it is not one.
json object_of(std::string_view payload) {
    auto m = json::parse(payload, nullptr, false);
    return m.is_object() ? m : json(json::value_t::discarded);
}

} // namespace

std::string encode_target_message(std::uint64_t id, const target& t) {
    json m;
    m["id"] = id;
    m["index"] = t.index;
    m["line"] = t.line;
    m["text"] = t.text;
    return m.dump();
}

std::optional<target_message> decode_target_message(std::string_view payload) {
    const auto m = object_of(payload);
    if (m.is_discarded()) return std::nullopt;
    // (A member missing or of another type throws: the message is not one.)
    try {
        return target_message{m.at("id").get<std::uint64_t>(),
                              target{m.at("index").get<std::size_t>(),
                                     m.at("line").get<std::size_t>(),
                                     m.at("text").get<std::string>()}};
    } catch (const json::exception&) {
        return std::nullopt;
    }
}

std::string encode_record_message(std::uint64_t id, const record& r) {
    json m;
    m["id"] = id;
    m["result"] = static_cast<int>(r.result);
    m["error"] = r.error;
    m["elapsed_ms"] = r.elapsed_ms;
    m["bytes"] = r.bytes;
    m["fields"] = r.fields;
    m["queued_ms"] = r.queued_ms;
    m["in_flight"] = r.in_flight_at_start;
    return m.dump();
}

std::optional<record_message> decode_record_message(std::string_view payload) {
    const auto m = object_of(payload);
    if (m.is_discarded()) return std::nullopt;
    try {
        record_message out;
        out.id = m.at("id").get<std::uint64_t>();
        auto& r = out.r;
        r.result = static_cast<outcome>(m.at("result").get<int>());
        r.error = m.at("error").get<std::string>();
        r.elapsed_ms = m.at("elapsed_ms").get<double>();
        r.bytes = m.at("bytes").get<std::uint64_t>();
        r.fields = m.at("fields");
        r.queued_ms = m.value("queued_ms", 0.0);
        r.in_flight_at_start = m.value("in_flight", std::size_t{0});
        return out;
    } catch (const json::exception&) {
        return std::nullopt;
    }
}

} // namespace asyncfetch::launcher
