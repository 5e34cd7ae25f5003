#include "asyncfetch/http/fetch_record.hpp"

#include <openssl/evp.h>

#include <cmath>

namespace asyncfetch::http {

using json = nlohmann::ordered_json;

record fetch_record(const std::string& url, const fetch_result* res, std::string error,
                    outcome result, double elapsed_ms) {
    record r;
    r.result = result;
    r.error = std::move(error);
    r.elapsed_ms = elapsed_ms;
    r.bytes = res ? res->bytes : 0;
    r.queued_ms = res ? res->queued_ms : 0;
    r.in_flight_at_start = res ? res->in_flight_at_start : 0;
    // Appended in order to the empty object: operator[] would look each
    // key up first (this runs once per record).
    auto& f = r.fields.get_ref<json::object_t&>();
    f.reserve(10);
    f.emplace_back("url", url);
    f.emplace_back("final_url", res ? json(res->final_url) : json(nullptr));
    f.emplace_back("status", res && res->status ? json(res->status) : json(nullptr));
    f.emplace_back("bytes", r.bytes);
    f.emplace_back("start_ms", nullptr); // set by the runner: ms from the run's start
    f.emplace_back("elapsed_ms", std::round(elapsed_ms * 1000) / 1000);
    f.emplace_back("attempts", res ? res->attempts : 0);
    if (res && !res->http_version.empty()) f.emplace_back("http_version", res->http_version);
    f.emplace_back("error", r.error.empty() ? json(nullptr) : json(r.error));
    return r;
}

namespace {

// Whether `s` is well-formed UTF-8 (RFC 3629: no overlongs, surrogates or
// code points past U+10FFFF), so it can go into JSON as it is.
bool valid_utf8(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        int extra = 0;
        unsigned cp = 0, min = 0;
        if (c < 0x80) {
            ++i;
            continue;
        } else if ((c & 0xe0) == 0xc0) {
            extra = 1, cp = c & 0x1f, min = 0x80;
        } else if ((c & 0xf0) == 0xe0) {
            extra = 2, cp = c & 0x0f, min = 0x800;
        } else if ((c & 0xf8) == 0xf0) {
            extra = 3, cp = c & 0x07, min = 0x10000;
        } else {
            return false;
        }
        if (i + extra >= s.size()) return false;
        for (int k = 1; k <= extra; ++k) {
            const auto b = static_cast<unsigned char>(s[i + k]);
            if ((b & 0xc0) != 0x80) return false;
            cp = (cp << 6) | (b & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
        i += extra + 1;
    }
    return true;
}

std::string base64(std::string_view bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3), '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(bytes.data()),
                                  static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

} // namespace

void add_kept_fields(record& r, const fetch_result& res, bool with_body) {
    auto& f = r.fields;
    if (!res.saved_file.empty()) {
        f["file"] = res.saved_file;
        f["sha256"] = res.sha256;
        if (res.resumed) f["resumed"] = true;
    }
    if (res.not_modified) f["not_modified"] = true; // --cache: a 304, the body kept as it was
    if (with_body && res.status) {
        std::string_view body = res.body;
        const bool cut = body.size() > max_record_body;
        body = body.substr(0, max_record_body);
        // A cut may split a character: back off to its start.
        if (cut)
            while (!body.empty() && (static_cast<unsigned char>(body.back()) & 0xc0) == 0x80)
                body.remove_suffix(1);
        if (cut && !body.empty() && static_cast<unsigned char>(body.back()) >= 0xc0)
            body.remove_suffix(1);
        const bool text = valid_utf8(body);
        if (!text) body = std::string_view(res.body).substr(0, max_record_body);
        f["body"] = text ? std::string(body) : base64(body);
        f["body_encoding"] = text ? "text" : "base64";
        if (cut) f["body_truncated"] = true;
    }
    if (!res.headers.empty()) {
        json headers = json::object();
        for (const auto& [name, value] : res.headers)
            headers[name] = value;
        f["headers"] = std::move(headers);
    }
}

} // namespace asyncfetch::http
