// A Redis reply (RESP), as hiredis's reader builds it for a connection.
#pragma once

#include <string>
#include <vector>

namespace asyncfetch::redis {

struct reply {
    enum kind { nil, string, integer, array, status, error } type = nil;
    std::string str; // string, status, error
    long long number = 0;
    std::vector<reply> elements;

    bool is_error() const noexcept { return type == error; }
};

} // namespace asyncfetch::redis
