// A config job's command options (the keys a fetch, crawl or SSH command
// takes as flags), read with the parsers the command line uses. Private to
// src/schedule.
#pragma once

#include "json_checker.hpp"

#include "asyncfetch/app/ssh.hpp"
#include "asyncfetch/crawl/frontier.hpp"
#include "asyncfetch/http/client.hpp"

namespace asyncfetch::schedule {

void read_http(checker& ck, const json& j, const std::string& path, http::client_options& c);
// A fetch job's request: method, data or data_file, json, retry_all.
void read_request(checker& ck, const json& j, const std::string& path, http::client_options& c);
void read_crawl(checker& ck, const json& j, const std::string& path, crawl::crawl_options& c);
void read_ssh(checker& ck, const json& j, const std::string& path, app::ssh_config& c);

} // namespace asyncfetch::schedule
