// Authentication of an open session, in OpenSSH's order: publickey (agent
// keys, then key files), keyboard-interactive, password; only the methods the
// server lists and the options allow.
#include "asyncfetch/ssh/auth_prompts.hpp"
#include "asyncfetch/ssh/error.hpp"
#include "asyncfetch/ssh/keys.hpp"
#include "asyncfetch/ssh/session.hpp"

#include <boost/asio/use_awaitable.hpp>

#include <libssh2.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string_view>

namespace asio = boost::asio;

namespace asyncfetch::ssh {
namespace {

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

constexpr auto rsa_note = " (an RSA key: libssh2 1.10 signs RSA keys only with ssh-rsa/SHA-1, "
                          "which OpenSSH 8.8 and later refuse "
                          "by default; use an ed25519 key: ssh-keygen -t ed25519)";

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

// Whether the server's comma-separated method list names `method`.
bool lists(const std::string& methods, std::string_view method) {
    std::size_t start = 0;
    while (start <= methods.size()) {
        auto end = methods.find(',', start);
        if (end == std::string::npos) end = methods.size();
        if (std::string_view(methods).substr(start, end - start) == method) return true;
        start = end + 1;
    }
    return false;
}

// What the keyboard-interactive callback reads and leaves, through the
// session's abstract pointer (libssh2 passes no other).
struct kbd_state {
    const std::optional<std::string>* password;
    std::string unanswerable;
};

// libssh2's synchronous callback: answers from memory, never blocks or prompts.
void answer_kbd(const char*, int, const char*, int, int num_prompts,
                const LIBSSH2_USERAUTH_KBDINT_PROMPT* prompts,
                LIBSSH2_USERAUTH_KBDINT_RESPONSE* responses, void** abstract) {
    auto* state = static_cast<kbd_state*>(*abstract);
    std::vector<kbd_prompt> asked;
    for (int i = 0; i < num_prompts; ++i)
        asked.push_back({std::string(prompts[i].text ? prompts[i].text : "", prompts[i].length),
                         prompts[i].echo != 0});
    auto round = answer_kbd_round(asked, *state->password);
    if (state->unanswerable.empty()) state->unanswerable = std::move(round.unanswerable);
    for (int i = 0; i < num_prompts; ++i) {
        const auto& answer = round.answers[static_cast<std::size_t>(i)];
        // libssh2 frees each answer with its default allocator (free).
        responses[i].text = static_cast<char*>(std::malloc(answer.size() + 1));
        responses[i].length = 0;
        if (!responses[i].text) continue;
        std::memcpy(responses[i].text, answer.data(), answer.size());
        responses[i].length = static_cast<unsigned>(answer.size());
    }
}

// Keyboard-interactive with the password; empty on success, else why not.
asio::awaitable<std::string> keyboard_interactive(session& s, const std::string& user,
                                                  const std::optional<std::string>& password) {
    kbd_state state{&password, {}};
    void** abstract = libssh2_session_abstract(s.raw());
    *abstract = &state;
    const long rc = co_await s.retry([&] {
        return static_cast<long>(libssh2_userauth_keyboard_interactive_ex(
            s.raw(), user.c_str(), static_cast<unsigned>(user.size()), &answer_kbd));
    });
    *abstract = nullptr;
    if (rc == 0) co_return std::string();
    if (!state.unanswerable.empty())
        co_return "the server asks \"" + state.unanswerable +
            "\", which a run over many hosts cannot answer";
    co_return std::string("refused");
}

// Why libssh2 could not load a key file, in the user's terms.
std::string why_unloadable(const std::string& path, bool have_passphrase) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return "no such file";
    if (encryption_of(read_key_file(path)) == key_encryption::none)
        return "unreadable, or not a private key libssh2 reads";
    if (!have_passphrase)
        return "encrypted, and no passphrase given (--passphrase-env VAR or --ask-passphrase)";
    return "the passphrase given does not decrypt it";
}

// One key file: libssh2's return code (0: accepted).
asio::awaitable<long> try_key_file(session& s, const std::string& user, const std::string& key,
                                   const std::optional<std::string>& passphrase) {
    if (auto signer = cached_ed25519_signer(key)) {
        // Parsed once per run; signs through libssh2's callback.
        void* abstract = const_cast<ed25519_signer*>(signer.get());
        const auto& blob = signer->public_blob();
        co_return co_await s.retry([&] {
            return static_cast<long>(libssh2_userauth_publickey(
                s.raw(), user.c_str(), reinterpret_cast<const unsigned char*>(blob.data()),
                blob.size(), &sign_with_cached_key, &abstract));
        });
    }
    if (passphrase) {
        // An encrypted PEM or PKCS#8 key: decrypted once per run, loaded from memory.
        const auto decrypted = cached_decrypted_key(key, *passphrase);
        const bool openssl_reads =
            decrypted.format == key_encryption::pem || decrypted.format == key_encryption::pkcs8;
        if (openssl_reads && !decrypted.pem) co_return LIBSSH2_ERROR_FILE;
        if (openssl_reads) {
            const auto& pem = *decrypted.pem;
            co_return co_await s.retry([&] {
                return static_cast<long>(libssh2_userauth_publickey_frommemory(
                    s.raw(), user.c_str(), user.size(), nullptr, 0, pem.data(), pem.size(), ""));
            });
        }
    }
    // Any other key, OpenSSH-format encrypted ones included (libssh2 alone
    // has their bcrypt_pbkdf): libssh2 reads and decrypts the file each time.
    co_return co_await s.retry([&] {
        return static_cast<long>(libssh2_userauth_publickey_fromfile_ex(
            s.raw(), user.c_str(), static_cast<unsigned>(user.size()), nullptr, key.c_str(),
            passphrase ? passphrase->c_str() : nullptr));
    });
}

} // namespace

asio::awaitable<ssh_failure> session::authenticate(const host_spec& host,
                                                   const auth_options& auth) {
    const std::string& user = host.user;
    const auto user_len = static_cast<unsigned>(user.size());
    // Which methods the server offers (a NULL list with success means "none" was enough).
    const char* methods = nullptr;
    const long listed = co_await retry([&] {
        methods = libssh2_userauth_list(session_, user.c_str(), user_len);
        return methods ? 0L : static_cast<long>(libssh2_session_last_errno(session_));
    });
    if (!methods) {
        if (libssh2_userauth_authenticated(session_)) co_return ssh_failure{};
        co_return ssh_failure{libssh2_error(static_cast<int>(listed)),
                              "auth " + host.display() + ": " + last_error()};
    }
    const std::string offered = methods;

    // What each offered method came to, in order: "METHOD (why not)".
    std::vector<std::string> tried;
    bool rsa_refused = false;
    const auto not_tried = [&](const char* method, const char* why) {
        tried.push_back(std::string(method) + " (not tried: " + why + ")");
    };

    if (lists(offered, "publickey") && !auth.use_keys) {
        not_tried("publickey", "PubkeyAuthentication no");
    } else if (lists(offered, "publickey")) {
        // 1. Keys held by ssh-agent. (Agent I/O is a local UNIX socket, done by libssh2 itself.)
        if (auth.use_agent && std::getenv("SSH_AUTH_SOCK")) {
            LIBSSH2_AGENT* agent = libssh2_agent_init(session_);
            int keys = 0;
            bool ok = false, reached = false;
            if (agent && libssh2_agent_connect(agent) == 0 &&
                libssh2_agent_list_identities(agent) == 0) {
                reached = true;
                libssh2_agent_publickey* identity = nullptr;
                libssh2_agent_publickey* previous = nullptr;
                while (!ok && libssh2_agent_get_identity(agent, &identity, previous) == 0) {
                    ++keys;
                    const long rc = co_await retry([&] {
                        return static_cast<long>(
                            libssh2_agent_userauth(agent, user.c_str(), identity));
                    });
                    ok = rc == 0;
                    previous = identity;
                }
                libssh2_agent_disconnect(agent);
            }
            if (agent) libssh2_agent_free(agent);
            if (ok) co_return ssh_failure{};
            tried.push_back(reached ? "agent (" + std::to_string(keys) + " keys, all refused)"
                                    : std::string("agent (cannot reach it at SSH_AUTH_SOCK)"));
        }
        // 2. Key files: -i, else the usual ~/.ssh/id_* files.
        const auto files = auth.identity_files.empty() ? default_identities() : auth.identity_files;
        if (files.empty())
            tried.push_back("publickey (no key: no -i, and no ~/.ssh/id_ed25519, id_ecdsa or "
                            "id_rsa)");
        for (const auto& key : files) {
            const long rc = co_await try_key_file(*this, user, key, auth.passphrase);
            if (rc == 0) co_return ssh_failure{};
            if (rc == LIBSSH2_ERROR_FILE) {
                tried.push_back("key " + key + " (cannot load it: " +
                                why_unloadable(key, auth.passphrase.has_value()) + ")");
            } else if (rc == LIBSSH2_ERROR_PUBLICKEY_UNVERIFIED ||
                       rc == LIBSSH2_ERROR_AUTHENTICATION_FAILED) {
                const bool rsa = is_rsa_key(key);
                rsa_refused = rsa_refused || rsa;
                tried.push_back("key " + key + (rsa ? " (refused; RSA)" : " (refused)"));
            } else {
                tried.push_back("key " + key + " (" + last_error() + ")");
            }
        }
    }
    // 3. Keyboard-interactive (PAM, typically): password prompts get the password.
    if (lists(offered, "keyboard-interactive")) {
        if (!auth.use_kbd_interactive) {
            not_tried("keyboard-interactive", "KbdInteractiveAuthentication no");
        } else if (!auth.password) {
            not_tried("keyboard-interactive", "no password given");
        } else {
            auto why = co_await keyboard_interactive(*this, user, auth.password);
            if (why.empty()) co_return ssh_failure{};
            tried.push_back("keyboard-interactive (" + why + ")");
        }
    }
    // 4. A password, when one was given (never asked for here).
    if (lists(offered, "password")) {
        if (!auth.use_password) {
            not_tried("password", "PasswordAuthentication no");
        } else if (!auth.password) {
            not_tried("password", "no password given");
        } else {
            const long rc = co_await retry([&] {
                return static_cast<long>(libssh2_userauth_password_ex(
                    session_, user.c_str(), user_len, auth.password->c_str(),
                    static_cast<unsigned>(auth.password->size()), nullptr));
            });
            if (rc == 0) co_return ssh_failure{};
            if (rc == LIBSSH2_ERROR_PASSWORD_EXPIRED)
                tried.push_back("password (expired: the server wants it changed first)");
            else if (rc == LIBSSH2_ERROR_AUTHENTICATION_FAILED)
                tried.push_back("password (refused)");
            else
                tried.push_back("password (" + last_error() + ")");
        }
    }

    std::string message =
        "auth " + host.display() + ": no method succeeded; server offers " + offered + "; tried ";
    if (tried.empty()) message += "nothing asyncfetch supports";
    for (std::size_t i = 0; i < tried.size(); ++i)
        message += (i ? "; " : "") + tried[i];
    if ((lists(offered, "password") || lists(offered, "keyboard-interactive")) && !auth.password) {
        message +=
            "; for password auth use --password-env VAR, --password-file FILE or --ask-password";
    }
    if (rsa_refused) message += rsa_note;
    co_return ssh_failure{make_error_code(ssh_errc::auth_failed), message};
}

} // namespace asyncfetch::ssh
