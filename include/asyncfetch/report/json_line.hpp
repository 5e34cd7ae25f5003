// A record's JSON line, written as nlohmann's dump(-1, ' ', false,
// error_handler_t::replace) writes it, byte for byte, at a fraction of its
// cost: runs of plain characters are copied whole, and the line is appended
// to a buffer the caller reuses. A string with a byte outside ASCII goes
// through nlohmann itself (its UTF-8 checks and replacement characters).
// Checked equal to dump() in tests/unit/report/json_line_test.cpp.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace asyncfetch::report {

// Appends `value` as one JSON text (no newline) to `out`.
void append_json(const nlohmann::ordered_json& value, std::string& out);

} // namespace asyncfetch::report
