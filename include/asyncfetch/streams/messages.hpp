// The JSON messages of a shared job (see job.hpp for the keys):
//   target  {"id": N, "target": TEXT[, "depth": D, "parent": URL]}
//   record  {"id": N, ...the record's fields}: the line collect writes
// Writing and reading them is on every target's path, so the common shapes
// take a short cut that gives the same result as the full JSON route.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace asyncfetch::streams {

struct target_message {
    std::uint64_t id = 0;
    std::string text;
    int depth = 0;      // crawls: links from a seed are at depth 1
    std::string parent; // crawls: the page that linked here
};

// {"id":N,"target":"TEXT"}
std::string make_target_message(std::uint64_t id, const std::string& text);

// Any JSON object with a numeric "id" and a string "target" (other members
// are ignored); nullopt for anything else.
std::optional<target_message> read_target_message(std::string_view message);

// {"id":N, then the fields' members}; invalid UTF-8 is replaced.
std::string make_record_line(std::uint64_t id, const nlohmann::ordered_json& fields);

} // namespace asyncfetch::streams
