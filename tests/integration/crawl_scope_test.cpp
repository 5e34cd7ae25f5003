// `asyncfetch crawl --scope same-domain` across host names the DNS test
// server maps to 127.0.0.1: the Public Suffix List decides what one site is,
// hosts are IDNA-encoded, and URLs are normalised (RFC 3986 section 6) before
// dedup, robots.txt matching with percent-encoding normalised.
#include "asyncfetch/testserver/server.hpp"
#include "tools/common.hpp"
#include "tools/dns_server.hpp"
#include "tools/listeners.hpp"
#include "tools/process.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <set>

using namespace asyncfetch;
using namespace asyncfetch::testing;

namespace {} // namespace

TEST_CASE("crawl --scope same-domain: Public Suffix List, IDNA hosts, normalised URLs") {
    const auto port = std::to_string(free_port());
    auto at = [&port](const std::string& host, const std::string& path) {
        return "http://" + host + ":" + port + path;
    };
    testserver::server_options o;
    o.port = static_cast<std::uint16_t>(std::stoi(port));
    o.pages["/robots.txt"] = {200, "text/plain", "User-agent: *\nDisallow: /%7Eprivate/\n"};
    o.pages["/"] = {
        200, "text/html",
        links_to({at("docs.example.co.uk", "/docs.html"), at("b.other.co.uk", "/other.html"),
                  at("Bücher.EXAMPLE.co.uk", "/idn.html"), at("127.0.0.2", "/ip.html"), "/a.html",
                  "/%61.html", "/x/../A.html#frag", "/%7eprivate/x.html", "/~private/y.html",
                  "/caf%c3%a9.html", "/café.html"})};
    for (const char* page : {"/docs.html", "/other.html", "/idn.html", "/ip.html", "/a.html",
                             "/A.html", "/caf%C3%A9.html"})
        o.pages[page] = {200, "text/html", links_to({})};
    testserver::server server(o);

    dns_server dns;
    dns_record loopback;
    loopback.v4 = {"127.0.0.1"};
    for (const char* name : {"www.example.co.uk", "docs.example.co.uk", "b.other.co.uk",
                             "xn--bcher-kva.example.co.uk"})
        dns.add(name, loopback);

    const auto res = run(asyncfetch_cmd({"crawl", "-", "-q", "--scope", "same-domain",
                                         "--dns-servers", dns.address(), "--retries", "0"}),
                         at("WWW.Example.co.uk", "/") + "\n");
    CHECK_MESSAGE(res.status == 0, res.err);
    std::multiset<std::string> fetched; // host and target of each page request
    for (const auto& r : server.request_log())
        if (r.target != "/robots.txt") fetched.insert(r.host + r.target);
    auto on = [&port](const std::string& host, const std::string& target) {
        return host + ":" + port + target;
    };
    const std::multiset<std::string> want{on("www.example.co.uk", "/"),
                                          on("docs.example.co.uk", "/docs.html"),
                                          on("xn--bcher-kva.example.co.uk", "/idn.html"),
                                          on("www.example.co.uk", "/a.html"),
                                          on("www.example.co.uk", "/A.html"),
                                          on("www.example.co.uk", "/caf%C3%A9.html")};
    CHECK(fetched == want);
    std::set<std::string> urls;
    for (const auto& r : records_of(res.out))
        urls.insert(r["url"].get<std::string>());
    CHECK(urls.size() == want.size());
    CHECK(urls.count(at("xn--bcher-kva.example.co.uk", "/idn.html")) == 1);
    // b.other.co.uk and 127.0.0.2 are other sites; /~private twice refused.
    CHECK(res.err.find("links not followed: 2 out of scope") != std::string::npos);
    CHECK(res.err.find("2 refused by robots.txt") != std::string::npos);
}
