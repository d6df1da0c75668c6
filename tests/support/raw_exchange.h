// Sends bytes as they are over a fresh TCP connection and keeps whatever comes back: for the
// malformed-request and slow-client tests an HTTP client library will not write. Test code only.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace fieldgate::test {

struct RawReply {
    std::string data;     // every byte the server sent
    bool closed = false;  // the server closed (or reset) the connection before the timeout
};

// Connects to host:port (an IPv4 literal), sends `bytes`, and reads until the server closes
// the connection or `timeout` passed. Throws std::runtime_error when it cannot connect.
inline RawReply raw_exchange_detailed(const std::string& host, std::uint16_t port,
                                      std::string_view bytes, std::chrono::milliseconds timeout) {
    using Clock = std::chrono::steady_clock;
    const auto deadline = Clock::now() + timeout;
    auto left = [&] {
        const auto ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        return static_cast<int>(std::max<long long>(0, ms.count()));
    };
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) throw std::runtime_error("raw exchange: socket() failed");
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    ::inet_pton(AF_INET, host.c_str(), &to.sin_addr);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
        ::close(fd);
        throw std::runtime_error("raw exchange: cannot connect to " + host);
    }
    std::size_t sent = 0;
    while (sent < bytes.size()) {  // a write error is not final: an early answer may wait
        pollfd p{fd, POLLOUT, 0};
        if (::poll(&p, 1, left()) <= 0) break;
        const auto n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) break;
        sent += static_cast<std::size_t>(n);
    }
    RawReply reply;
    if (sent < bytes.size() && left() == 0) {  // never got it all out: not closed
        ::close(fd);
        return reply;
    }
    char chunk[8192];
    for (;;) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, left()) <= 0) break;  // timed out
        const auto n = ::recv(fd, chunk, sizeof chunk, 0);
        if (n <= 0) {
            reply.closed = true;
            break;
        }
        reply.data.append(chunk, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return reply;
}

inline std::string raw_exchange(const std::string& host, std::uint16_t port, std::string_view bytes,
                                std::chrono::milliseconds timeout) {
    return raw_exchange_detailed(host, port, bytes, timeout).data;
}

}  // namespace fieldgate::test
