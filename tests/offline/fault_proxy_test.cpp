// The fault proxy's silent cut (set_stalled), which the multi-instance fault rig puts between a
// gateway and its database: while stalled nothing passes either way and nothing is closed; what
// was sent arrives once the stall ends, on connections opened before it and during it alike.
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>
#include <vector>

#include "fault_proxy.h"
#include "support/raw_connection.h"

namespace fieldgate::test {
namespace {

// Echoes what each connection sends, on a free loopback port, until destroyed.
class EchoServer {
  public:
    EchoServer() {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof a;
        ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
        ::listen(fd_, 16);
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
        port_ = ntohs(a.sin_port);
        accepter_ = std::thread([this] {
            for (;;) {
                const int c = ::accept(fd_, nullptr, nullptr);
                if (c < 0) return;
                clients_.emplace_back([c] {
                    char buf[4096];
                    for (;;) {
                        const auto n = ::recv(c, buf, sizeof buf, 0);
                        if (n <= 0) break;
                        ::send(c, buf, static_cast<std::size_t>(n), MSG_NOSIGNAL);
                    }
                    ::close(c);
                });
            }
        });
    }
    ~EchoServer() {
        ::shutdown(fd_, SHUT_RDWR);
        ::close(fd_);
        accepter_.join();
        for (auto& t : clients_) t.join();
    }
    std::uint16_t port() const { return port_; }

  private:
    int fd_ = -1;
    std::uint16_t port_ = 0;
    std::thread accepter_;
    std::vector<std::thread> clients_;
};

TEST(FaultProxy, AStallHoldsEverythingSilentlyAndDeliversItWhenItEnds) {
    EchoServer echo;
    {
        sim::FaultProxy proxy("127.0.0.1", echo.port());
        RawConnection before(proxy.port());
        before.send("one");
        EXPECT_EQ(before.read(std::chrono::milliseconds(300)).substr(0, 3), "one");

        proxy.set_stalled(true);
        before.send("two");
        RawConnection during(proxy.port());  // accepted, held unconnected
        during.send("three");
        EXPECT_EQ(before.read(std::chrono::milliseconds(300)), "");
        EXPECT_EQ(during.read(std::chrono::milliseconds(300)), "");
        EXPECT_FALSE(before.answered_or_closed()) << "a stall closed a connection";
        EXPECT_FALSE(during.answered_or_closed());

        proxy.set_stalled(false);
        EXPECT_EQ(before.read(std::chrono::milliseconds(300)), "two");
        EXPECT_EQ(during.read(std::chrono::milliseconds(300)), "three");
    }  // the proxy closes its connections, so the echo server's end
}

}  // namespace
}  // namespace fieldgate::test
