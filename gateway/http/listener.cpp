#include "listener.h"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <stdexcept>
#include <string>
#include <string_view>

#include "client_address.h"

namespace fieldgate::http {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using boost::system::error_code;

std::string refusal_response(std::string_view status_line, std::string_view type,
                             std::string_view title, int status, std::string_view detail) {
    const std::string body = "{\"type\":\"https://fieldgate.example/problems/" + std::string(type) +
                             "\",\"title\":\"" + std::string(title) +
                             "\",\"status\":" + std::to_string(status) + ",\"detail\":\"" +
                             std::string(detail) + "\"}";
    return "HTTP/1.1 " + std::string(status_line) +
           "\r\nServer: fieldgate\r\n"
           "Content-Type: application/problem+json\r\nRetry-After: 1\r\n"
           "Connection: close\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body;
}

// Sent, best effort, to a connection beyond max_connections before closing it.
const std::string& busy_response() {
    static const std::string response =
        refusal_response("503 Service Unavailable", "too-many-connections", "Too many connections",
                         503, "Try again later.");
    return response;
}

// Sent to a connection beyond max_connections_per_client: the others are still served.
const std::string& client_busy_response() {
    static const std::string response =
        refusal_response("429 Too Many Requests", "too-many-connections-from-client",
                         "Too many connections from this client", 429,
                         "This address holds as many connections as one client may; reuse them.");
    return response;
}

// Errors after which accepting again at once would only spin: wait a little first.
bool is_resource_exhaustion(const error_code& ec) {
    return ec == net::error::no_descriptors || ec == net::error::no_buffer_space ||
           ec == net::error::no_memory ||
           ec == error_code(ENFILE, boost::system::system_category());
}

}  // namespace

Listener::Listener(net::io_context& ioc, std::shared_ptr<const SessionContext> ctx)
    : ioc_(ioc),
      ctx_(std::move(ctx)),
      strand_(net::make_strand(ioc)),
      acceptor_(strand_),
      backoff_(strand_) {}

void Listener::open(const std::string& address, std::uint16_t port) {
    error_code ec;
    const auto addr = net::ip::make_address(address, ec);
    if (ec) throw std::runtime_error("http: invalid listen address '" + address + "'");
    const tcp::endpoint endpoint(addr, port);
    const auto fail = [&](std::string_view what) {
        throw std::runtime_error("http: cannot " + std::string(what) + " " + address + ":" +
                                 std::to_string(port) + ": " + ec.message());
    };
    acceptor_.open(endpoint.protocol(), ec);
    if (ec) fail("open");
    acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (ec) fail("set SO_REUSEADDR on");
    acceptor_.bind(endpoint, ec);
    if (ec) fail("bind");
    acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) fail("listen on");
    port_ = acceptor_.local_endpoint(ec).port();
    if (ec) fail("read the port of");
}

void Listener::start() {
    net::post(strand_, [self = shared_from_this()] { self->do_accept(); });
}

void Listener::stop() {
    net::post(strand_, [self = shared_from_this()] {
        error_code ec;
        self->acceptor_.close(ec);
        self->backoff_.cancel();
    });
}

void Listener::do_accept() {
    if (!acceptor_.is_open()) return;
    auto on_accept = [self = shared_from_this()](error_code ec, tcp::socket socket) {
        self->on_accept(ec, std::move(socket));
    };
    // With one I/O thread every handler is already serialized: a strand per connection would
    // only add a mutex and a queue hop to every completion (measured ~+4% ingest without).
    if (ctx_->options.threads <= 1)
        acceptor_.async_accept(ioc_.get_executor(), std::move(on_accept));
    else
        acceptor_.async_accept(net::make_strand(ioc_), std::move(on_accept));
}

void Listener::on_accept(error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;  // stopped
    if (ec) {
        spdlog::warn("http: accept failed: {}", ec.message());
        if (is_resource_exhaustion(ec)) {
            backoff_.expires_after(std::chrono::milliseconds(100));
            backoff_.async_wait([self = shared_from_this()](error_code wait_ec) {
                if (!wait_ec) self->do_accept();
            });
            return;
        }
        do_accept();
        return;
    }
    const auto& registry = ctx_->registry;
    if (registry->stopping()) {
        error_code ignored;
        socket.close(ignored);
        do_accept();
        return;
    }
    error_code peer_ec;
    const auto peer = socket.remote_endpoint(peer_ec);
    std::string address = peer_ec ? std::string() : peer.address().to_string();
    const auto& options = ctx_->options;
    const std::size_t per_client =
        is_trusted_proxy(address, options.trusted_proxies) ? 0 : options.max_connections_per_client;
    switch (registry->try_reserve(address, options.max_connections, per_client)) {
        case SessionRegistry::Reservation::taken:
            start_session(std::move(socket), std::move(address), ctx_);
            break;
        case SessionRegistry::Reservation::server_full:
            refuse(socket, busy_response(), address, "the server's cap of",
                   options.max_connections);
            break;
        case SessionRegistry::Reservation::client_full:
            refuse(socket, client_busy_response(), address, "the per-client cap of", per_client);
            break;
    }
    do_accept();
}

void Listener::refuse(tcp::socket& socket, const std::string& answer, const std::string& peer,
                      std::string_view cap, std::size_t connections) {
    error_code ec;
    socket.non_blocking(true, ec);
    // A TLS client could not read a plaintext answer: it only sees the connection close.
    if (!ec && !ctx_->tls) socket.write_some(net::buffer(answer), ec);
    socket.shutdown(tcp::socket::shutdown_both, ec);
    socket.close(ec);
    // A flood of refusals must not become a flood of log lines.
    if (const auto held_back = refusal_log_.admit()) {
        spdlog::warn(
            "http: refused a connection from {}: {} {} connections reached ({} more "
            "refusals not logged)",
            peer, cap, connections, *held_back);
    }
}

}  // namespace fieldgate::http
