// The messages between the parent and its worker processes, carried in
// frames (frame.hpp). Sans I/O: a message in, the frame's payload out, and
// back; a payload that is not a whole message decodes to nothing.
//   parent -> worker  {"id": N, "index": I, "line": L, "text": TEXT}
//   worker -> parent  {"id": N, "result", "error", "elapsed_ms", "bytes",
//                      "fields", "queued_ms", "in_flight"}
// N is the parent's number for one attempt at a target: the record of an
// attempt the parent gave up (its worker died) is told apart by it.
#pragma once

#include "asyncfetch/core/target.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace asyncfetch::launcher {

struct target_message {
    std::uint64_t id = 0;
    target t;
};

struct record_message {
    std::uint64_t id = 0;
    record r;
};

std::string encode_target_message(std::uint64_t id, const target& t);
std::optional<target_message> decode_target_message(std::string_view payload);

std::string encode_record_message(std::uint64_t id, const record& r);
std::optional<record_message> decode_record_message(std::string_view payload);

} // namespace asyncfetch::launcher
