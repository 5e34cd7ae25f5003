// Small helpers that several test files use: test data and the clock.
#pragma once

#include <chrono>
#include <cstddef>
#include <initializer_list>
#include <random>
#include <string>
#include <thread>

namespace asyncfetch::testing {

// n bytes from a seeded generator: the same bytes for the same seed.
inline std::string random_bytes(std::size_t n, unsigned seed) {
    std::mt19937 gen(seed);
    std::string out(n, '\0');
    for (auto& c : out)
        c = static_cast<char>(gen() & 0xff);
    return out;
}

// An HTML page whose body is one link to each of `hrefs`.
inline std::string links_to(std::initializer_list<std::string> hrefs) {
    std::string html = "<!doctype html><html><body>";
    for (const auto& h : hrefs)
        html += "<p><a href=\"" + h + "\">link</a></p>";
    return html + "</body></html>";
}

inline double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

inline void sleep_s(double s) {
    std::this_thread::sleep_for(std::chrono::duration<double>(s));
}

} // namespace asyncfetch::testing
