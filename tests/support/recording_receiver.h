// A vendor's (or any) HTTP endpoint for tests: the gateway's own HTTP server on a free loopback
// port, in this process, recording every request it is sent and answering 200; over HTTPS when
// given a ServerTls.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "server.h"
#include "types.h"

namespace fieldgate::test {

class RecordingReceiver : public http::Service {
  public:
    explicit RecordingReceiver(std::optional<http::ServerTls> tls = std::nullopt)
        : server_(options(std::move(tls)), *this) {
        server_.start();
        thread_ = std::thread([this] { server_.run(); });
    }
    ~RecordingReceiver() override {
        server_.stop();
        thread_.join();
    }
    std::uint16_t port() const { return server_.port(); }

    std::size_t body_limit(const http::Request&) const override { return 1 << 20; }
    void handle(http::Request request, http::Respond respond) override {
        {
            std::lock_guard lock(mutex_);
            received_.push_back(std::move(request));
        }
        changed_.notify_all();
        respond(http::Response{200, "application/json", {}, "{}", false, {}});
    }

    // Waits until `n` requests arrived (or `limit` passed) and returns what arrived.
    std::vector<http::Request> wait_for(std::size_t n, std::chrono::milliseconds limit) {
        std::unique_lock lock(mutex_);
        changed_.wait_for(lock, limit, [&] { return received_.size() >= n; });
        return received_;
    }

  private:
    static http::ServerOptions options(std::optional<http::ServerTls> tls) {
        http::ServerOptions o;
        o.port = 0;
        o.tls = std::move(tls);
        return o;
    }
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<http::Request> received_;
    http::Server server_;
    std::thread thread_;
};

}  // namespace fieldgate::test
