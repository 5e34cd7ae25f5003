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

TEST_CASE("kbd prompts: with an asker (--askpass) the other prompts get its answers, the "
          "password prompt still the password") {
    std::vector<std::string> asked;
    const prompt_asker ask = [&](const kbd_prompt& p) -> std::optional<std::string> {
        asked.push_back(p.text);
        if (p.text == "Refuse: ") return std::nullopt;
        return "123456";
    };
    const auto r = answer_kbd_round(
        {{"Password: ", false}, {"Verification code: ", false}, {"Refuse: ", true}},
        std::string("pw"), &ask);
    CHECK(r.answers == std::vector<std::string>{"pw", "123456", ""});
    CHECK(asked == std::vector<std::string>{"Verification code: ", "Refuse: "});
    CHECK(r.unanswerable == "Refuse:");
    // Without a password the asker gets the password prompt too.
    const auto no_pw = answer_kbd_round({{"Password: ", false}}, std::nullopt, &ask);
    CHECK(no_pw.answers == std::vector<std::string>{"123456"});
}
