// The server side of an HTTP/2 connection for tests, sans-I/O like the
// client's (src/http/h2/session.hpp): a real nghttp2 server session whose
// answer to each request a script decides (a response, a reset, nothing),
// and which can send GOAWAY. Unit tests pair it with the client in memory;
// asyncfetch-test-h2 (h2_peer_main.cpp) puts it on a loopback socket.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

struct nghttp2_session;

namespace asyncfetch::testing {

using h2_fields = std::vector<std::pair<std::string, std::string>>;

struct h2_request {
    std::int32_t id = 0;
    h2_fields headers; // pseudo-headers included
    std::string body;
    std::string field(std::string_view name) const;
};

struct h2_reply {
    enum class kind { respond, reset, silent };
    kind what = kind::respond;
    unsigned status = 200;
    h2_fields headers;
    std::string body;
    std::uint32_t reset_code = 0; // with kind::reset
};

struct h2_peer_settings {
    std::uint32_t max_concurrent_streams = 100;
    std::uint32_t initial_window = 65535; // 0: a window never opened
};

class h2_peer {
public:
    using script = std::function<h2_reply(const h2_request&)>;
    h2_peer(script answer, h2_peer_settings settings = {});
    ~h2_peer();
    h2_peer(const h2_peer&) = delete;
    h2_peer& operator=(const h2_peer&) = delete;

    bool receive(std::string_view bytes);
    bool take_output(std::string& out);
    bool over() const;
    // GOAWAY naming `last_id` as the last stream processed (-1: the last seen).
    void goaway(std::int32_t last_id, std::uint32_t code = 0);
    // Sends the response parked for a silent stream.
    void respond(std::int32_t id, const h2_reply& reply);
    std::size_t requests() const noexcept { return requests_; }
    std::int32_t last_stream() const noexcept { return last_stream_; }

    // nghttp2 callbacks (h2_peer.cpp).
    void on_header(std::int32_t id, std::string_view name, std::string_view value);
    void on_data(std::int32_t id, std::string_view data);
    void on_request_end(std::int32_t id);
    std::string* body_of(std::int32_t id);

private:
    nghttp2_session* ng_ = nullptr;
    script answer_;
    std::map<std::int32_t, h2_request> pending_;
    std::map<std::int32_t, std::string> bodies_; // being sent
    std::size_t requests_ = 0;
    std::int32_t last_stream_ = 0;
};

} // namespace asyncfetch::testing
