// The daemon's side of the HTTPS listener (issue 16): listen.tls into ServerTls, the refusal of
// plain HTTP on a non-loopback address, the reload on SIGHUP or when the files change, and the
// certificate's expiry for /readyz and /metrics.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "config.h"
#include "server.h"

namespace fieldgate {

// Throws std::runtime_error for a plain-HTTP listener on a non-loopback address unless
// listen.allow_insecure_http. Returns the TLS files when listen.tls is set.
std::optional<http::ServerTls> listener_tls(const GatewayConfig& config);

// The readiness detail of the listener certificate: its notAfter, the seconds left, and a
// warning within 14 days of expiry (a warning only: readiness stays as it is).
nlohmann::json certificate_readiness(std::chrono::system_clock::time_point not_after,
                                     std::chrono::system_clock::time_point now);

// Reloads the server's certificate when a file's modification time changes (polled) or on
// reload(); sets fieldgate_tls_certificate_expiry_seconds at every scrape.
class ListenerTlsReloader {
  public:
    ListenerTlsReloader(http::Server& server, http::ServerTls files,
                        std::chrono::milliseconds poll_interval = std::chrono::seconds(5));
    ~ListenerTlsReloader();
    ListenerTlsReloader(const ListenerTlsReloader&) = delete;
    ListenerTlsReloader& operator=(const ListenerTlsReloader&) = delete;

    // Any thread; false when the files could not be loaded (the old certificate stays).
    bool reload(const std::string& trigger);

  private:
    std::vector<std::filesystem::file_time_type> stamps() const;
    void watch();

    http::Server& server_;
    const std::vector<std::string> files_;
    const std::chrono::milliseconds poll_interval_;
    std::uint64_t collector_ = 0;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace fieldgate
