// Routes HTTP requests to the core: CRM work orders, vendor results, health. Beast-free.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "auth_refusals.h"
#include "config.h"
#include "console_sessions.h"
#include "dispatch_routes.h"
#include "ingest.h"
#include "order_change_routes.h"
#include "registry.h"
#include "route_catalog.h"
#include "route_table.h"
#include "secrets.h"
#include "sync_routes.h"
#include "truck_routes.h"
#include "types.h"
#include "vendor_rate_limits.h"
#include "work_orders.h"
#include "work_queue.h"
#include "writer.h"

namespace fieldgate {

// What the router needs from the running gateway.
class AdminRoutes;
class ConsoleRoutes;
class VendorAdminRoutes;
class VendorTryRoutes;
class OpsRoutes;
class IngestService;

struct GatewayParts {
    const GatewayConfig* config = nullptr;
    const Catalog* catalog = nullptr;
    store::Writer* writer = nullptr;
    IngestService* ingest = nullptr;  // the one way anything becomes an outcome
    WorkOrderService* work_orders = nullptr;
    OrderChangeService* order_changes = nullptr;
    store::ReadPool* reads = nullptr;
    const SecretStore* secrets = nullptr;
    std::function<std::shared_ptr<const VendorRegistry>()> vendors;
    VendorRateLimits* rate_limits = nullptr;  // null: vendors are not rate limited
    // Set when MQTT is configured: /readyz then also needs the broker connection.
    std::function<bool()> mqtt_connected;
    std::function<nlohmann::json()> mqtt_stats;
    AdminRoutes* admin = nullptr;                 // staff routes under /v1/admin
    VendorAdminRoutes* vendor_admin = nullptr;    // POST /v1/admin/vendors/reload
    OpsRoutes* ops = nullptr;                     // quarantine, vendor health, reports, metrics
    ConsoleRoutes* console = nullptr;             // the staff console's files and sign-in
    VendorTryRoutes* vendor_try = nullptr;        // a vendor's mapping, a payload tried on it
    const console::Sessions* sessions = nullptr;  // null: staff routes take the token only
    // The listener certificate's notAfter (nullopt: plain HTTP), for /readyz.
    std::function<std::optional<std::chrono::system_clock::time_point>()> tls_not_after;
};

class Router : public http::Service {
  public:
    explicit Router(GatewayParts parts);
    ~Router() override;
    Router(const Router&) = delete;
    Router& operator=(const Router&) = delete;
    std::size_t body_limit(const http::Request& head) const override;
    // admission.cpp: the route's credential checked from the head, before the body is read.
    http::Admission admit(const http::Request& head) override;
    void handle(http::Request request, http::Respond respond) override;

  private:
    // Every route of the catalog to its handler: the router's own here, each routes class's
    // through its add_routes.
    void bind_routes();
    http::Response readiness() const;
    void post_work_order(http::Request& request, http::Respond& respond);
    void get_work_order(const std::string& id, http::Respond& respond);
    void find_work_orders(const http::Request& request, http::Respond& respond);
    void post_vendor_results(const std::string& vendor, http::Request& request,
                             http::Respond& respond);
    http::Admission admit_vendor(const http::Request& head, const RouteSpec& route);
    // vendor_results_route.cpp: answers (and stores nothing) when the caller is not the vendor.
    bool refuse_unknown_caller(const VendorSpec& spec, const http::Request& request,
                               http::Respond& respond);
    // The answer is rendered on `render_on` when it is set and running, else on the I/O thread.
    void submit_ingest(std::shared_ptr<IngestRequest> ingest, const http::Request& request,
                       const ResponseSpec& style, const std::string& request_id,
                       const std::weak_ptr<WorkQueue>& render_on, http::Respond& respond);
    // Counts a 401 the handlers answered against the client (auth_refusals.h).
    http::Respond counting_refusals(const http::Request& request, std::string_view route,
                                    http::Respond respond);

    GatewayParts parts_;
    AuthRefusals auth_refusals_;
    DispatchRoutes dispatch_;
    OrderChangeRoutes order_changes_;
    SyncRoutes sync_;  // crew tablets
    TruckRoutes trucks_;
    RouteTable table_;
    // Shut down by ~Router, so its queued jobs run while everything they use is still there;
    // shared with the writer's completions, which may outlive the router (they then find it
    // shut down and render on the I/O thread).
    std::shared_ptr<WorkQueue> ingest_queue_;
};

}  // namespace fieldgate
