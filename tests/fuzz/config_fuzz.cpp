// `asyncfetch run` configs: the JSON syntax check and the checker that names
// every mistake by its JSON path, through load_config as the command calls it.
// The config lives in a private directory so that relative target files
// resolve there.
#include "asyncfetch/schedule/config.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {

const fs::path& config_dir() {
    static const fs::path dir = [] {
        auto d = fs::temp_directory_path() / ("asyncfetch-fuzz-config-" + std::to_string(getpid()));
        fs::create_directories(d);
        return d;
    }();
    return dir;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto path = (config_dir() / "config.json").string();
    if (FILE* f = std::fopen(path.c_str(), "wb")) {
        std::fwrite(data, 1, size, f);
        std::fclose(f);
    }
    const auto loaded = asyncfetch::schedule::load_config(path);
    // Exactly one of the two: a config, or what is wrong with it.
    if (loaded.value.has_value() == !loaded.problems.empty()) std::abort();
    return 0;
}
