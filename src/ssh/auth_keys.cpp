#include "auth_keys.hpp"

#include "asyncfetch/core/text.hpp"
#include "asyncfetch/ssh/keys.hpp"
#include "asyncfetch/ssh/openssh_key.hpp"

#include <boost/asio/use_awaitable.hpp>

#include <libssh2.h>
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace asio = boost::asio;

namespace asyncfetch::ssh {
namespace {

// libssh2's signing callback for keys parsed by keys.cpp: the raw signature,
// in memory libssh2 frees with its default allocator (free).
int sign_with_cached_key(LIBSSH2_SESSION*, unsigned char** sig, std::size_t* sig_len,
                         const unsigned char* data, std::size_t data_len, void** abstract) {
    const auto* signer = static_cast<const ed25519_signer*>(*abstract);
    const auto signature = signer->sign({reinterpret_cast<const char*>(data), data_len});
    if (signature.empty()) return -1;
    *sig = static_cast<unsigned char*>(std::malloc(signature.size()));
    if (!*sig) return -1;
    std::memcpy(*sig, signature.data(), signature.size());
    *sig_len = signature.size();
    return 0;
}

// Offers a key parsed once per run, signing through libssh2's callback.
asio::awaitable<long> offer_signer(session& s, const std::string& user,
                                   std::shared_ptr<const ed25519_signer> signer) {
    void* abstract = const_cast<ed25519_signer*>(signer.get());
    const auto& blob = signer->public_blob();
    co_return co_await s.retry([&] {
        return static_cast<long>(libssh2_userauth_publickey(
            s.raw(), user.c_str(), reinterpret_cast<const unsigned char*>(blob.data()), blob.size(),
            &sign_with_cached_key, &abstract));
    });
}

} // namespace

std::vector<std::string> default_identities() {
    std::vector<std::string> out;
    const char* home = std::getenv("HOME");
    if (!home) return out;
    for (const char* name : {"id_ed25519", "id_ecdsa", "id_rsa"}) {
        const auto path = std::string(home) + "/.ssh/" + name;
        if (std::filesystem::exists(path)) out.push_back(path);
    }
    return out;
}

// "~/k" in $HOME (as -i's default files, and as a shell would), "~user/k"
// in that user's home: -i given in quotes or in a JSON config or a worker's job.
std::string expand_home(const std::string& path) {
    if (!path.starts_with("~")) return path;
    const auto slash = path.find('/');
    const auto name = path.substr(1, slash == std::string::npos ? std::string::npos : slash - 1);
    const char* home = nullptr;
    if (name.empty()) home = std::getenv("HOME");
    if (!home || !*home) {
        const passwd* pw = name.empty() ? ::getpwuid(::getuid()) : ::getpwnam(name.c_str());
        home = pw ? pw->pw_dir : nullptr;
    }
    if (!home) return path; // an unknown user: "no such file" names it as given
    return std::string(home) + (slash == std::string::npos ? "" : path.substr(slash));
}

// An RSA private key, whatever its file format.
bool is_rsa_key(const std::string& path) {
    std::ifstream in(path);
    std::string first;
    std::getline(in, first);
    if (first.find("RSA PRIVATE KEY") != std::string::npos) return true;
    std::ifstream pub(path + ".pub");
    std::string type;
    pub >> type;
    return type == "ssh-rsa";
}

// Why libssh2 could not load a key file, in the user's terms.
std::string why_unloadable(const std::string& path, bool have_passphrase) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return "no such file";
    const auto text = read_key_file(path);
    const auto format = encryption_of(text);
    if (format == key_encryption::none) return "unreadable, or not a private key libssh2 reads";
    if (!have_passphrase)
        return "encrypted, and no passphrase given (--passphrase-env VAR or --ask-passphrase)";
    if (format == key_encryption::openssh && !parse_openssh_key_file(text))
        return "a damaged OpenSSH key, or one with more bcrypt rounds (ssh-keygen -a) than " +
               std::to_string(openssh_max_rounds);
    return "the passphrase given does not decrypt it";
}

// One key file: libssh2's return code (0: accepted).
asio::awaitable<long> try_key_file(session& s, const std::string& user, const std::string& key,
                                   const std::optional<std::string>& passphrase) {
    if (auto signer = cached_ed25519_signer(key)) co_return co_await offer_signer(s, user, signer);
    if (passphrase) {
        // An encrypted key: decrypted once per run, then signing through the
        // callback (ed25519) or loaded from memory.
        const auto decrypted = cached_decrypted_key(key, *passphrase);
        if (decrypted.signer) co_return co_await offer_signer(s, user, decrypted.signer);
        const bool decrypted_here =
            decrypted.format != key_encryption::none && !decrypted.left_to_libssh2;
        if (decrypted_here && !decrypted.pem) co_return LIBSSH2_ERROR_FILE;
        if (decrypted_here) {
            const auto& pem = *decrypted.pem;
            co_return co_await s.retry([&] {
                return static_cast<long>(libssh2_userauth_publickey_frommemory(
                    s.raw(), user.c_str(), user.size(), nullptr, 0, pem.data(), pem.size(), ""));
            });
        }
    }
    // Any other key (an RSA or ECDSA key unencrypted, or one in a cipher
    // decrypted only by libssh2): libssh2 reads the file each time.
    co_return co_await s.retry([&] {
        return static_cast<long>(libssh2_userauth_publickey_fromfile_ex(
            s.raw(), user.c_str(), static_cast<unsigned>(user.size()), nullptr, key.c_str(),
            passphrase ? passphrase->c_str() : nullptr));
    });
}

asio::awaitable<bool> try_certificates(session& s, const std::string& user, const std::string& key,
                                       const auth_options& auth, std::vector<std::string>& tried) {
    std::vector<std::string> certs;
    std::error_code ec;
    if (std::filesystem::exists(key + "-cert.pub", ec)) certs.push_back(key + "-cert.pub");
    for (const auto& given : auth.certificate_files) {
        const auto cert = expand_home(given);
        if (std::find(certs.begin(), certs.end(), cert) == certs.end()) certs.push_back(cert);
    }
    for (const auto& cert : certs) {
        std::ifstream in(cert);
        std::string type;
        if (!(in >> type)) {
            tried.push_back("certificate " + cert + " (cannot read it)");
            continue;
        }
        if (!type.ends_with("-cert-v01@openssh.com")) {
            tried.push_back("certificate " + cert + " (not an OpenSSH certificate)");
            continue;
        }
        // libssh2 1.10 has certificate methods for ECDSA keys only.
        if (!type.starts_with("ecdsa-sha2-nistp")) {
            tried.push_back("certificate " + cert + " (libssh2 1.10 uses ECDSA user certificates " +
                            "only, not " + printable(type.substr(0, 64)) + ")");
            continue;
        }
        const long rc = co_await s.retry([&] {
            return static_cast<long>(libssh2_userauth_publickey_fromfile_ex(
                s.raw(), user.c_str(), static_cast<unsigned>(user.size()), cert.c_str(),
                key.c_str(), auth.passphrase ? auth.passphrase->c_str() : nullptr));
        });
        if (rc == 0) co_return true;
        tried.push_back("certificate " + cert + " with key " + key +
                        (rc == LIBSSH2_ERROR_FILE ? " (cannot load them: not this key's "
                                                    "certificate, or the key unreadable)"
                                                  : " (refused)"));
    }
    co_return false;
}

} // namespace asyncfetch::ssh
