#include "tools/tls_files.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace asyncfetch::testing {

temp_dir::temp_dir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "asyncfetch-test-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
}

temp_dir::~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

std::string temp_dir::write(const std::string& name, const std::string& text) const {
    const auto p = file(name);
    std::ofstream(p, std::ios::binary) << text;
    return p;
}

void make_test_ca(const tls_files& files) {
    const std::string cmd =
        std::string(ASYNCFETCH_SOURCE_DIR) + "/tests/tools/make-test-ca.sh " + files.dir.path();
    if (std::system(cmd.c_str()) != 0) throw std::runtime_error("make-test-ca.sh failed");
}

} // namespace asyncfetch::testing
