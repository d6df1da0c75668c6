#include "listener_tls.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <ctime>
#include <stdexcept>

#include "endpoint_url.h"
#include "metrics_registry.h"

namespace fieldgate {
namespace {

constexpr std::chrono::hours kExpiryWarning{24 * 14};

std::string utc_text(std::chrono::system_clock::time_point t) {
    const std::time_t tt = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return text;
}

}  // namespace

std::optional<http::ServerTls> listener_tls(const GatewayConfig& config) {
    if (!config.listen_tls_cert_file.empty()) {
        return http::ServerTls{config.listen_tls_cert_file, config.listen_tls_key_file,
                               config.listen_tls_client_ca_file};
    }
    if (!http::is_loopback_host(config.listen_address) && !config.listen_allow_insecure_http) {
        throw std::runtime_error(
            "listen.address " + config.listen_address +
            " is not loopback and listen.tls is not set: plain HTTP there is refused. Set "
            "listen.tls (cert_file, key_file), or listen.allow_insecure_http: true behind a "
            "TLS-terminating reverse proxy");
    }
    return std::nullopt;
}

nlohmann::json certificate_readiness(std::chrono::system_clock::time_point not_after,
                                     std::chrono::system_clock::time_point now) {
    const auto left = std::chrono::duration_cast<std::chrono::seconds>(not_after - now);
    nlohmann::json detail = {{"not_after", utc_text(not_after)}, {"expires_in_s", left.count()}};
    if (left < kExpiryWarning) {
        detail["warning"] = left.count() <= 0
                                ? "the listener's TLS certificate has expired; replace it"
                                : "the listener's TLS certificate expires within 14 days; "
                                  "replace it (reloaded on SIGHUP or when the file changes)";
    }
    return detail;
}

ListenerTlsReloader::ListenerTlsReloader(http::Server& server, http::ServerTls files,
                                         std::chrono::milliseconds poll_interval)
    : server_(server),
      files_{files.cert_file, files.key_file, files.client_ca_file},
      poll_interval_(poll_interval) {
    auto& registry = metrics::Registry::global();
    collector_ = registry.on_scrape([&registry, &server] {
        const auto not_after = server.certificate_not_after();
        if (!not_after) return;
        registry
            .gauge("fieldgate_tls_certificate_expiry_seconds",
                   "seconds until the listener's TLS certificate expires (negative: expired)")
            .Set(std::chrono::duration<double>(*not_after - std::chrono::system_clock::now())
                     .count());
    });
    thread_ = std::thread([this] { watch(); });
}

ListenerTlsReloader::~ListenerTlsReloader() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
    metrics::Registry::global().remove_collector(collector_);
}

bool ListenerTlsReloader::reload(const std::string& trigger) {
    spdlog::info("reloading the listener's TLS certificate ({})", trigger);
    return !server_.reload_tls().has_value();
}

std::vector<std::filesystem::file_time_type> ListenerTlsReloader::stamps() const {
    std::vector<std::filesystem::file_time_type> out;
    for (const auto& f : files_) {
        std::error_code ec;
        out.push_back(f.empty() ? std::filesystem::file_time_type{}
                                : std::filesystem::last_write_time(f, ec));
    }
    return out;
}

void ListenerTlsReloader::watch() {
    auto seen = stamps();
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, poll_interval_, [this] { return stopping_; })) {
        auto now = stamps();
        if (now == seen) continue;
        seen = std::move(now);
        lock.unlock();
        reload("file change");
        lock.lock();
    }
}

}  // namespace fieldgate
