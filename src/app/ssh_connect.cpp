#include "asyncfetch/app/ssh_connect.hpp"

#include <vector>

namespace asio = boost::asio;

namespace asyncfetch::app {

std::string host_connection::error_for(std::string error) const {
    auto bastion = tunnel.bastion_failure();
    if (!error.empty() && !bastion.empty()) return bastion;
    return error;
}

asio::awaitable<ssh::ssh_failure> connect_host(host_connection& c, const host_plan& plan,
                                               known_hosts_cache& hosts, ssh::jump_pool& jumps) {
    auto& kh = known_hosts_for(hosts, plan);
    if (plan.jumps.empty() && plan.proxy_command.empty())
        co_return co_await c.session.open(plan.connect, plan.session, kh);
    asio::generic::stream_protocol::socket carrier(co_await asio::this_coro::executor);
    if (!plan.jumps.empty()) {
        std::vector<ssh::jump_hop> chain;
        for (const auto& hop : plan.jumps)
            chain.push_back({hop.connect, hop.session, &known_hosts_for(hosts, hop)});
        auto failure = co_await jumps.open_tunnel(chain, plan.connect.host, plan.connect.port,
                                                  plan.session.connect_timeout, c.tunnel);
        if (failure) co_return failure;
        carrier = std::move(*c.tunnel.socket);
        c.tunnel.socket.reset();
    } else if (auto failure = c.proxy.start(plan.proxy_command, plan.shown.display(), carrier)) {
        co_return failure;
    }
    auto failure = co_await c.session.open_over(std::move(carrier), plan.connect, plan.session, kh);
    // The bastion's failure explains the session's (a broken stream, no banner).
    if (failure) failure.message = c.error_for(std::move(failure.message));
    co_return failure;
}

} // namespace asyncfetch::app
