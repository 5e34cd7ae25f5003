// Which keyboard-interactive prompts get the password, and which fail the host.
#include "asyncfetch/ssh/auth_prompts.hpp"

#include <doctest/doctest.h>

using namespace asyncfetch::ssh;

TEST_CASE("kbd prompts: a hidden prompt naming the password, in any case, is a password prompt") {
    CHECK(is_password_prompt("Password: ", false));
    CHECK(is_password_prompt("(user@web1) PASSWORD:", false));
    CHECK(is_password_prompt("Enter your LDAP password", false));
}

TEST_CASE("kbd prompts: an echoed prompt, an OTP, a code, a password change are not") {
    CHECK_FALSE(is_password_prompt("Password: ", true));
    CHECK_FALSE(is_password_prompt("Verification code: ", false));
    CHECK_FALSE(is_password_prompt("One-time password (OATH) for `user': ", false));
    CHECK_FALSE(is_password_prompt("OTP password: ", false));
    CHECK_FALSE(is_password_prompt("New password: ", false));
    CHECK_FALSE(is_password_prompt("Retype new password: ", false));
}

TEST_CASE("kbd prompts: password prompts get the password, no prompt gets nothing") {
    const auto r = answer_kbd_round({{"Password: ", false}}, std::string("s3cret"));
    CHECK(r.answers == std::vector<std::string>{"s3cret"});
    CHECK(r.unanswerable.empty());
    const auto none = answer_kbd_round({}, std::string("s3cret"));
    CHECK(none.answers.empty());
    CHECK(none.unanswerable.empty());
}

TEST_CASE("kbd prompts: another prompt gets an empty answer and is named, made printable") {
    const auto r =
        answer_kbd_round({{"Password: ", false}, {"Code\x1b[2J: ", false}}, std::string("pw"));
    CHECK(r.answers == std::vector<std::string>{"pw", ""});
    CHECK(r.unanswerable == "Code\\x1b[2J:");
}

TEST_CASE("kbd prompts: without a password even a password prompt cannot be answered") {
    const auto r = answer_kbd_round({{"Password: ", false}}, std::nullopt);
    CHECK(r.answers == std::vector<std::string>{""});
    CHECK(r.unanswerable == "Password:");
}
