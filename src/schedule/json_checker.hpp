// Reading typed values out of a JSON config, each mistake recorded with its
// JSON path ("jobs[2].schedule.cron: ..."). Private to src/schedule.
#pragma once

#include "asyncfetch/core/text.hpp"
#include "asyncfetch/core/units.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace asyncfetch::schedule {

namespace fs = std::filesystem;
using json = nlohmann::json;
using keys = std::set<std::string>;

inline std::string describe(const json& v) {
    std::string text = v.dump();
    if (text.size() > 40) text = text.substr(0, 37) + "...";
    return std::string(v.type_name()) + " " + text;
}

// Reads typed values out of JSON objects, recording each mistake with its
// JSON path; a value with a mistake leaves the default in place.
class checker {
public:
    checker(std::vector<std::string>& problems, std::string file, fs::path dir)
        : problems_(problems), file_(std::move(file)), dir_(std::move(dir)) {}

    void problem(const std::string& path, const std::string& what) {
        problems_.push_back(printable(file_ + ": " + path + ": " + what));
    }
    std::size_t count() const { return problems_.size(); }

    const json* find(const json& obj, const char* key) const {
        auto it = obj.find(key);
        return it == obj.end() ? nullptr : &*it;
    }

    bool string(const json& obj, const std::string& path, const char* key, std::string& out) {
        const auto* v = find(obj, key);
        if (!v) return false;
        if (!v->is_string()) return wrong(path + "." + key, "a string", *v);
        out = v->get<std::string>();
        return true;
    }
    bool boolean(const json& obj, const std::string& path, const char* key, bool& out) {
        const auto* v = find(obj, key);
        if (!v) return false;
        if (!v->is_boolean()) return wrong(path + "." + key, "true or false", *v);
        out = v->get<bool>();
        return true;
    }
    template <class Int>
    bool integer(const json& obj, const std::string& path, const char* key, Int& out, long long lo,
                 long long hi) {
        const auto* v = find(obj, key);
        if (!v) return false;
        const auto range = std::to_string(lo) + "-" + std::to_string(hi);
        if (!v->is_number_integer()) return wrong(path + "." + key, "an integer " + range, *v);
        const auto n = v->get<long long>();
        if (n < lo || n > hi) {
            problem(path + "." + key, std::to_string(n) + " out of range " + range);
            return false;
        }
        out = static_cast<Int>(n);
        return true;
    }
    // A number of seconds, or a duration text ("1.5s", "2m").
    bool duration(const json& obj, const std::string& path, const char* key,
                  std::chrono::milliseconds& out) {
        const auto* v = find(obj, key);
        if (!v) return false;
        if (v->is_number() && v->get<double>() >= 0)
            return take(path + "." + key, seconds_duration(v->get<double>(), v->dump()), out);
        if (!v->is_string())
            return wrong(path + "." + key, "seconds or a duration such as \"90s\"", *v);
        return take(path + "." + key, parse_duration(v->get<std::string>()), out);
    }
    // A duration more than zero.
    bool timeout(const json& obj, const std::string& path, const char* key,
                 std::chrono::milliseconds& out) {
        std::chrono::milliseconds d{};
        return duration(obj, path, key, d) && take(path + "." + key, positive(d), out);
    }
    // A value read by one of the option parsers the command line uses too.
    template <class T, class Out>
    bool take(const std::string& path, parsed<T> value, Out& out) {
        if (!value) {
            problem(path, value.problem());
            return false;
        }
        out = static_cast<Out>(std::move(*value));
        return true;
    }
    // A string, or an array of strings.
    bool strings(const json& obj, const std::string& path, const char* key,
                 std::vector<std::string>& out) {
        const auto* v = find(obj, key);
        if (!v) return false;
        if (v->is_string()) {
            out = {v->get<std::string>()};
            return true;
        }
        if (!v->is_array()) return wrong(path + "." + key, "a string or an array of strings", *v);
        out.clear();
        for (std::size_t i = 0; i < v->size(); ++i) {
            if (!(*v)[i].is_string())
                return wrong(path + "." + key + "[" + std::to_string(i) + "]", "a string", (*v)[i]);
            out.push_back((*v)[i].get<std::string>());
        }
        return true;
    }
    // A path: relative ones are taken from the config file's directory.
    bool file_path(const json& obj, const std::string& path, const char* key, std::string& out) {
        if (!string(obj, path, key, out)) return false;
        out = resolve(out);
        return true;
    }
    // "~/x" is in $HOME, as in a shell; other relative paths in the config's directory.
    std::string resolve(const std::string& p) const {
        const char* home = std::getenv("HOME");
        if (p.rfind("~/", 0) == 0 && home) return (fs::path(home) / p.substr(2)).string();
        return p.empty() || fs::path(p).is_absolute() ? p : (dir_ / p).lexically_normal().string();
    }
    void unknown_keys(const json& obj, const std::string& path, const keys& allowed,
                      const std::string& what) {
        for (const auto& [key, value] : obj.items())
            if (!allowed.count(key)) problem(path, "unknown key '" + key + "' " + what);
    }

private:
    bool wrong(const std::string& path, const std::string& expected, const json& got) {
        problem(path, "expected " + expected + ", got " + describe(got));
        return false;
    }

    std::vector<std::string>& problems_;
    std::string file_;
    fs::path dir_;
};

} // namespace asyncfetch::schedule
