// What the server tests share: a raw socket for bytes a well-behaved client would never send,
// and the http_server fixture, a real Server on loopback that a test may restart with other
// options.
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "http_client.h"
#include "http_test_support.h"

namespace fieldgate::http {

// A blocking POSIX socket for byte-level tests.
class RawSocket {
  public:
    explicit RawSocket(std::uint16_t port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(port);
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    }
    ~RawSocket() { ::close(fd_); }
    RawSocket(const RawSocket&) = delete;
    RawSocket& operator=(const RawSocket&) = delete;

    bool connected() const { return connected_; }

    bool send_all(std::string_view bytes) {
        while (!bytes.empty()) {
            const auto n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
            if (n <= 0) return false;
            bytes.remove_prefix(static_cast<std::size_t>(n));
        }
        return true;
    }

    // Reads until `marker` has been seen, the peer closed, or `limit` passed.
    std::string read_until(std::string_view marker,
                           std::chrono::milliseconds limit = std::chrono::seconds(20)) {
        const auto end = std::chrono::steady_clock::now() + limit;
        while (received_.find(marker) == std::string::npos && !closed_) {
            if (!read_some(end)) break;
        }
        return received_;
    }

    // True when the peer closes (FIN or reset) within `limit`.
    bool wait_closed(std::chrono::milliseconds limit = std::chrono::seconds(20)) {
        const auto end = std::chrono::steady_clock::now() + limit;
        while (!closed_) {
            if (!read_some(end)) break;
        }
        return closed_;
    }

    const std::string& received() const { return received_; }

  private:
    // false on timeout
    bool read_some(std::chrono::steady_clock::time_point end) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            end - std::chrono::steady_clock::now());
        if (left.count() <= 0) return false;
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
        char buf[4096];
        const auto n = ::recv(fd_, buf, sizeof buf, 0);
        if (n <= 0) {
            closed_ = true;
            return true;
        }
        received_.append(buf, static_cast<std::size_t>(n));
        return true;
    }

    int fd_ = -1;
    bool connected_ = false;
    bool closed_ = false;
    std::string received_;
};

class http_server : public ::testing::Test {
  protected:
    void SetUp() override { start(testing::test_options()); }

    void start(ServerOptions options) {
        server_.reset();
        server_ = std::make_unique<testing::RunningServer>(service_, std::move(options));
    }

    std::uint16_t port() const { return server_->port(); }
    sim::HttpClient client() const { return sim::HttpClient("127.0.0.1", port()); }

    testing::TestService service_;
    std::unique_ptr<testing::RunningServer> server_;
};

}  // namespace fieldgate::http
