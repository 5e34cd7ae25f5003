#include "tls_flags.hpp"

namespace asyncfetch::cli {

void add_tls_flags(CLI::App& cmd, tls_client_options& t, std::string& passphrase_env) {
    cmd.add_option("--cert", t.cert_file,
                   "Client certificate (PEM, may hold the key too), sent to any server that "
                   "asks for one, as curl does")
        ->check(CLI::ExistingFile);
    cmd.add_option("--key", t.key_file, "The client certificate's private key (PEM)")
        ->check(CLI::ExistingFile);
    cmd.add_option("--key-passphrase-env", passphrase_env,
                   "The private key's passphrase is in environment variable VAR")
        ->type_name("VAR");
    add_parsed(cmd, "--tls-min", t.min_version, parse_tls_version,
               "Lowest TLS version to accept: 1.2 (default) or 1.3")
        ->type_name("VERSION");
}

void finish_tls_flags(tls_client_options& t, const std::string& passphrase_env) {
    if (!passphrase_env.empty())
        t.key_passphrase = env_secret(passphrase_env, "--key-passphrase-env");
    if (auto usable = check_tls_client_options(t); !usable)
        throw CLI::ValidationError(t.cert_file.empty() ? "--key" : "--cert", usable.problem());
}

} // namespace asyncfetch::cli
