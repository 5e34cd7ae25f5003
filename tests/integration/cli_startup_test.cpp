// What a process reads at start-up, seen from outside with strace: a run of
// http:// URLs never touches the CA store, and an https:// run looks its
// CAs up one at a time in the hashed directory instead of loading the
// system's bundle whole (~250M instructions).
#include "asyncfetch/testserver/server.hpp"
#include "tools/process.hpp"
#include "tools/skip.hpp"
#include "tools/tls_files.hpp"

#include <doctest/doctest.h>
#include <openssl/x509.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace asyncfetch;
using namespace asyncfetch::testing;

namespace {

// The files asyncfetch opened or looked at while fetching `url` with
// `flags`, one strace line each; `env`: env(1)'s arguments for the child.
struct traced_run {
    run_result result;
    std::string trace;
};
traced_run traced_fetch(const tls_files& files, const std::string& url,
                        std::vector<std::string> flags, std::vector<std::string> env = {}) {
    const auto trace_path = files.dir.file("strace.txt");
    // LeakSanitizer cannot run under ptrace: in a sanitizer build the traced
    // child would fail at exit.
    std::vector<std::string> argv{"env"};
    argv.insert(argv.end(), env.begin(), env.end());
    argv.push_back("ASAN_OPTIONS=detect_leaks=0"); // after env's own options
    for (const auto& word :
         std::vector<std::string>{"strace", "-f", "-qq", "-o", trace_path, "-e",
                                  "trace=open,openat,stat,newfstatat,statx,access"})
        argv.push_back(word);
    auto cmd = asyncfetch_cmd({"-", "-q", "--retries", "0"});
    argv.insert(argv.end(), cmd.begin(), cmd.end());
    argv.insert(argv.end(), flags.begin(), flags.end());
    traced_run r{run(argv, url + "\n"), read_file(trace_path)};
    return r;
}

bool strace_works() {
    return run({"strace", "-f", "-qq", "-o", "/dev/null", "true"}, "", 10).status == 0;
}

bool mentions(const std::string& trace, const std::string& what) {
    return trace.find(what) != std::string::npos;
}

// A line of the trace opens `what` (a stat, as a comparison of paths makes, is no load).
bool opens(const std::string& trace, const std::string& what) {
    for (const auto& line : lines_of(trace))
        if (mentions(line, "open") && mentions(line, what)) return true;
    return false;
}

} // namespace

TEST_CASE("an http:// run never opens the CA store, nor anything of OpenSSL's") {
    if (!strace_works() && skip_test("strace cannot trace here")) return;
    tls_files files;
    testserver::server server(testserver::server_options{});
    const auto url = "http://127.0.0.1:" + std::to_string(server.port()) + "/bytes/10";
    const auto r = traced_fetch(files, url, {});
    CHECK_MESSAGE(r.result.status == 0, r.result.err);
    REQUIRE(mentions(r.trace, "open")); // the trace caught the run's opens
    CHECK_MESSAGE(!mentions(r.trace, "/etc/ssl"), r.trace);
    CHECK_MESSAGE(!mentions(r.trace, "/usr/lib/ssl"), r.trace);
    CHECK_MESSAGE(!mentions(r.trace, "ca-certificates"), r.trace);
}

TEST_CASE("an https:// run looks its CAs up in the hashed directory, not the system's bundle") {
    if (!strace_works() && skip_test("strace cannot trace here")) return;
    tls_files files;
    make_test_ca(files);
    testserver::server_options o;
    o.address = "127.0.0.1";
    o.cert_file = files.server_cert();
    o.key_file = files.server_key();
    testserver::server server(o);
    const auto url = "https://localhost:" + std::to_string(server.port()) + "/bytes/10";

    // The test CA in a directory of its own under its c_rehash name.
    const auto cas = files.dir.file("cas");
    std::filesystem::create_directory(cas);
    std::filesystem::copy_file(files.ca_cert(), cas + "/test-ca.pem");
    REQUIRE(std::system(("openssl rehash " + cas + " >/dev/null 2>&1").c_str()) == 0);

    // The system's directory: the test CA is not there, the record says so.
    // SSL_CERT_FILE naming the system's bundle (as some environments set
    // it) changes nothing: the directory holds the same CAs.
    const std::string bundle = X509_get_default_cert_file();
    const auto system =
        traced_fetch(files, url, {}, {"-u", "SSL_CERT_DIR", "SSL_CERT_FILE=" + bundle});
    CHECK(system.result.status == 1);
    CHECK_MESSAGE(mentions(system.result.out, "certificate verify failed"), system.result.out);
    CHECK_MESSAGE(!opens(system.trace, bundle), system.trace);
    CHECK_MESSAGE(!opens(system.trace, "ca-certificates.crt"), system.trace);
    CHECK_MESSAGE(mentions(system.trace, std::string(X509_get_default_cert_dir()) + "/"),
                  system.trace);

    // SSL_CERT_DIR names the directory: the CA found by its hash verifies.
    const auto found = traced_fetch(files, url, {}, {"SSL_CERT_DIR=" + cas});
    CHECK_MESSAGE(found.result.status == 0, (found.result.out + found.result.err));
    CHECK_MESSAGE(mentions(found.trace, cas + "/"), found.trace);
    CHECK_MESSAGE(!opens(found.trace, "ca-certificates.crt"), found.trace);
}
