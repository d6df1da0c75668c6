// A loopback TCP port for a server the tests start and a fault scenario may stop and start
// again on the same address: PostgreSQL, Mosquitto, HAProxy, tinyproxy, and the fault rigs'
// gateways (killed with SIGKILL and restarted where HAProxy and the tests expect them).
//
// The port comes from below the kernel's ephemeral range (net.ipv4.ip_local_port_range). A port
// from bind(port 0) lies inside that range, so while its server is down any outgoing connection
// on the machine (the load generators and gateways of tests running beside it) may take it as its
// source port, and the server cannot listen there again: a restarted database "came back on
// another port" now and then, on a busy machine. Outgoing connections never take a port below the
// range.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <random>
#include <stdexcept>

namespace fieldgate::test {

namespace listen_port_detail {

inline bool bindable(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return false;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    // Without SO_REUSEADDR: a port with connections still in TIME_WAIT is passed over too.
    const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(fd);
    return ok;
}

inline int ephemeral_low() {
    std::ifstream in("/proc/sys/net/ipv4/ip_local_port_range");
    int low = 0;
    int high = 0;
    if (!(in >> low >> high)) return 32768;  // Linux's default
    return low;
}

}  // namespace listen_port_detail

inline std::uint16_t listen_port() {
    using namespace listen_port_detail;
    const int high = ephemeral_low() - 1;
    const int low = 10000;
    if (high - low < 1000)
        throw std::runtime_error("listen_port: the ephemeral range leaves no room below it");
    static thread_local std::mt19937 rng{std::random_device{}()};
    std::uniform_int_distribution<int> pick(low, high);
    for (int attempt = 0; attempt < 200; ++attempt) {
        const auto port = static_cast<std::uint16_t>(pick(rng));
        if (bindable(port)) return port;
    }
    throw std::runtime_error("listen_port: no free port below the ephemeral range");
}

}  // namespace fieldgate::test
