#include "asyncfetch/ssh/jump.hpp"

#include "bastion.hpp"

namespace asio = boost::asio;

namespace asyncfetch::ssh {
namespace {

// "host:port" of a hop, as messages name a bastion.
std::string bastion_name(const host_spec& h) {
    const bool v6 = h.host.find(':') != std::string::npos;
    return (v6 ? "[" + h.host + "]" : h.host) + ":" + std::to_string(h.port);
}

asio::awaitable<ssh_failure> open_direct(session& s, jump_hop hop) {
    co_return co_await s.open(hop.connect, hop.options, *hop.hosts);
}

// The hop's session over a tunnel of the bastion before it.
asio::awaitable<ssh_failure> open_through(session& s, jump_hop hop, std::shared_ptr<bastion> before,
                                          std::shared_ptr<tunnel> carrier) {
    auto failure = co_await before->request(hop.connect.host, hop.connect.port,
                                            hop.options.connect_timeout, *carrier);
    if (failure) co_return failure;
    auto socket = std::move(*carrier->socket);
    carrier->socket.reset();
    co_return co_await s.open_over(std::move(socket), hop.connect, hop.options, *hop.hosts);
}

} // namespace

std::string tunnel::bastion_failure() const {
    return state ? state->bastion_failure : std::string();
}

jump_pool::jump_pool(asio::any_io_executor ex, std::size_t max_channels)
    : ex_(std::move(ex)), max_channels_(max_channels) {}

jump_pool::~jump_pool() {
    for (auto& [key, b] : bastions_)
        b->shutdown();
}

std::shared_ptr<bastion> jump_pool::bastion_for(std::span<const jump_hop> chain) {
    std::string key;
    for (const auto& hop : chain)
        key += hop.connect.display() + ",";
    auto& slot = bastions_[key];
    if (slot) return slot;
    const auto& hop = chain.back();
    auto b = std::make_shared<bastion>(ex_, bastion_name(hop.connect), max_channels_);
    slot = b;
    if (chain.size() == 1) {
        b->start([hop](session& s) { return open_direct(s, hop); });
    } else {
        auto before = bastion_for(chain.first(chain.size() - 1));
        auto carrier = std::make_shared<tunnel>();
        b->carried_by(carrier);
        b->start(
            [hop, before, carrier](session& s) { return open_through(s, hop, before, carrier); });
    }
    return b;
}

asio::awaitable<ssh_failure> jump_pool::open_tunnel(std::span<const jump_hop> chain,
                                                    const std::string& host, std::uint16_t port,
                                                    duration connect_limit, tunnel& out) {
    auto b = bastion_for(chain);
    co_return co_await b->request(host, port, connect_limit, out);
}

} // namespace asyncfetch::ssh
