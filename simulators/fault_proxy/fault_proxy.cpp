#include "fault_proxy.h"

#include <array>
#include <atomic>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio.hpp>

namespace fieldgate::sim {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

struct FaultProxy::Impl : std::enable_shared_from_this<FaultProxy::Impl> {
    struct Session;

    asio::io_context io;
    tcp::acceptor acceptor{io};
    tcp::endpoint upstream;
    std::thread thread;

    std::mutex mutex;  // guards the budget and the flags (set from the test's thread)
    std::optional<std::pair<Direction, std::size_t>> budget;
    bool offline = false;
    bool stalled = false;
    std::vector<std::function<void()>> parked;  // io thread only: what a stall holds back
    std::atomic<std::size_t> cuts{0};
    std::atomic<std::size_t> connections{0};
    std::set<std::shared_ptr<Session>> sessions;  // io thread only

    struct Session : std::enable_shared_from_this<Session> {
        Impl& proxy;
        tcp::socket client;
        tcp::socket server;
        std::array<char, 16384> up_buffer{};
        std::array<char, 16384> down_buffer{};
        bool closed = false;

        Session(Impl& p, tcp::socket c) : proxy(p), client(std::move(c)), server(p.io) {}

        void start() {
            if (closed) return;  // closed while a stall held it
            auto self = shared_from_this();
            server.async_connect(proxy.upstream, [self](const boost::system::error_code& ec) {
                if (ec) return self->close();
                self->relay(self->client, self->server, self->up_buffer, Direction::to_server);
                self->relay(self->server, self->client, self->down_buffer, Direction::to_client);
            });
        }

        void relay(tcp::socket& from, tcp::socket& to, std::array<char, 16384>& buffer,
                   Direction direction) {
            auto self = shared_from_this();
            from.async_read_some(
                asio::buffer(buffer), [self, &from, &to, &buffer, direction](
                                          const boost::system::error_code& ec, std::size_t n) {
                    if (ec || self->closed) return self->close();
                    if (self->proxy.is_stalled()) {
                        // Held, read no further: resumed when it ends.
                        self->proxy.parked.push_back([self, &from, &to, &buffer, direction, n] {
                            self->forward(from, to, buffer, direction, n);
                        });
                        return;
                    }
                    self->forward(from, to, buffer, direction, n);
                });
        }

        void forward(tcp::socket& from, tcp::socket& to, std::array<char, 16384>& buffer,
                     Direction direction, std::size_t n) {
            if (closed) return;
            std::size_t pass = n;
            bool cut = false;
            {
                std::lock_guard lock(proxy.mutex);
                auto& b = proxy.budget;
                if (b && b->first == direction) {
                    if (n >= b->second) {
                        pass = b->second;
                        cut = true;
                        b.reset();
                    } else {
                        b->second -= n;
                    }
                }
            }
            boost::system::error_code wec;
            if (pass > 0) asio::write(to, asio::buffer(buffer.data(), pass), wec);
            if (cut) {
                ++proxy.cuts;
                return close();
            }
            if (wec) return close();
            relay(from, to, buffer, direction);
        }

        void close() {
            if (closed) return;
            closed = true;
            boost::system::error_code ec;
            client.shutdown(tcp::socket::shutdown_both, ec);
            server.shutdown(tcp::socket::shutdown_both, ec);
            client.close(ec);
            server.close(ec);
            proxy.sessions.erase(shared_from_this());
        }
    };

    bool is_stalled() {
        std::lock_guard lock(mutex);
        return stalled;
    }

    void accept() {
        acceptor.async_accept(
            [self = shared_from_this()](const boost::system::error_code& ec, tcp::socket socket) {
                if (ec == asio::error::operation_aborted) return;
                if (!ec) {
                    ++self->connections;
                    bool refuse;
                    {
                        std::lock_guard lock(self->mutex);
                        refuse = self->offline;
                    }
                    if (refuse) {
                        boost::system::error_code ignored;
                        socket.close(ignored);
                    } else {
                        auto s = std::make_shared<Session>(*self, std::move(socket));
                        self->sessions.insert(s);
                        if (self->is_stalled()) {
                            self->parked.push_back([s] { s->start(); });
                        } else {
                            s->start();
                        }
                    }
                }
                self->accept();
            });
    }
};

FaultProxy::FaultProxy(std::string upstream_host, std::uint16_t upstream_port)
    : impl_(std::make_shared<Impl>()) {
    impl_->upstream = tcp::endpoint(asio::ip::make_address(upstream_host), upstream_port);
    tcp::endpoint local(asio::ip::make_address("127.0.0.1"), 0);
    impl_->acceptor.open(local.protocol());
    impl_->acceptor.set_option(tcp::acceptor::reuse_address(true));
    impl_->acceptor.bind(local);
    impl_->acceptor.listen();
    impl_->accept();
    impl_->thread = std::thread([impl = impl_] { impl->io.run(); });
}

FaultProxy::~FaultProxy() {
    asio::post(impl_->io, [impl = impl_] {
        boost::system::error_code ec;
        impl->acceptor.close(ec);
        auto sessions = impl->sessions;
        for (auto& s : sessions) s->close();
        impl->io.stop();
    });
    impl_->thread.join();
    // The handlers of the operations just aborted still hold the Impl (and the Impl holds the
    // io_context that holds them): run them, so the last reference goes with this proxy.
    impl_->io.restart();
    impl_->io.poll();
}

std::uint16_t FaultProxy::port() const {
    return impl_->acceptor.local_endpoint().port();
}

void FaultProxy::cut_after(Direction direction, std::size_t after_bytes) {
    std::lock_guard lock(impl_->mutex);
    impl_->budget = std::make_pair(direction, after_bytes);
}

void FaultProxy::disarm() {
    std::lock_guard lock(impl_->mutex);
    impl_->budget.reset();
}

void FaultProxy::set_offline(bool offline) {
    {
        std::lock_guard lock(impl_->mutex);
        impl_->offline = offline;
    }
    if (offline) {
        asio::post(impl_->io, [impl = impl_] {
            auto sessions = impl->sessions;
            for (auto& s : sessions) s->close();
        });
    }
}

void FaultProxy::set_stalled(bool stalled) {
    {
        std::lock_guard lock(impl_->mutex);
        impl_->stalled = stalled;
    }
    if (!stalled) {
        asio::post(impl_->io, [impl = impl_] {
            auto parked = std::move(impl->parked);
            impl->parked.clear();
            for (auto& resume : parked) resume();
        });
    }
}

std::size_t FaultProxy::cuts() const {
    return impl_->cuts;
}
std::size_t FaultProxy::connections() const {
    return impl_->connections;
}
bool FaultProxy::armed() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->budget.has_value();
}

}  // namespace fieldgate::sim
