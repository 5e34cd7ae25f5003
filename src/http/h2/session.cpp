#include "session.hpp"

#include <nghttp2/nghttp2.h>

#include <algorithm>
#include <cstring>

namespace asyncfetch::http::h2 {
namespace {

session& self(void* user_data) {
    return *static_cast<session*>(user_data);
}

std::string_view view(const std::uint8_t* p, std::size_t n) {
    return {reinterpret_cast<const char*>(p), n};
}

int on_header(nghttp2_session*, const nghttp2_frame* frame, const std::uint8_t* name,
              std::size_t namelen, const std::uint8_t* value, std::size_t valuelen, std::uint8_t,
              void* user_data) {
    if (frame->hd.type != NGHTTP2_HEADERS) return 0; // PUSH_PROMISE: push is off
    bool reset = false;
    self(user_data).on_header(frame->hd.stream_id, view(name, namelen), view(value, valuelen),
                              reset);
    // Resets this stream alone (RST_STREAM); the connection goes on.
    return reset ? NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE : 0;
}

int on_frame_recv(nghttp2_session*, const nghttp2_frame* frame, void* user_data) {
    if (frame->hd.type == NGHTTP2_HEADERS) self(user_data).on_headers_end(frame->hd.stream_id);
    if (frame->hd.type == NGHTTP2_GOAWAY)
        self(user_data).on_goaway(frame->goaway.last_stream_id, frame->goaway.error_code);
    return 0;
}

int on_data_chunk(nghttp2_session*, std::uint8_t, std::int32_t id, const std::uint8_t* data,
                  std::size_t len, void* user_data) {
    bool reset = false;
    self(user_data).on_data(id, view(data, len), reset);
    return reset ? NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE : 0;
}

int on_stream_close(nghttp2_session*, std::int32_t id, std::uint32_t code, void* user_data) {
    self(user_data).on_closed(id, code);
    return 0;
}

int on_frame_send(nghttp2_session*, const nghttp2_frame* frame, void* user_data) {
    if (frame->hd.type == NGHTTP2_HEADERS) self(user_data).on_sent_headers(frame->hd.stream_id);
    return 0;
}

int on_frame_not_send(nghttp2_session*, const nghttp2_frame* frame, int, void* user_data) {
    if (frame->hd.type == NGHTTP2_HEADERS) self(user_data).on_not_sent(frame->hd.stream_id);
    return 0;
}

// nghttp2's own words for a connection error it answers with GOAWAY.
int on_error(nghttp2_session*, int, const char* message, std::size_t len, void* user_data) {
    self(user_data).on_error({message, len});
    return 0;
}

// A request body, sent from the stream's own string as the peer's window allows.
ssize_t read_body(nghttp2_session*, std::int32_t id, std::uint8_t* buf, std::size_t length,
                  std::uint32_t* data_flags, nghttp2_data_source*, void* user_data) {
    const auto s = self(user_data).find(id);
    if (!s) return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE; // cancelled: reset it
    const auto left = s->request_body.size() - s->request_body_sent;
    const auto n = std::min(left, length);
    std::memcpy(buf, s->request_body.data() + s->request_body_sent, n);
    s->request_body_sent += n;
    if (s->request_body_sent == s->request_body.size()) *data_flags |= NGHTTP2_DATA_FLAG_EOF;
    return static_cast<ssize_t>(n);
}

} // namespace

session::session(const session_settings& settings) {
    nghttp2_session_callbacks* cbs = nullptr;
    nghttp2_session_callbacks_new(&cbs);
    nghttp2_session_callbacks_set_on_header_callback(cbs, h2::on_header);
    nghttp2_session_callbacks_set_on_frame_recv_callback(cbs, on_frame_recv);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cbs, on_data_chunk);
    nghttp2_session_callbacks_set_on_stream_close_callback(cbs, on_stream_close);
    nghttp2_session_callbacks_set_on_frame_send_callback(cbs, on_frame_send);
    nghttp2_session_callbacks_set_on_frame_not_send_callback(cbs, on_frame_not_send);
    nghttp2_session_callbacks_set_error_callback2(cbs, h2::on_error);
    nghttp2_session_client_new(&ng_, cbs, this);
    nghttp2_session_callbacks_del(cbs);

    // No server push; windows sized so a fast peer is not held back by
    // WINDOW_UPDATE round trips; the header list size we count ourselves.
    const nghttp2_settings_entry entries[] = {
        {NGHTTP2_SETTINGS_ENABLE_PUSH, 0},
        {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, settings.stream_window},
        {NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, settings.max_header_list},
    };
    nghttp2_submit_settings(ng_, NGHTTP2_FLAG_NONE, entries, std::size(entries));
    nghttp2_session_set_local_window_size(ng_, NGHTTP2_FLAG_NONE, 0,
                                          static_cast<std::int32_t>(settings.connection_window));
}

session::~session() {
    nghttp2_session_del(ng_);
}

bool session::submit(const header_list& request_headers, std::shared_ptr<stream> s) {
    if (goaway_ || nghttp2_session_check_request_allowed(ng_) == 0) return false;
    std::vector<nghttp2_nv> nva;
    nva.reserve(request_headers.size());
    for (const auto& [name, value] : request_headers) {
        nva.push_back({reinterpret_cast<std::uint8_t*>(const_cast<char*>(name.data())),
                       reinterpret_cast<std::uint8_t*>(const_cast<char*>(value.data())),
                       name.size(), value.size(), NGHTTP2_NV_FLAG_NONE});
    }
    nghttp2_data_provider body{};
    body.read_callback = read_body;
    const auto id = nghttp2_submit_request(ng_, nullptr, nva.data(), nva.size(),
                                           s->request_body.empty() ? nullptr : &body, nullptr);
    if (id < 0) return false;
    s->id = id;
    streams_.emplace(id, std::move(s));
    return true;
}

void session::cancel(const std::shared_ptr<stream>& s) {
    if (s->finished() || s->id < 0) return;
    nghttp2_submit_rst_stream(ng_, NGHTTP2_FLAG_NONE, s->id, NGHTTP2_CANCEL);
    finish(s, stream::end::cancelled, 0);
}

bool session::receive(std::string_view bytes) {
    const auto rv = nghttp2_session_mem_recv(
        ng_, reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    if (rv < 0) {
        error_ = nghttp2_strerror(static_cast<int>(rv));
        return false;
    }
    // A protocol error nghttp2 answers with GOAWAY itself (reported through
    // the error callback): the connection is over.
    if (error_.empty() && (nghttp2_session_want_read(ng_) || goaway_)) return true;
    if (error_.empty()) error_ = "connection error";
    return false;
}

bool session::take_output(std::string& out) {
    for (;;) {
        const std::uint8_t* data = nullptr;
        const auto n = nghttp2_session_mem_send(ng_, &data);
        if (n < 0) {
            error_ = nghttp2_strerror(static_cast<int>(n));
            return false;
        }
        if (n == 0) return true;
        out.append(reinterpret_cast<const char*>(data), static_cast<std::size_t>(n));
    }
}

bool session::over() const {
    return !nghttp2_session_want_read(ng_) && !nghttp2_session_want_write(ng_);
}

void session::fail_all(stream::end how) {
    auto open = std::move(streams_);
    streams_.clear();
    for (auto& [id, s] : open)
        finish(s, s->sent ? how : stream::end::not_sent, 0);
}

std::vector<std::shared_ptr<stream>> session::take_finished() {
    return std::exchange(finished_, {});
}

void session::ping() {
    nghttp2_submit_ping(ng_, NGHTTP2_FLAG_NONE, nullptr);
}

std::size_t session::queued_frames() const {
    return nghttp2_session_get_outbound_queue_size(ng_);
}

std::uint32_t session::peer_max_streams() const {
    return nghttp2_session_get_remote_settings(ng_, NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS);
}

bool session::has_room() const {
    return !goaway_ && nghttp2_session_check_request_allowed(ng_) != 0 &&
           streams_.size() < peer_max_streams();
}

std::shared_ptr<stream> session::find(std::int32_t id) const {
    const auto it = streams_.find(id);
    return it == streams_.end() ? nullptr : it->second;
}

void session::finish(const std::shared_ptr<stream>& s, stream::end how, std::uint32_t code) {
    if (s->finished()) return;
    s->ending = how;
    s->close_code = code;
    streams_.erase(s->id);
    finished_.push_back(s);
}

void session::on_header(std::int32_t id, std::string_view name, std::string_view value,
                        bool& reset) {
    const auto s = find(id);
    if (!s) return;
    s->got_some = true;
    // Counted as HPACK counts a header list (RFC 9113 6.5.2), over every
    // block of the stream: interim responses and trailers too.
    s->header_bytes += name.size() + value.size() + 32;
    if (s->header_bytes > s->max_header_bytes) {
        finish(s, stream::end::header_too_large, 0);
        reset = true;
        return;
    }
    if (name == ":status") {
        // nghttp2 checks that a block has one valid :status, first.
        const bool interim = value.size() == 3 && value[0] == '1';
        if (!interim && s->header_block == 0) {
            s->status = static_cast<unsigned>(std::stoul(std::string(value)));
            s->header_block = 1;
        }
        return;
    }
    if (s->header_block == 1) s->headers.emplace_back(name, value);
}

void session::on_headers_end(std::int32_t id) {
    const auto s = find(id);
    if (s && s->header_block == 1) s->header_block = 2; // what follows are trailers
}

void session::on_data(std::int32_t id, std::string_view data, bool& reset) {
    const auto s = find(id);
    if (!s) return;
    s->got_some = true;
    if (s->body.size() + data.size() > s->max_body) {
        finish(s, stream::end::body_too_large, 0);
        reset = true;
        return;
    }
    s->body.append(data);
}

void session::on_closed(std::int32_t id, std::uint32_t code) {
    if (const auto s = find(id)) finish(s, stream::end::complete, code);
}

void session::on_not_sent(std::int32_t id) {
    if (const auto s = find(id)) finish(s, stream::end::not_sent, 0);
}

void session::on_goaway(std::int32_t last_id, std::uint32_t) {
    goaway_ = true;
    goaway_last_id_ = last_id;
}

void session::on_error(std::string_view message) {
    if (error_.empty()) error_ = message;
}

void session::on_sent_headers(std::int32_t id) {
    if (const auto s = find(id)) s->sent = true;
}

} // namespace asyncfetch::http::h2
