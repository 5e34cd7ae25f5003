// Secrets (passwords, passphrases, header values) come from the environment
// or a file, never from argv or a config file. One reader each, used by the
// command line and the JSON config alike; a problem names the variable or
// file, never the secret.
#pragma once

#include "asyncfetch/core/parsed.hpp"

#include <string>

namespace asyncfetch {

// The value of environment variable `name`: "environment variable X is not set".
parsed<std::string> secret_from_env(const std::string& name);

// The first line of `path` (without its newline): "cannot read 'F'".
parsed<std::string> secret_from_file(const std::string& path);

} // namespace asyncfetch
