// known_hosts files, loaded through the public class as a run loads them.
// Kept tiny on purpose: only the constructor reads the file.
#include "asyncfetch/ssh/known_hosts.hpp"

#include <cstdint>
#include <cstdio>
#include <string>
#include <unistd.h>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::string path = "/tmp/asyncfetch-fuzz-known_hosts-" + std::to_string(getpid());
    if (FILE* f = std::fopen(path.c_str(), "wb")) {
        std::fwrite(data, 1, size, f);
        std::fclose(f);
    }
    asyncfetch::ssh::known_hosts hosts(path, asyncfetch::ssh::host_key_policy::strict);
    std::remove(path.c_str());
    return 0;
}
