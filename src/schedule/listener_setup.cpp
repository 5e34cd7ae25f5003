#include "asyncfetch/schedule/listener_setup.hpp"

#include "asyncfetch/core/secret_source.hpp"

#include <boost/system/system_error.hpp>

#include <cstdio>

namespace asyncfetch::schedule {

parsed<std::unique_ptr<http_listener>>
open_listener(boost::asio::any_io_executor ex, const scheduler_options& options, http_route route) {
    const auto at = parse_listen_address(options.listen);
    if (!at) return problem("--listen: " + at.problem());
    std::string token;
    if (!options.listen_token_env.empty()) {
        auto secret = secret_from_env(options.listen_token_env);
        if (!secret) return problem("--listen-token-env: " + secret.problem());
        if (secret->empty())
            return problem("--listen-token-env: environment variable " + options.listen_token_env +
                           " is empty");
        token = std::move(*secret);
    } else if (!at->address.is_loopback()) {
        // Metrics and job names are no one else's business: off loopback,
        // every request must prove it may ask.
        return problem("--listen " + options.listen +
                       ": listening beyond loopback requires a bearer token: --listen-token-env "
                       "VAR, the token in environment variable VAR");
    }
    try {
        auto listener =
            std::make_unique<http_listener>(std::move(ex), *at, std::move(token), std::move(route));
        if (!options.quiet)
            std::fprintf(stderr, "asyncfetch: serving /metrics, /healthz and / on port %u\n",
                         static_cast<unsigned>(listener->port()));
        return listener;
    } catch (const boost::system::system_error& e) {
        return problem("--listen " + options.listen + ": cannot listen: " + e.code().message());
    }
}

} // namespace asyncfetch::schedule
