#include "asyncfetch/core/secret_source.hpp"

#include <cstdlib>
#include <fstream>

namespace asyncfetch {

parsed<std::string> secret_from_env(const std::string& name) {
    if (const char* v = std::getenv(name.c_str())) return std::string(v);
    return problem("environment variable " + name + " is not set");
}

parsed<std::string> secret_from_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) return problem("cannot read '" + path + "'");
    std::string line;
    std::getline(in, line);
    return line;
}

} // namespace asyncfetch
