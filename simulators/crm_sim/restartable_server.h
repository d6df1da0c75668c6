// The events port, which `down` really closes: stop() ends the http::Server (the listening
// socket is closed, so connections are refused), start() makes a new one on the same port.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>

#include "server.h"
#include "types.h"

namespace fieldgate::crm_sim {

class RestartableServer {
  public:
    RestartableServer(http::ServerOptions options, http::Service& service);
    ~RestartableServer();
    RestartableServer(const RestartableServer&) = delete;
    RestartableServer& operator=(const RestartableServer&) = delete;

    // Binds (the first time to options.port, then always to the port bound then) and serves
    // on a thread of its own. Throws std::runtime_error when the port cannot be bound. No-op
    // when up.
    void start();
    // Closes the listener and every connection (in-flight answers get the grace period), and
    // waits until the server is gone. No-op when down.
    void stop();
    bool is_up() const;
    std::uint16_t port() const;  // 0 before the first start()

  private:
    mutable std::mutex mutex_;
    http::ServerOptions options_;
    http::Service& service_;
    std::unique_ptr<http::Server> server_;
    std::thread thread_;
};

}  // namespace fieldgate::crm_sim
