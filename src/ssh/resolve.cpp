#include "asyncfetch/ssh/resolve.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <memory>

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace asyncfetch::ssh {
namespace {

struct lookup {
    boost::system::error_code ec;
    std::vector<tcp::endpoint> endpoints;
    bool done = false;
};

} // namespace

asio::awaitable<std::pair<boost::system::error_code, std::vector<tcp::endpoint>>>
resolve_host(asio::any_io_executor ex, std::string host, std::uint16_t port) {
    auto result = std::make_shared<lookup>();
    auto ready = std::make_shared<asio::steady_timer>(ex, asio::steady_timer::time_point::max());
    auto resolver = std::make_shared<tcp::resolver>(ex);
    resolver->async_resolve(host, std::to_string(port),
                            [result, ready, resolver](boost::system::error_code ec,
                                                      tcp::resolver::results_type results) {
                                result->ec = ec;
                                for (const auto& r : results)
                                    result->endpoints.push_back(r.endpoint());
                                result->done = true;
                                ready->cancel();
                            });
    co_await ready->async_wait(asio::as_tuple(asio::use_awaitable));
    // Woken without a result: the wait itself was cancelled.
    if (!result->done) throw boost::system::system_error(asio::error::operation_aborted);
    co_return std::pair{result->ec, std::move(result->endpoints)};
}

} // namespace asyncfetch::ssh
