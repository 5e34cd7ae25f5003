#include "asyncfetch/redis/connection.hpp"
#include "asyncfetch/core/error_message.hpp"

#include "asyncfetch/core/dns.hpp"
#include "asyncfetch/core/error.hpp"
#include "asyncfetch/core/limiter.hpp"
#include "asyncfetch/core/timeout.hpp"
#include "asyncfetch/core/tls.hpp"

#include <hiredis/hiredis.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <memory>
#include <optional>

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace asyncfetch::redis {
namespace {

// hiredis's reader builds our reply tree directly (no second tree to copy
// and free). A child lives in its parent's elements, sized when the array
// header is read; hiredis frees only the root.
reply* place(const redisReadTask* task, reply::kind type) {
    reply* r = nullptr;
    if (task->parent)
        r = &static_cast<reply*>(task->parent->obj)->elements[static_cast<std::size_t>(task->idx)];
    else
        r = new reply;
    r->type = type;
    return r;
}

void* create_string(const redisReadTask* task, char* str, std::size_t len) {
    const auto type = task->type == REDIS_REPLY_ERROR    ? reply::error
                      : task->type == REDIS_REPLY_STATUS ? reply::status
                                                         : reply::string;
    auto* r = place(task, type);
    r->str.assign(str, len);
    return r;
}

void* create_array(const redisReadTask* task, int elements) {
    auto* r = place(task, reply::array);
    r->elements.resize(static_cast<std::size_t>(std::max(elements, 0)));
    return r;
}

void* create_integer(const redisReadTask* task, long long value) {
    auto* r = place(task, reply::integer);
    r->number = value;
    return r;
}

void* create_nil(const redisReadTask* task) {
    return place(task, reply::nil);
}

void free_reply(void* root) {
    delete static_cast<reply*>(root);
}

redisReplyObjectFunctions reply_functions{create_string, create_array, create_integer, create_nil,
                                          free_reply};

// Appends one command in RESP (an array of bulk strings) to `out`.
void append_command(const std::vector<std::string>& args, std::string& out) {
    std::array<char, 24> digits{};
    auto header = [&](char kind, std::size_t n) {
        out += kind;
        const auto end = std::to_chars(digits.data(), digits.data() + digits.size(), n).ptr;
        out.append(digits.data(), end);
        out += "\r\n";
    };
    header('*', args.size());
    for (const auto& a : args) {
        header('$', a.size());
        out += a;
        out += "\r\n";
    }
}

[[noreturn]] void fail(const std::string& what, boost::system::error_code ec = asio::error::fault) {
    throw boost::system::system_error(ec, what);
}

} // namespace

struct connection::impl : std::enable_shared_from_this<impl> {
    using clock = std::chrono::steady_clock;

    impl(const asio::any_io_executor& executor, endpoint to, options o)
        : ex(executor), where(std::move(to)), opts(std::move(o)), turn(executor, 1),
          watchdog(executor) {}

    ~impl() { close(); }

    void close() {
        deadline = clock::time_point::max();
        stream.reset();
        socket.reset();
        if (reader) redisReaderFree(reader);
        reader = nullptr;
    }

    asio::awaitable<void> connect() {
        close();
        auto open = [this]() -> asio::awaitable<bool> {
            // The loop's resolver (shared with HTTP and SSH on this loop).
            auto resolver = dns::loop_resolver(ex, opts.dns);
            const auto found =
                co_await resolver->resolve(where.host, dns::family::any, opts.connect_timeout);
            if (found.ec) fail("resolve " + where.host, found.ec);
            std::vector<tcp::endpoint> endpoints;
            for (const auto& a : found.addresses)
                endpoints.emplace_back(a, where.port);
            tcp::socket s(ex);
            co_await asio::async_connect(s, endpoints, asio::use_awaitable);
            s.set_option(tcp::no_delay(true));
            if (where.tls) {
                if (!tls_context) // made once, and only for rediss:// (it costs)
                    tls_context.emplace(client_tls_context(opts.verify_tls, opts.ca_file));
                stream.emplace(std::move(s), *tls_context);
                boost::system::error_code not_ip;
                asio::ip::make_address(where.host, not_ip);
                expect_host(stream->native_handle(), where.host, !not_ip);
                co_await stream->async_handshake(asio::ssl::stream_base::client,
                                                 asio::use_awaitable);
            } else {
                socket.emplace(std::move(s));
            }
            reader = redisReaderCreateWithFunctions(&reply_functions);
            if (!opts.password.empty()) {
                std::vector<std::string> auth{"AUTH"};
                if (!opts.user.empty()) auth.push_back(opts.user);
                auth.push_back(opts.password);
                const std::vector<std::vector<std::string>> commands{std::move(auth)};
                auto replies = co_await exchange_all(commands);
                const auto& r = replies.front();
                if (r.is_error()) {
                    close();
                    fail(where.text() + ": authentication failed: " + r.str,
                         asio::error::access_denied);
                }
            }
            co_return true;
        };
        // Resolve, TCP, TLS and AUTH within the connect limit: a server that
        // accepts and never answers times out here.
        if (!co_await within(budget(opts.connect_timeout), open())) {
            close();
            fail("connect " + where.text(), asyncfetch::make_error_code(errc::connect_timeout));
        }
    }

    // The command limit: one timer for the connection, not a timer raced
    // against each command (that costs two coroutines and a thrown cancel
    // per command). `deadline` is when the command in flight must be done
    // (max() when none is); the watchdog wakes at it, closes the socket if
    // it has passed (the command's I/O then fails and reads as a timeout),
    // and otherwise sleeps until the deadline of the command now in flight.
    void start_command() {
        timed_out = false;
        deadline = opts.command_timeout > std::chrono::milliseconds::zero()
                       ? clock::now() + opts.command_timeout
                       : clock::time_point::max();
        if (!watching && deadline != clock::time_point::max()) watch();
    }

    void end_command() { deadline = clock::time_point::max(); }

    void watch() {
        watching = true;
        watchdog.expires_at(deadline);
        watchdog.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
            const auto self = weak.lock();
            if (!self) return; // the connection is gone
            self->watching = false;
            if (ec || self->deadline == clock::time_point::max()) return; // idle: sleep
            if (clock::now() < self->deadline) return self->watch();
            self->timed_out = true;
            boost::system::error_code ignored;
            if (self->stream) self->stream->lowest_layer().close(ignored);
            if (self->socket) self->socket->close(ignored);
        });
    }

    // Sends commands and reads their replies (the connection must be open).
    // The socket is awaited here, not in helper coroutines: this is every
    // command's path, and each coroutine frame costs.
    asio::awaitable<std::vector<reply>>
    exchange_all(const std::vector<std::vector<std::string>>& commands) {
        std::string request;
        std::size_t size = 0;
        for (const auto& args : commands)
            for (const auto& a : args)
                size += a.size() + 16;
        request.reserve(size + 16 * commands.size());
        for (const auto& args : commands)
            append_command(args, request);
        if (stream)
            co_await asio::async_write(*stream, asio::buffer(request), asio::use_awaitable);
        else
            co_await asio::async_write(*socket, asio::buffer(request), asio::use_awaitable);
        std::vector<reply> replies;
        replies.reserve(commands.size());
        while (replies.size() < commands.size()) {
            void* raw = nullptr;
            if (redisReaderGetReply(reader, &raw) != REDIS_OK)
                fail(where.text() + ": protocol error: " + reader->errstr);
            if (raw) {
                std::unique_ptr<reply> root(static_cast<reply*>(raw));
                replies.push_back(std::move(*root));
                continue;
            }
            std::size_t n = 0;
            if (stream)
                n = co_await stream->async_read_some(asio::buffer(buffer), asio::use_awaitable);
            else
                n = co_await socket->async_read_some(asio::buffer(buffer), asio::use_awaitable);
            redisReaderFeed(reader, buffer.data(), n);
        }
        co_return replies;
    }

    asio::any_io_executor ex;
    endpoint where;
    options opts;
    limiter turn; // one command at a time
    std::optional<asio::ssl::context> tls_context;
    std::optional<tcp::socket> socket;
    std::optional<asio::ssl::stream<tcp::socket>> stream;
    redisReader* reader = nullptr;
    std::array<char, 16384> buffer{};
    asio::steady_timer watchdog;
    clock::time_point deadline = clock::time_point::max();
    bool watching = false;  // the watchdog is waiting
    bool timed_out = false; // the watchdog closed the socket on the command in flight
};

connection::connection(asio::any_io_executor ex, endpoint where, options opts)
    : impl_(std::make_shared<impl>(ex, std::move(where), std::move(opts))) {}

connection::~connection() = default;

void connection::close() {
    impl_->close();
}

asio::awaitable<reply> connection::command(std::vector<std::string> args) {
    std::vector<std::vector<std::string>> one{std::move(args)};
    auto replies = co_await pipeline(one);
    co_return std::move(replies.front());
}

asio::awaitable<std::vector<reply>>
connection::pipeline(const std::vector<std::vector<std::string>>& commands) {
    auto self = impl_;
    auto permit = co_await self->turn.acquire();
    try {
        if (!self->reader) co_await self->connect();
        self->start_command();
        std::vector<reply> replies;
        bool cut_off = false; // the watchdog closed the socket under the command
        try {
            replies = co_await self->exchange_all(commands);
        } catch (const boost::system::system_error&) {
            if (!self->timed_out) throw;
            cut_off = true;
        }
        self->end_command();
        if (cut_off) {
            std::string what = "command";
            if (!commands.empty() && !commands.front().empty()) what = commands.front().front();
            fail(self->where.text() + ": " + what,
                 asyncfetch::make_error_code(errc::request_timeout));
        }
        // Every reply came, but the watchdog fired in the same turn and
        // closed the socket: the replies stand (the commands ran; a retry
        // would run them twice), and the next command reconnects.
        if (self->timed_out) self->close();
        co_return replies;
    } catch (const boost::system::system_error& e) {
        self->close();
        if (e.code() == asio::error::operation_aborted) throw;
        const std::string what = e.what();
        if (what.find(self->where.text()) != std::string::npos) throw;
        // A fresh error with the same code, naming the server: error_message() adds the code's
        // text.
        throw boost::system::system_error(e.code(), self->where.text());
    }
}

} // namespace asyncfetch::redis
