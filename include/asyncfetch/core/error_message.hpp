// An exception's message as a user reads it. Boost's system_error::what()
// appends "[system:111 at /usr/include/boost/asio/...]" (the category, the
// value and the source line in Boost): asyncfetch's messages stop at the
// error's own text, "127.0.0.1:6379: Connection refused".
#pragma once

#include <boost/system/system_error.hpp>

#include <exception>
#include <string>

namespace asyncfetch {

inline std::string error_message(const std::exception& e) {
    const auto* system = dynamic_cast<const boost::system::system_error*>(&e);
    if (!system) return e.what();
    // Boost builds what() as "CONTEXT: " + code().what(), and code().what() is
    // "MESSAGE [CATEGORY:VALUE at FILE:LINE in function ...]": keep CONTEXT and MESSAGE.
    const std::string full = system->what();
    const std::string tail = system->code().what();
    const auto message = system->code().message();
    if (full.size() < tail.size() ||
        full.compare(full.size() - tail.size(), tail.size(), tail) != 0)
        return full;
    auto context = full.substr(0, full.size() - tail.size());
    if (context.size() >= 2 && context.compare(context.size() - 2, 2, ": ") == 0)
        context.resize(context.size() - 2);
    return context.empty() ? message : context + ": " + message;
}

} // namespace asyncfetch
