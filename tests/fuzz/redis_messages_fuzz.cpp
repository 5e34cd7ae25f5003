// Messages read from a shared job's Redis streams: any bytes as a target
// message; a target written and read back is unchanged; a record line is
// valid JSON with the id first and the fields after it.
#include "asyncfetch/streams/messages.hpp"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>

using namespace asyncfetch::streams;
using json = nlohmann::ordered_json;

namespace {

bool valid_utf8(const std::string& s) {
    try {
        (void)json(s).dump();
        return true;
    } catch (const json::exception&) {
        return false;
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    (void)read_target_message(text);

    std::uint64_t id = 0;
    std::memcpy(&id, data, std::min(size, sizeof id));
    if (valid_utf8(text)) {
        const auto back = read_target_message(make_target_message(id, text));
        if (!back || back->id != id || back->text != text) std::abort();
    }

    const auto fields = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (fields.is_discarded() || !fields.is_object() || fields.contains("id")) return 0;
    const auto line = json::parse(make_record_line(id, fields), nullptr, false);
    if (line.is_discarded() || line.begin().key() != "id" || line["id"] != id) std::abort();
    if (valid_utf8(fields.dump(-1, ' ', false, json::error_handler_t::replace)) &&
        line.size() != fields.size() + 1)
        std::abort();
    return 0;
}
