#include "asyncfetch/core/record_boundary.hpp"

#include "asyncfetch/core/error_message.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/experimental/channel_error.hpp>

#include <chrono>
#include <new>

namespace asio = boost::asio;

namespace asyncfetch {

bool is_cancel(const boost::system::error_code& ec) {
    return ec == asio::error::operation_aborted ||
           ec == asio::experimental::error::channel_cancelled;
}

record exception_record(std::exception_ptr e) {
    try {
        std::rethrow_exception(e);
    } catch (const boost::system::system_error& error) {
        if (is_cancel(error.code())) return error_record(outcome::cancelled, "cancelled");
        return error_record(outcome::failed, error_message(error));
    } catch (const std::bad_alloc&) {
        return error_record(outcome::failed, "out of memory");
    } catch (const std::exception& error) {
        return error_record(outcome::failed, error_message(error));
    } catch (...) {
        return error_record(outcome::failed, "unknown error");
    }
}

asio::awaitable<record> run_to_record(const operation& op, const target& t) {
    const auto start = std::chrono::steady_clock::now();
    record r;
    std::exception_ptr failure;
    try {
        r = co_await op(t);
    } catch (...) {
        failure = std::current_exception();
    }
    if (failure) r = exception_record(failure);
    if (r.elapsed_ms == 0) {
        r.elapsed_ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                .count();
    }
    co_return r;
}

} // namespace asyncfetch
