// Authentication of an open session, in OpenSSH's order: publickey (agent
// keys, then key files), keyboard-interactive, password; only the methods the
// server lists and the options allow.
#include "asyncfetch/ssh/auth_prompts.hpp"
#include "asyncfetch/ssh/error.hpp"
#include "asyncfetch/ssh/session.hpp"
#include "auth_keys.hpp"

#include <boost/asio/use_awaitable.hpp>

#include <libssh2.h>

#include <cstdlib>
#include <cstring>
#include <optional>
#include <string_view>

namespace asio = boost::asio;

namespace asyncfetch::ssh {
namespace {

constexpr auto rsa_note = " (an RSA key: libssh2 1.10 signs RSA keys only with ssh-rsa/SHA-1, "
                          "which OpenSSH 8.8 and later refuse "
                          "by default; use an ed25519 key: ssh-keygen -t ed25519)";

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
    const prompt_asker* ask;
    std::string unanswerable;
};

// libssh2's synchronous callback: answers from memory, or (--askpass) from
// the asker, which may wait for the terminal.
void answer_kbd(const char*, int, const char*, int, int num_prompts,
                const LIBSSH2_USERAUTH_KBDINT_PROMPT* prompts,
                LIBSSH2_USERAUTH_KBDINT_RESPONSE* responses, void** abstract) {
    auto* state = static_cast<kbd_state*>(*abstract);
    std::vector<kbd_prompt> asked;
    for (int i = 0; i < num_prompts; ++i)
        asked.push_back({std::string(prompts[i].text ? prompts[i].text : "", prompts[i].length),
                         prompts[i].echo != 0});
    auto round = answer_kbd_round(asked, *state->password, state->ask);
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
                                                  const auth_options& auth) {
    kbd_state state{&auth.password, &auth.ask, {}};
    // Pointed at `state` only while this call runs, even if the auth timeout ends it.
    struct pointed {
        void** abstract;
        ~pointed() { *abstract = nullptr; }
    } guard{libssh2_session_abstract(s.raw())};
    *guard.abstract = &state;
    const long rc = co_await s.retry([&] {
        return static_cast<long>(libssh2_userauth_keyboard_interactive_ex(
            s.raw(), user.c_str(), static_cast<unsigned>(user.size()), &answer_kbd));
    });
    if (rc == 0) co_return std::string();
    if (!state.unanswerable.empty())
        co_return "the server asks \"" + state.unanswerable +
            "\", which a run over many hosts cannot answer";
    if (rc != LIBSSH2_ERROR_AUTHENTICATION_FAILED) co_return s.last_error();
    co_return std::string("refused");
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
        for (const auto& given : files) {
            const auto key = expand_home(given);
            if (co_await try_certificates(*this, user, key, auth, tried)) co_return ssh_failure{};
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
        } else if (!auth.password && !auth.ask) {
            not_tried("keyboard-interactive", "no password given");
        } else {
            auto why = co_await keyboard_interactive(*this, user, auth);
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
