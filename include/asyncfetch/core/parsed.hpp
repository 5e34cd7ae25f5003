// The result of reading a value people wrote (a command-line flag, a config
// key, a line of a file): the value, or what is wrong with the text. One
// shape for every parser, so the CLI and the JSON config report a mistake the
// same way and neither has to know how the value is read.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace asyncfetch {

// What is wrong with a text: "'abc' is not a size (e.g. 512K, 64M, 1G)".
struct parse_problem {
    std::string text;
};

inline parse_problem problem(std::string text) {
    return {std::move(text)};
}

template <class T>
class parsed {
public:
    parsed(T value) : result_(std::in_place_index<0>, std::move(value)) {}
    parsed(parse_problem why) : result_(std::in_place_index<1>, std::move(why)) {}

    bool ok() const { return result_.index() == 0; }
    explicit operator bool() const { return ok(); }

    const T& value() const& { return std::get<0>(result_); }
    T& value() & { return std::get<0>(result_); }
    T&& value() && { return std::get<0>(std::move(result_)); }
    const T& operator*() const& { return value(); }
    T& operator*() & { return value(); }
    const T* operator->() const { return &value(); }

    // Empty when the value was read.
    const std::string& problem() const {
        static const std::string none;
        return ok() ? none : std::get<1>(result_).text;
    }

private:
    std::variant<T, parse_problem> result_;
};

} // namespace asyncfetch
