#include "asyncfetch/ssh/exec.hpp"
#include "asyncfetch/ssh/sudo.hpp"

#include <doctest/doctest.h>

using namespace asyncfetch::ssh;

TEST_CASE("sudo_watcher: the password goes out once on sudo's own prompt, even split in two") {
    const std::string prompt = "[asyncfetch-sudo-0123456789abcdef] ";
    sudo_watcher w(prompt, std::string("pw"));
    CHECK(w.feed("[sudo] password for x: ").reply.empty()); // sudo's usual prompt: not ours
    CHECK(w.feed("[asyncfetch-sudo-0123").reply.empty());
    const auto answer = w.feed("456789abcdef] ");
    CHECK(answer.reply == "pw\n");
    CHECK_FALSE(answer.stop);
    CHECK(w.feed("output after the prompt\n").reply.empty());
    CHECK(w.prompts() == 1);
    CHECK_FALSE(w.wrong_password());
}

TEST_CASE("sudo_watcher: a second prompt is a wrong password (stop, never answer again)") {
    const std::string prompt = "[p] ";
    sudo_watcher w(prompt, std::string("pw"));
    CHECK(w.feed("[p] ").reply == "pw\n");
    const auto again = w.feed("Sorry, try again.\n[p] ");
    CHECK(again.stop);
    CHECK(again.reply.empty());
    CHECK(w.wrong_password());
    // Both prompts in one chunk: still no second answer.
    sudo_watcher both(prompt, std::string("pw"));
    const auto at_once = both.feed("[p] \nSorry, try again.\n[p] ");
    CHECK(at_once.stop);
    CHECK(at_once.reply.empty());
    // No password given: the first prompt stops the command.
    sudo_watcher none(prompt, std::nullopt);
    CHECK(none.feed("[p] ").stop);
    CHECK(none.password_missing());
}

TEST_CASE("sudo_command: -S without a pty, the user and the command quoted, stdin closed") {
    CHECK(sudo_command("echo 'a b'", "", "[p] ", false) ==
          "sudo -S -p '[p] ' -- sh -c 'exec </dev/null; echo '\\''a b'\\'''");
    CHECK(sudo_command("id", "web", "[p] ", true) ==
          "sudo -p '[p] ' -u 'web' -- sh -c 'exec </dev/null; id'");
    CHECK(new_sudo_prompt() != new_sudo_prompt());
}

TEST_CASE("sudo_refusal and remove_prompt") {
    CHECK(
        sudo_refusal("x\nSorry, user a is not allowed to execute '/bin/sh' as nobody on h.\r\n") ==
        "Sorry, user a is not allowed to execute '/bin/sh' as nobody on h.");
    CHECK(sudo_refusal("a is not in the sudoers file.  This incident will be reported.") ==
          "a is not in the sudoers file.  This incident will be reported.");
    CHECK_FALSE(sudo_refusal("all fine"));
    std::string text = "[p] \nout[p] ";
    remove_prompt(text, "[p] ");
    CHECK(text == "\nout");
}

TEST_CASE("input_feeder: with EOF held, input added later is sent, EOF never") {
    std::string answers;
    input_feeder feeder(answers, /*hold_eof=*/true);
    CHECK(feeder.next() == input_feeder::call::none);
    answers = "pw\n";
    feeder.extend(answers);
    CHECK(feeder.next() == input_feeder::call::write);
    CHECK(feeder.chunk() == "pw\n");
    CHECK(feeder.on_result(3));
    CHECK(feeder.next() == input_feeder::call::none);
}
