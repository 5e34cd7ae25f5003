// A config job's command options (the keys a fetch, crawl or SSH command
// takes as flags), read with the parsers the command line uses. Private to
// src/schedule.
#pragma once

#include "json_checker.hpp"

#include "asyncfetch/app/local.hpp"
#include "asyncfetch/app/ssh.hpp"
#include "asyncfetch/crawl/frontier.hpp"
#include "asyncfetch/http/client.hpp"

namespace asyncfetch::schedule {

void read_http(checker& ck, const json& j, const std::string& path, http::client_options& c);
// A fetch job's request: method, data or data_file, json, retry_all.
void read_request(checker& ck, const json& j, const std::string& path, http::client_options& c);
// --cache, --netrc, --netrc-file, -b and --cookie-jar as config keys.
void read_kept_state(checker& ck, const json& j, const std::string& path, http::client_options& c);
void read_crawl(checker& ck, const json& j, const std::string& path, crawl::crawl_options& c);
// max_failures, fail_fast, on_failure (--max-failures, --fail-fast, --on-failure).
void read_stop_early(checker& ck, const json& j, const std::string& path, app::run_settings& run);
void read_ssh(checker& ck, const json& j, const std::string& path, app::ssh_config& c);
// pty, sudo, sudo_user, sudo_password_env, sudo_password_file of an ssh job.
void read_exec_mode(checker& ck, const json& j, const std::string& path, app::exec_config& c);
void read_local(checker& ck, const json& j, const std::string& path, app::local_config& c);

} // namespace asyncfetch::schedule
