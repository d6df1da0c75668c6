// The running gateway: config, catalog, vendors, store, HTTP server, wired together.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>

#include "catalog.h"
#include "config.h"
#include "leadership.h"
#include "outbox_leases.h"
#include "read_pool.h"
#include "registry.h"
#include "secrets.h"
#include "vendor_rate_limits.h"
#include "vendor_reloader.h"
#include "writer.h"

namespace fieldgate {

class IngestService;
class WorkOrderService;
class OrderChangeService;
class Router;
class AdminRoutes;
class OpsRoutes;
class ConsoleRoutes;
class VendorTryRoutes;
namespace console {
class Sessions;
}
class Watchdog;
class VendorAdminRoutes;
class FolderWatch;
class ListenerTlsReloader;
namespace poll {
class Poller;
}
namespace delivery {
class DeliveryWorker;
}
namespace http {
class Server;
}
namespace mqtt {
class TruckService;
}

class Gateway {
  public:
    // Loads everything and refuses to start on any configuration error (thrown, with where).
    explicit Gateway(GatewayConfig config);
    ~Gateway();

    void start();  // binds the listener (writes the port file)
    void run();    // blocks until stop()
    void stop();   // thread-safe
    std::uint16_t port() const;
    std::shared_ptr<const VendorRegistry> vendors() const;
    // Loads every vendor folder again; swaps the set in only when all are valid (SIGHUP, the
    // admin route and the folder watch call this). Thread-safe.
    VendorReloadOutcome reload_vendors(const std::string& trigger);
    // Reads the listener's TLS files again (SIGHUP); without listen.tls, nothing.
    void reload_tls(const std::string& trigger);

  private:
    // The constructor's steps, in order.
    void load_vendors();
    void open_store();
    void start_delivery();
    void start_services();
    void start_routes();
    void start_server();

    GatewayConfig config_;
    std::shared_ptr<const Catalog> catalog_;
    SecretStore secrets_;
    mutable std::mutex vendors_mutex_;
    std::shared_ptr<const VendorRegistry> vendors_;
    VendorRateLimits rate_limits_;  // given each vendor set before it serves
    // Declared before the writer: the writer drains its queued jobs, which use it, on the way out.
    std::unique_ptr<IngestService> ingest_;
    std::unique_ptr<store::Writer> writer_;
    std::unique_ptr<store::ReadPool> reads_;
    std::unique_ptr<store::Leadership> leadership_;
    std::unique_ptr<store::OutboxLeases> leases_;  // several gateways deliver (PostgreSQL)
    // Asks the store whether this gateway leads `role` (always, on SQLite).
    std::function<bool()> leads(store::LeaderRole role) {
        return [this, role] { return leadership_->leads(role); };
    }
    std::atomic<delivery::DeliveryWorker*> delivery_{nullptr};  // the writer's commit listener
    std::unique_ptr<delivery::DeliveryWorker> delivery_worker_;
    std::unique_ptr<Watchdog> watchdog_;
    std::unique_ptr<AdminRoutes> admin_;
    std::unique_ptr<OpsRoutes> ops_;
    std::unique_ptr<console::Sessions> console_sessions_;
    std::unique_ptr<ConsoleRoutes> console_;
    std::unique_ptr<VendorTryRoutes> vendor_try_;
    std::uint64_t metrics_collector_ = 0;  // scrape-time gauges over the store and writer
    std::uint64_t delivery_metrics_ = 0;   // and over the delivery worker's endpoints
    std::uint64_t mqtt_metrics_ = 0;       // the MQTT scrape collector, when MQTT is configured
    std::unique_ptr<WorkOrderService> work_orders_;
    std::unique_ptr<OrderChangeService> order_changes_;
    std::unique_ptr<mqtt::TruckService> trucks_;  // only when the config has `mqtt`
    std::unique_ptr<Router> router_;
    std::unique_ptr<http::Server> server_;
    std::unique_ptr<VendorReloader> reloader_;
    std::unique_ptr<ListenerTlsReloader> tls_reloader_;  // with listen.tls
    std::unique_ptr<VendorAdminRoutes> vendor_admin_;
    std::unique_ptr<FolderWatch> folder_watch_;
    std::unique_ptr<poll::Poller> poller_;
};

}  // namespace fieldgate
