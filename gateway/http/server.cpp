// Server: the io_context, its threads, the listener and an orderly stop. The per-connection
// work is in session.cpp, accepting in listener.cpp.
//
// Threads: `threads` threads run one io_context (DESIGN.md: on 2 cores one I/O thread beat
// two, so 1 is the default). Every session runs on its own strand, so the same code is right
// with more threads.
#include "server.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <exception>
#include <stdexcept>
#include <thread>
#include <vector>

#include "listener.h"
#include "session.h"
#include "session_registry.h"
#include "tls_context.h"

namespace fieldgate::http {

namespace net = boost::asio;

struct Server::Impl {
    Impl(ServerOptions options_in, Service& service)
        : options(std::move(options_in)),
          ioc(std::max(1, options.threads)),
          work(ioc.get_executor()),
          grace_timer(ioc),
          registry(std::make_shared<SessionRegistry>([this] { ioc.stop(); })),
          tls(options.tls ? std::make_shared<TlsContexts>(*options.tls) : nullptr),
          ctx(std::make_shared<SessionContext>(options, service, registry, tls)),
          listener(std::make_shared<Listener>(ioc, ctx)) {}

    ~Impl() {
        stop();
        // From here on a late `respond` does nothing, and no handler runs any more: close what
        // is left while the io_context still exists, then let members go in reverse order.
        ctx->gate->close();
        ioc.stop();
        registry->abandon_all();
    }

    void run_one_thread() {
        // A handler that throws is a bug; log it and keep serving rather than losing the
        // thread (the Asio-documented way to recover from an exception out of run()).
        for (;;) {
            try {
                ioc.run();
                return;
            } catch (const std::exception& e) {
                spdlog::critical("http: exception escaped an I/O handler: {}", e.what());
            } catch (...) {
                spdlog::critical("http: unknown exception escaped an I/O handler");
            }
        }
    }

    void stop() {
        if (stopping.exchange(true)) return;
        listener->stop();
        // Sessions finish the response they owe, then close; the last one out stops the
        // io_context (registry callback). The grace timer bounds how long that may take.
        net::post(ioc, [this] {
            grace_timer.expires_after(options.shutdown_grace);
            grace_timer.async_wait([this](boost::system::error_code ec) {
                if (!ec) ioc.stop();
            });
        });
        registry->begin_stop();
    }

    const ServerOptions options;
    net::io_context ioc;  // destroyed last: everything below uses it
    // run() must not return just because nothing is pending (e.g. every session is waiting
    // for its service's answer while the acceptor closes); only ioc.stop() ends it, called
    // once the sessions drained after stop() or when the grace timer fires.
    net::executor_work_guard<net::io_context::executor_type> work;
    net::steady_timer grace_timer;
    std::shared_ptr<SessionRegistry> registry;
    std::shared_ptr<TlsContexts> tls;  // null: plain HTTP
    std::shared_ptr<SessionContext> ctx;
    std::shared_ptr<Listener> listener;
    std::atomic<bool> stopping{false};
    bool started = false;
};

Server::Server(ServerOptions options, Service& service)
    : impl_(std::make_unique<Impl>(std::move(options), service)) {}

Server::~Server() = default;

void Server::start() {
    if (impl_->started) throw std::logic_error("http: Server::start() called twice");
    impl_->listener->open(impl_->options.address, impl_->options.port);
    impl_->listener->start();
    impl_->started = true;
    spdlog::info("http: listening on {}:{} ({}, {} I/O thread(s))", impl_->options.address,
                 impl_->listener->port(), impl_->tls ? "HTTPS" : "plain HTTP",
                 std::max(1, impl_->options.threads));
}

std::uint16_t Server::port() const {
    return impl_->listener->port();
}

void Server::run() {
    const int n = std::max(1, impl_->options.threads);
    std::vector<std::thread> extra;
    extra.reserve(static_cast<std::size_t>(n - 1));
    for (int i = 1; i < n; ++i) extra.emplace_back([this] { impl_->run_one_thread(); });
    impl_->run_one_thread();
    for (auto& t : extra) t.join();
}

void Server::stop() {
    impl_->stop();
}

std::optional<std::string> Server::reload_tls() {
    if (!impl_->tls) return std::nullopt;
    return impl_->tls->reload();
}

std::optional<std::chrono::system_clock::time_point> Server::certificate_not_after() const {
    if (!impl_->tls) return std::nullopt;
    return impl_->tls->not_after();
}

}  // namespace fieldgate::http
