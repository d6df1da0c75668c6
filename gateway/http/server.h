// The HTTP listener (Boost.Beast, async). Beast and OpenSSL stay inside gateway/http's .cpp files.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "types.h"

namespace fieldgate::http {

// HTTPS on the listener. The files are read at start and again on reload_tls() (SIGHUP, or
// when their modification time changes): new connections get the new certificate, connections
// already open keep theirs.
struct ServerTls {
    std::string cert_file;  // PEM: the server certificate, then its chain
    std::string key_file;   // PEM private key
    // PEM CAs: a client certificate issued by one of them counts as verified. A client
    // certificate is asked for (never required) on every connection; the service decides per
    // route whether it needs one (Request::client_certificate).
    std::string client_ca_file;
};

struct ServerOptions {
    std::string address = "127.0.0.1";
    std::uint16_t port = 8080;  // 0 = any free port; see Server::port()
    int threads = 1;
    std::chrono::seconds read_timeout{30};  // whole request, header and body
    std::chrono::seconds idle_timeout{60};  // between keep-alive requests
    std::chrono::seconds write_timeout{30};
    std::size_t max_header_bytes = 16 * 1024;
    std::size_t max_connections = 10000;
    // One client may hold at most this many connections (by peer address; a trusted proxy
    // counts only against max_connections), and a client a trusted proxy names in
    // X-Forwarded-For may have this many requests in flight (a direct client has one per
    // connection), so that one client cannot lock the others out. 0: no per-client cap.
    std::size_t max_connections_per_client = 256;
    std::size_t max_requests_in_flight_per_client = 64;
    std::vector<std::string> trusted_proxies;  // peer addresses, e.g. the load balancer's
    std::optional<ServerTls> tls;              // absent: plain HTTP
    // stop(): how long in-flight responses may take before run() returns anyway.
    std::chrono::milliseconds shutdown_grace{5000};
};

class Server {
  public:
    // Throws std::runtime_error when options.tls names files that cannot be loaded.
    Server(ServerOptions options, Service& service);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Binds and listens; throws std::runtime_error when the address cannot be bound.
    void start();
    std::uint16_t port() const;
    // Blocks running the I/O threads until stop() is called.
    void run();
    // Thread-safe; makes run() return after in-flight responses are written.
    void stop();

    // Thread-safe: reads ServerTls's files again for new connections (open ones keep their
    // certificate). On error the previous certificate stays and the reason is returned (and
    // logged). Without TLS: nothing to do, nullopt.
    std::optional<std::string> reload_tls();
    // The listener certificate's notAfter; nullopt without TLS.
    std::optional<std::chrono::system_clock::time_point> certificate_not_after() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace fieldgate::http
