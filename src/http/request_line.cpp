#include "asyncfetch/http/request_line.hpp"

#include "asyncfetch/http/url.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sys/stat.h>

namespace asyncfetch::http {
namespace {

using input_json = nlohmann::json;

std::string describe(const input_json& v) {
    std::string text = v.dump();
    if (text.size() > 40) text = text.substr(0, 37) + "...";
    return std::string(v.type_name()) + " " + text;
}

parse_problem wrong(const std::string& path, const std::string& expected, const input_json& got) {
    return problem(path + ": expected " + expected + ", got " + describe(got));
}

} // namespace

parsed<request_line> parse_request_line(std::string_view text) {
    const input_json j = input_json::parse(text, nullptr, false);
    if (j.is_discarded()) return problem("not a JSON object (a request line starts with '{')");
    if (!j.is_object()) return problem("expected a JSON object, got " + describe(j));
    request_line out;
    for (const auto& [key, value] : j.items()) {
        if (key == "url") {
            if (!value.is_string()) return wrong("url", "a string", value);
            out.req.url = value.get<std::string>();
            if (auto url = parse_url(out.req.url); !url)
                return problem("url: invalid URL '" + out.req.url + "': " + url.problem());
        } else if (key == "method") {
            if (!value.is_string()) return wrong("method", "a string", value);
            auto method = parse_method(value.get<std::string>());
            if (!method) return problem("method: " + method.problem());
            out.req.method = std::move(*method);
        } else if (key == "headers") {
            if (!value.is_object())
                return wrong("headers", "an object such as {\"Accept\": \"text/html\"}", value);
            for (const auto& [name, v] : value.items()) {
                if (!v.is_string()) return wrong("headers." + name, "a string", v);
                if (auto why = header_problem(name, v.get_ref<const std::string&>()))
                    return problem("headers." + name + ": " + *why);
                out.req.headers.emplace_back(name, v.get<std::string>());
            }
        } else if (key == "body") {
            if (value.is_string()) {
                out.req.body = value.get<std::string>();
            } else {
                out.req.body = value.dump();
                out.req.headers.emplace(out.req.headers.begin(), "Content-Type",
                                        "application/json");
            }
        } else if (key == "body_file") {
            if (!value.is_string() || value.get<std::string>().empty())
                return wrong("body_file", "a file name", value);
            out.body_file = value.get<std::string>();
        } else if (key == "id") {
            if (!value.is_string() && !value.is_number())
                return wrong("id", "a string or a number", value);
            out.id = value;
        } else {
            return problem("unknown key '" + key +
                           "' (a request has url, method, headers, body or body_file, id)");
        }
    }
    if (out.req.url.empty()) return problem("url: missing (every request names its URL)");
    if (j.contains("body") && j.contains("body_file"))
        return problem("body_file: give body or body_file, not both");
    if (!j.contains("method")) out.req.method.clear();
    out.has_body = j.contains("body") || j.contains("body_file");
    return out;
}

parsed<std::string> read_body_file(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        return problem("cannot read '" + path + "': " + std::strerror(errno));
    if (!S_ISREG(st.st_mode)) return problem("'" + path + "' is not a regular file");
    if (static_cast<std::uint64_t>(st.st_size) > max_request_body)
        return problem("'" + path + "' is larger than " + std::to_string(max_request_body >> 20) +
                       " MiB");
    std::ifstream in(path, std::ios::binary);
    std::string body(static_cast<std::size_t>(st.st_size), '\0');
    if (!in.read(body.data(), static_cast<std::streamsize>(body.size())))
        return problem("cannot read '" + path + "'");
    return body;
}

parsed<std::string> read_data(const std::string& spec) {
    if (!spec.starts_with('@')) return spec;
    if (spec != "@-") return read_body_file(spec.substr(1));
    std::string body;
    char chunk[65536];
    while (std::cin.read(chunk, sizeof chunk) || std::cin.gcount() > 0) {
        body.append(chunk, static_cast<std::size_t>(std::cin.gcount()));
        if (body.size() > max_request_body)
            return problem("standard input is larger than " +
                           std::to_string(max_request_body >> 20) + " MiB");
    }
    return body;
}

} // namespace asyncfetch::http
