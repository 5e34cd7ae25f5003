// A DNS server on 127.0.0.1 for the resolver tests (UDP and TCP on one port,
// its own thread and io_context). It answers A and AAAA questions from a table
// after a set delay, and misbehaves on request: NXDOMAIN, SERVFAIL, REFUSED,
// truncation over UDP (the client must retry over TCP), no answer at all.
// Names not in the table are NXDOMAIN. It counts what it was asked.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace asyncfetch::testing {

struct dns_record {
    enum class kind { answer, nxdomain, servfail, refused, truncated, silent };
    kind how = kind::answer;
    std::vector<std::string> v4, v6; // addresses for A and AAAA questions
    std::string cname;               // answer with a CNAME to this name, then its records
    std::uint32_t ttl = 60;
};

class dns_server {
public:
    // Port 0: any free port. A resolv.conf cannot name a port, so a test of
    // one binds port 53 of another loopback address (root only).
    explicit dns_server(std::chrono::milliseconds delay = std::chrono::milliseconds(0),
                        const std::string& address = "127.0.0.1", std::uint16_t port = 0);
    ~dns_server();
    dns_server(const dns_server&) = delete;
    dns_server& operator=(const dns_server&) = delete;

    void add(const std::string& name, dns_record record); // lower case, no trailing dot
    void set_delay(std::chrono::milliseconds delay);

    std::uint16_t port() const noexcept;
    std::string address() const; // "127.0.0.1:PORT", for --dns-servers

    std::uint64_t queries() const; // over UDP and TCP
    std::uint64_t tcp_queries() const;
    std::uint64_t queries_for(const std::string& name) const;
    std::uint64_t peak_in_flight() const; // most questions waiting for their answer at once

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace asyncfetch::testing
