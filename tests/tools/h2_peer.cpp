#include "tools/h2_peer.hpp"

#include <nghttp2/nghttp2.h>

#include <algorithm>
#include <cstring>

namespace asyncfetch::testing {
namespace {

h2_peer& self(void* p) {
    return *static_cast<h2_peer*>(p);
}

std::string_view view(const std::uint8_t* p, std::size_t n) {
    return {reinterpret_cast<const char*>(p), n};
}

int on_header(nghttp2_session*, const nghttp2_frame* frame, const std::uint8_t* name,
              std::size_t namelen, const std::uint8_t* value, std::size_t valuelen, std::uint8_t,
              void* p) {
    self(p).on_header(frame->hd.stream_id, view(name, namelen), view(value, valuelen));
    return 0;
}

int on_data(nghttp2_session*, std::uint8_t, std::int32_t id, const std::uint8_t* data,
            std::size_t len, void* p) {
    self(p).on_data(id, view(data, len));
    return 0;
}

int on_frame_recv(nghttp2_session*, const nghttp2_frame* frame, void* p) {
    const bool request_part = frame->hd.type == NGHTTP2_HEADERS || frame->hd.type == NGHTTP2_DATA;
    if (request_part && (frame->hd.flags & NGHTTP2_FLAG_END_STREAM))
        self(p).on_request_end(frame->hd.stream_id);
    return 0;
}

ssize_t read_body(nghttp2_session*, std::int32_t id, std::uint8_t* buf, std::size_t length,
                  std::uint32_t* flags, nghttp2_data_source*, void* p) {
    std::string* body = self(p).body_of(id);
    if (!body) {
        *flags |= NGHTTP2_DATA_FLAG_EOF;
        return 0;
    }
    const auto n = std::min(length, body->size());
    std::memcpy(buf, body->data(), n);
    body->erase(0, n);
    if (body->empty()) *flags |= NGHTTP2_DATA_FLAG_EOF;
    return static_cast<ssize_t>(n);
}

} // namespace

std::string h2_request::field(std::string_view name) const {
    for (const auto& [n, v] : headers)
        if (n == name) return v;
    return {};
}

h2_peer::h2_peer(script answer, h2_peer_settings settings) : answer_(std::move(answer)) {
    nghttp2_session_callbacks* cbs = nullptr;
    nghttp2_session_callbacks_new(&cbs);
    nghttp2_session_callbacks_set_on_header_callback(cbs, testing::on_header);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cbs, testing::on_data);
    nghttp2_session_callbacks_set_on_frame_recv_callback(cbs, on_frame_recv);
    // Header blocks past nghttp2's 64 KiB sending limit: the client's bound is under test.
    nghttp2_option* option = nullptr;
    nghttp2_option_new(&option);
    nghttp2_option_set_max_send_header_block_length(option, 1 << 20);
    nghttp2_session_server_new2(&ng_, cbs, this, option);
    nghttp2_option_del(option);
    nghttp2_session_callbacks_del(cbs);
    const nghttp2_settings_entry entries[] = {
        {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, settings.max_concurrent_streams},
        {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, settings.initial_window},
    };
    nghttp2_submit_settings(ng_, NGHTTP2_FLAG_NONE, entries, std::size(entries));
}

h2_peer::~h2_peer() {
    nghttp2_session_del(ng_);
}

bool h2_peer::receive(std::string_view bytes) {
    return nghttp2_session_mem_recv(ng_, reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                    bytes.size()) >= 0;
}

bool h2_peer::take_output(std::string& out) {
    for (;;) {
        const std::uint8_t* data = nullptr;
        const auto n = nghttp2_session_mem_send(ng_, &data);
        if (n < 0) return false;
        if (n == 0) return true;
        out.append(reinterpret_cast<const char*>(data), static_cast<std::size_t>(n));
    }
}

bool h2_peer::over() const {
    return !nghttp2_session_want_read(ng_) && !nghttp2_session_want_write(ng_);
}

void h2_peer::goaway(std::int32_t last_id, std::uint32_t code) {
    nghttp2_submit_goaway(ng_, NGHTTP2_FLAG_NONE, last_id < 0 ? last_stream_ : last_id, code,
                          nullptr, 0);
}

void h2_peer::on_header(std::int32_t id, std::string_view name, std::string_view value) {
    auto& r = pending_[id];
    r.id = id;
    r.headers.emplace_back(name, value);
}

void h2_peer::on_data(std::int32_t id, std::string_view data) {
    pending_[id].body.append(data);
}

void h2_peer::on_request_end(std::int32_t id) {
    ++requests_;
    last_stream_ = std::max(last_stream_, id);
    const auto request = std::move(pending_[id]);
    pending_.erase(id);
    respond(id, answer_(request));
}

void h2_peer::respond(std::int32_t id, const h2_reply& reply) {
    if (reply.what == h2_reply::kind::silent) return;
    if (reply.what == h2_reply::kind::reset) {
        nghttp2_submit_rst_stream(ng_, NGHTTP2_FLAG_NONE, id, reply.reset_code);
        return;
    }
    const auto status = std::to_string(reply.status);
    h2_fields fields{{":status", status}};
    fields.insert(fields.end(), reply.headers.begin(), reply.headers.end());
    std::vector<nghttp2_nv> nva;
    for (auto& [n, v] : fields)
        nva.push_back({reinterpret_cast<std::uint8_t*>(n.data()),
                       reinterpret_cast<std::uint8_t*>(v.data()), n.size(), v.size(),
                       NGHTTP2_NV_FLAG_NONE});
    bodies_[id] = reply.body;
    nghttp2_data_provider body{};
    body.read_callback = read_body;
    nghttp2_submit_response(ng_, id, nva.data(), nva.size(), &body);
}

std::string* h2_peer::body_of(std::int32_t id) {
    const auto it = bodies_.find(id);
    return it == bodies_.end() ? nullptr : &it->second;
}

} // namespace asyncfetch::testing
