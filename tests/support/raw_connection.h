// A bare TCP connection to the gateway from a chosen loopback source address (127.0.0.2, ...),
// for what an HTTP client library will not do: hold a connection idle, send half a request,
// look like another client. Test code only.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace fieldgate::test {

class RawConnection {
  public:
    RawConnection(std::uint16_t port, const std::string& source = "127.0.0.1") {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        if (fd_ < 0) throw std::runtime_error("socket() failed");
        sockaddr_in from{};
        from.sin_family = AF_INET;
        ::inet_pton(AF_INET, source.c_str(), &from.sin_addr);
        if (::bind(fd_, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0)
            throw std::runtime_error("cannot bind to " + source);
        sockaddr_in to{};
        to.sin_family = AF_INET;
        to.sin_port = htons(port);
        ::inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
        if (::connect(fd_, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0)
            throw std::runtime_error("cannot connect from " + source);
    }
    ~RawConnection() {
        if (fd_ >= 0) ::close(fd_);
    }
    RawConnection(RawConnection&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
    RawConnection(const RawConnection&) = delete;
    RawConnection& operator=(const RawConnection&) = delete;
    RawConnection& operator=(RawConnection&&) = delete;

    // Sends as much of `bytes` as the socket takes within `patience`; returns how much went.
    std::size_t send(std::string_view bytes,
                     std::chrono::milliseconds patience = std::chrono::milliseconds(2000)) {
        std::size_t sent = 0;
        const auto deadline = std::chrono::steady_clock::now() + patience;
        while (sent < bytes.size() && std::chrono::steady_clock::now() < deadline) {
            pollfd p{fd_, POLLOUT, 0};
            if (::poll(&p, 1, 50) <= 0) continue;
            const auto n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
            if (n <= 0) break;
            sent += static_cast<std::size_t>(n);
        }
        return sent;
    }

    // What arrives within `patience` (until the peer closes, or a full response head and
    // `patience` passed).
    std::string read(std::chrono::milliseconds patience = std::chrono::milliseconds(3000)) {
        std::string in;
        const auto deadline = std::chrono::steady_clock::now() + patience;
        char buf[8192];
        while (std::chrono::steady_clock::now() < deadline) {
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, 50) <= 0) {
                if (in.find("\r\n\r\n") != std::string::npos) break;
                continue;
            }
            const auto n = ::recv(fd_, buf, sizeof buf, 0);
            if (n <= 0) break;
            in.append(buf, static_cast<std::size_t>(n));
        }
        return in;
    }

    // Whether the peer has closed the connection or answered (nothing is consumed).
    bool answered_or_closed() const {
        char c;
        const auto n = ::recv(fd_, &c, 1, MSG_PEEK | MSG_DONTWAIT);
        return n >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK);
    }

    // The status code of the response in `text`, 0 when there is none.
    static int status_of(const std::string& text) {
        if (text.rfind("HTTP/1.", 0) != 0 || text.size() < 12) return 0;
        return std::stoi(text.substr(9, 3));
    }

  private:
    int fd_ = -1;
};

// The resident set of process `pid`, in KiB (VmRSS), 0 when unknown.
inline long rss_kib(int pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string key;
    while (in >> key) {
        if (key == "VmRSS:") {
            long kib = 0;
            in >> kib;
            return kib;
        }
    }
    return 0;
}

}  // namespace fieldgate::test
