#include "asyncfetch/ssh/sftp_sync.hpp"

#include <doctest/doctest.h>

using namespace asyncfetch::ssh;

TEST_CASE("decide_copy: without --update or --checksum every file is sent") {
    const transfer_options plain;
    CHECK(decide_copy(plain, {10, 100}, file_facts{10, 100}) == copy_action::copy);
    CHECK(decide_copy(plain, {10, 100}, std::nullopt) == copy_action::copy);
}

TEST_CASE("decide_copy: --update leaves a copy of the same size and second alone") {
    transfer_options o;
    o.update = true;
    CHECK(decide_copy(o, {10, 100}, file_facts{10, 100}) == copy_action::unchanged);
    CHECK(decide_copy(o, {10, 100}, file_facts{10, 101}) == copy_action::copy);
    CHECK(decide_copy(o, {10, 100}, file_facts{11, 100}) == copy_action::copy);
    CHECK(decide_copy(o, {10, 100}, std::nullopt) == copy_action::copy);
}

TEST_CASE("decide_copy: --checksum compares content whenever the sizes match, whatever the mtime") {
    transfer_options o;
    o.checksum = true;
    CHECK(decide_copy(o, {10, 100}, file_facts{10, 100}) == copy_action::compare_content);
    CHECK(decide_copy(o, {10, 100}, file_facts{10, 5}) == copy_action::compare_content);
    CHECK(decide_copy(o, {10, 100}, file_facts{9, 100}) == copy_action::copy);
    o.update = true; // both: the content decides
    CHECK(decide_copy(o, {10, 100}, file_facts{10, 100}) == copy_action::compare_content);
}

TEST_CASE("resumable_length: a partial copy no longer than the source is kept") {
    CHECK(resumable_length(std::nullopt, 100) == 0);
    CHECK(resumable_length(file_facts{40, 0}, 100) == 40);
    CHECK(resumable_length(file_facts{100, 0}, 100) == 100);
    CHECK(resumable_length(file_facts{101, 0}, 100) == 0);
}
