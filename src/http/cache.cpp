#include "asyncfetch/http/cache.hpp"

#include "asyncfetch/core/atomic_file.hpp"

#include <boost/beast/core/string.hpp>
#include <nlohmann/json.hpp>

#include <openssl/sha.h>

#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

namespace asyncfetch::http {
namespace {

constexpr std::size_t max_entry_bytes = 16 * 1024;
constexpr std::size_t max_validator_bytes = 1024;

std::string sha256_hex(std::string_view text) {
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    for (unsigned char b : digest) {
        out += hex[b >> 4];
        out += hex[b & 15];
    }
    return out;
}

} // namespace

std::string validator_cache::path_for(const std::string& url) const {
    return dir_ + "/" + sha256_hex(url) + ".json";
}

std::optional<cache_entry> validator_cache::find(const std::string& url) const {
    std::ifstream in(path_for(url), std::ios::binary);
    if (!in) return std::nullopt;
    std::string text(max_entry_bytes + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (text.size() > max_entry_bytes) return std::nullopt;
    const auto j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_object()) return std::nullopt;
    cache_entry e;
    const auto str = [&j](const char* key) {
        const auto it = j.find(key);
        return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    e.url = str("url");
    // Another URL with the same hash is not this one's.
    if (e.url != url) return std::nullopt;
    e.etag = str("etag");
    e.last_modified = str("last_modified");
    e.file = str("file");
    e.sha256 = str("sha256");
    if (const auto it = j.find("size"); it != j.end() && it->is_number_unsigned())
        e.size = it->get<std::uint64_t>();
    if (e.etag.empty() && e.last_modified.empty()) return std::nullopt;
    return e;
}

std::string validator_cache::store(const cache_entry& entry) const {
    if ((entry.etag.empty() && entry.last_modified.empty()) ||
        entry.etag.size() > max_validator_bytes ||
        entry.last_modified.size() > max_validator_bytes) {
        forget(entry.url);
        return {};
    }
    nlohmann::json j{{"url", entry.url}};
    if (!entry.etag.empty()) j["etag"] = entry.etag;
    if (!entry.last_modified.empty()) j["last_modified"] = entry.last_modified;
    if (!entry.file.empty()) {
        j["file"] = entry.file;
        j["sha256"] = entry.sha256;
        j["size"] = entry.size;
    }
    const std::string text = j.dump() + "\n";
    if (text.size() > max_entry_bytes) {
        forget(entry.url);
        return {};
    }
    // No fsync: a lost entry costs one full fetch next time, and a run of
    // 10,000 URLs should not wait on the disk 10,000 times.
    atomic_file file;
    if (file.open(path_for(entry.url)) || file.write(text) || file.commit({}, false))
        return file.error_message();
    return {};
}

void validator_cache::forget(const std::string& url) const {
    std::error_code ignored;
    fs::remove(path_for(url), ignored);
}

void add_conditional_headers(const cache_entry& entry, header_pairs& headers) {
    if (!entry.etag.empty()) headers.emplace_back("If-None-Match", entry.etag);
    if (!entry.last_modified.empty())
        headers.emplace_back("If-Modified-Since", entry.last_modified);
}

void remove_conditional_headers(header_pairs& headers) {
    std::erase_if(headers, [](const auto& h) {
        return boost::beast::iequals(h.first, "If-None-Match") ||
               boost::beast::iequals(h.first, "If-Modified-Since");
    });
}

parsed<std::string> prepare_cache_dir(const std::string& dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec || !fs::is_directory(dir, ec))
        return problem(dir + ": cannot create the cache directory (" + ec.message() + ")");
    return dir;
}

} // namespace asyncfetch::http
