// A test CA and a server certificate for "localhost", made at test time.
#pragma once

#include <string>

namespace asyncfetch::testing {

// A fresh directory under /tmp, removed with everything in it on destruction.
class temp_dir {
public:
    temp_dir();
    ~temp_dir();
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
    const std::string& path() const noexcept { return path_; }
    std::string file(const std::string& name) const { return path_ + "/" + name; }
    // Writes `text` to path()/name and returns the full path.
    std::string write(const std::string& name, const std::string& text) const;

private:
    std::string path_;
};

struct tls_files {
    temp_dir dir;
    std::string ca_cert() const { return dir.file("ca.pem"); }
    std::string server_cert() const { return dir.file("server.pem"); }
    std::string server_key() const { return dir.file("server.key"); }
};

// Runs tests/tools/make-test-ca.sh into a new temp dir; throws on failure.
void make_test_ca(const tls_files& files);

} // namespace asyncfetch::testing
