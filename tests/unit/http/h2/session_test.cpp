// The client's HTTP/2 engine paired in memory with a real nghttp2 server
// session (tests/tools/h2_peer): every frame between them is real.
#include "../../../../src/http/h2/session.hpp"
#include "tools/h2_peer.hpp"

#include <doctest/doctest.h>

using asyncfetch::http::h2::header_list;
using asyncfetch::http::h2::session;
using asyncfetch::http::h2::stream;
using asyncfetch::testing::h2_peer;
using asyncfetch::testing::h2_reply;
using asyncfetch::testing::h2_request;

namespace {

// Moves bytes both ways until neither side has any to send.
void pump(session& client, h2_peer& server) {
    for (int round = 0; round < 100; ++round) {
        std::string to_server, to_client;
        REQUIRE(client.take_output(to_server));
        if (!to_server.empty()) server.receive(to_server);
        REQUIRE(server.take_output(to_client));
        if (!to_client.empty()) client.receive(to_client);
        if (to_server.empty() && to_client.empty()) return;
    }
    FAIL("the two sessions never went quiet");
}

header_list get(const std::string& path, const std::string& method = "GET") {
    return {
        {":method", method}, {":scheme", "https"}, {":authority", "example.test"}, {":path", path}};
}

std::shared_ptr<stream> new_stream(std::uint64_t max_body = 1 << 20) {
    auto s = std::make_shared<stream>();
    s->max_body = max_body;
    s->max_header_bytes = 4096;
    return s;
}

h2_reply echo_path(const h2_request& r) {
    h2_reply reply;
    reply.headers = {{"content-type", "text/plain"}};
    reply.body = "you asked for " + r.field(":path");
    return reply;
}

} // namespace

TEST_CASE("h2 session: streams on one connection each get their own status, headers and body") {
    session client({});
    h2_peer server(echo_path);
    auto a = new_stream();
    auto b = new_stream();
    REQUIRE(client.submit(get("/a"), a));
    REQUIRE(client.submit(get("/b"), b));
    pump(client, server);
    CHECK(server.requests() == 2);
    CHECK(a->ending == stream::end::complete);
    CHECK(a->close_code == 0);
    CHECK(a->status == 200);
    CHECK(a->body == "you asked for /a");
    CHECK(b->body == "you asked for /b");
    REQUIRE(a->headers.size() == 1);
    CHECK(a->headers[0].first == "content-type");
    CHECK(client.take_finished().size() == 2);
    CHECK(client.take_finished().empty());
    CHECK(client.open_streams() == 0);
}

TEST_CASE("h2 session: a request body reaches the peer") {
    session client({});
    std::string seen;
    h2_peer server([&](const h2_request& r) {
        seen = r.body;
        return h2_reply{};
    });
    auto s = new_stream();
    s->request_body = std::string(100000, 'x'); // more than the initial 64 KiB window
    REQUIRE(client.submit(get("/post", "POST"), s));
    pump(client, server);
    CHECK(seen == s->request_body);
    CHECK(s->status == 200);
}

TEST_CASE("h2 session: a header block over the limit resets that stream and no other") {
    session client({});
    h2_peer server([](const h2_request& r) {
        h2_reply reply;
        if (r.field(":path") == "/big") reply.headers = {{"x-big", std::string(5000, 'h')}};
        return reply;
    });
    auto big = new_stream();
    auto small = new_stream();
    REQUIRE(client.submit(get("/big"), big));
    REQUIRE(client.submit(get("/small"), small));
    pump(client, server);
    CHECK(big->ending == stream::end::header_too_large);
    CHECK(small->ending == stream::end::complete);
    CHECK(small->status == 200);
    CHECK_FALSE(client.over());
}

TEST_CASE("h2 session: a body over the limit is cut as it arrives") {
    session client({});
    h2_peer server([](const h2_request&) {
        h2_reply reply;
        reply.body = std::string(300000, 'b');
        return reply;
    });
    auto s = new_stream(1000);
    REQUIRE(client.submit(get("/"), s));
    pump(client, server);
    CHECK(s->ending == stream::end::body_too_large);
    CHECK(s->body.size() <= 1000);
}

TEST_CASE("h2 session: RST_STREAM from the peer ends the stream with its code") {
    session client({});
    h2_peer server([](const h2_request&) {
        h2_reply reply;
        reply.what = h2_reply::kind::reset;
        reply.reset_code = 7; // REFUSED_STREAM
        return reply;
    });
    auto s = new_stream();
    REQUIRE(client.submit(get("/"), s));
    pump(client, server);
    CHECK(s->ending == stream::end::complete);
    CHECK(s->close_code == 7);
    CHECK(s->status == 0);
}

TEST_CASE("h2 session: GOAWAY refuses the streams above its last id and any new one") {
    session client({});
    h2_peer server([](const h2_request&) {
        h2_reply reply;
        reply.what = h2_reply::kind::silent;
        return reply;
    });
    auto first = new_stream();
    auto second = new_stream();
    REQUIRE(client.submit(get("/1"), first));
    REQUIRE(client.submit(get("/2"), second));
    pump(client, server);
    server.goaway(first->id);
    pump(client, server);
    CHECK(client.goaway_received());
    CHECK(client.goaway_last_stream_id() == first->id);
    CHECK(first->ending == stream::end::open); // still the server's to answer
    CHECK(second->ending == stream::end::complete);
    CHECK(second->close_code == 7);
    CHECK_FALSE(client.has_room());
    CHECK_FALSE(client.submit(get("/3"), new_stream()));
    h2_reply late;
    late.body = "late";
    server.respond(first->id, late);
    pump(client, server);
    CHECK(first->body == "late");
}

TEST_CASE("h2 session: a lost connection ends sent streams as lost and queued ones as not sent") {
    session client({});
    h2_peer server([](const h2_request&) {
        h2_reply reply;
        reply.what = h2_reply::kind::silent;
        return reply;
    });
    auto sent = new_stream();
    REQUIRE(client.submit(get("/1"), sent));
    pump(client, server);
    auto queued = new_stream();
    REQUIRE(client.submit(get("/2"), queued));
    client.fail_all(stream::end::connection_lost);
    CHECK(sent->ending == stream::end::connection_lost);
    CHECK(queued->ending == stream::end::not_sent);
    CHECK(client.take_finished().size() == 2);
}

TEST_CASE("h2 session: the peer's stream limit is read from its SETTINGS") {
    session client({});
    h2_peer server(echo_path, {2, 65535});
    auto s = new_stream();
    REQUIRE(client.submit(get("/"), s));
    pump(client, server);
    CHECK(client.peer_max_streams() == 2);
    auto a = new_stream();
    auto b = new_stream();
    REQUIRE(client.submit(get("/a"), a));
    REQUIRE(client.submit(get("/b"), b));
    CHECK_FALSE(client.has_room());
}

TEST_CASE("h2 session: bytes that are not HTTP/2 are a connection error") {
    session client({});
    auto s = new_stream();
    REQUIRE(client.submit(get("/"), s));
    std::string out;
    REQUIRE(client.take_output(out));
    CHECK_FALSE(client.receive("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
    CHECK_FALSE(client.error().empty());
}
