// The client side of one HTTP/2 connection as a sans-I/O engine around
// nghttp2: bytes in (receive), bytes out (take_output), requests submitted as
// streams whose response headers and body are gathered, bounded, as they
// arrive. The driver (connection.hpp) does the socket I/O and wakes the
// requests whose streams finished. Private to src/http.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

struct nghttp2_session;

namespace asyncfetch::http::h2 {

using header_list = std::vector<std::pair<std::string, std::string>>;

// One request and, once it ends, what its stream gathered.
struct stream {
    // Set by the requester before submit.
    std::uint64_t max_body = 0;       // bytes of body kept; over it the stream is reset
    std::size_t max_header_bytes = 0; // HPACK-sized (name + value + 32), all header blocks
    bool head_request = false;        // a response to HEAD has no body
    std::string request_body;         // sent as DATA frames
    std::size_t request_body_sent = 0;

    // Gathered from the peer.
    unsigned status = 0; // the final response's :status
    header_list headers; // the final response's fields (not trailers)
    std::string body;
    std::size_t header_bytes = 0;
    bool got_some = false; // any frame of the response arrived
    bool sent = false;     // its HEADERS frame went out
    int header_block = 0;  // 0: before the final response, 1: in it, 2: trailers

    // How it ended.
    enum class end {
        open,
        complete,         // the peer ended it (close_code tells a reset)
        header_too_large, // we reset it: over max_header_bytes
        body_too_large,   // we reset it: over max_body
        not_sent,         // never opened (GOAWAY, connection lost before sending)
        connection_lost,  // the connection ended while it was open
        cancelled,        // we reset it (the request's deadline)
    };
    end ending = end::open;
    std::uint32_t close_code = 0; // RST_STREAM / GOAWAY error code; 0: none
    std::int32_t id = -1;

    bool finished() const noexcept { return ending != end::open; }
};

struct session_settings {
    std::uint32_t stream_window = 1u << 20;      // our receive window per stream
    std::uint32_t connection_window = 16u << 20; // and for the whole connection
    std::uint32_t max_header_list = 64 * 1024;   // advertised; enforced per stream
};

class session {
public:
    explicit session(const session_settings& settings);
    ~session();
    session(const session&) = delete;
    session& operator=(const session&) = delete;

    // Queues a request; its stream is gathered into `s`. False: the
    // session takes no new streams (GOAWAY, ids exhausted, closing).
    bool submit(const header_list& request_headers, std::shared_ptr<stream> s);
    // Stops gathering `s` and resets it (CANCEL): its requester gave up.
    void cancel(const std::shared_ptr<stream>& s);

    // Feeds bytes read from the peer. False: a connection error (a GOAWAY is
    // queued for the peer); error() names it.
    bool receive(std::string_view bytes);
    // Appends the bytes to write to the peer now. False: a fatal error.
    bool take_output(std::string& out);
    // The session wants neither to read nor to write: it is over.
    bool over() const;

    // Every open or queued stream ends as `how` (the socket failed or timed out).
    void fail_all(stream::end how);
    // Streams that ended since the last call, each once.
    std::vector<std::shared_ptr<stream>> take_finished();

    void ping();
    bool goaway_received() const noexcept { return goaway_; }
    std::int32_t goaway_last_stream_id() const noexcept { return goaway_last_id_; }
    std::size_t open_streams() const noexcept { return streams_.size(); }
    // Frames waiting to be sent (take_output serialises them).
    std::size_t queued_frames() const;
    // The peer's SETTINGS_MAX_CONCURRENT_STREAMS (nghttp2's "unlimited" until it says).
    std::uint32_t peer_max_streams() const;
    // Whether a new request would be sent now rather than wait for a free stream.
    bool has_room() const;
    const std::string& error() const noexcept { return error_; }

    // nghttp2 callbacks (session.cpp), public for its C trampolines.
    void on_header(std::int32_t id, std::string_view name, std::string_view value, bool& reset);
    void on_headers_end(std::int32_t id);
    void on_data(std::int32_t id, std::string_view data, bool& reset);
    void on_closed(std::int32_t id, std::uint32_t code);
    void on_not_sent(std::int32_t id);
    void on_goaway(std::int32_t last_id, std::uint32_t code);
    void on_sent_headers(std::int32_t id);
    void on_error(std::string_view message);
    std::shared_ptr<stream> find(std::int32_t id) const;

private:
    void finish(const std::shared_ptr<stream>& s, stream::end how, std::uint32_t code);

    nghttp2_session* ng_ = nullptr;
    std::map<std::int32_t, std::shared_ptr<stream>> streams_;
    std::vector<std::shared_ptr<stream>> finished_;
    bool goaway_ = false;
    std::int32_t goaway_last_id_ = 0;
    std::string error_;
};

} // namespace asyncfetch::http::h2
