// Routes of the operations tools: quarantine and dead-letter handling for staff, vendor health
// (under /v1/admin, admin token), reports (/v1/reports, admin or CRM token) and /metrics; the
// router checks each route's token (route_auth.h) before these handlers run.
#pragma once

#include <memory>
#include <string>

#include "catalog.h"
#include "config.h"
#include "ingest.h"
#include "quarantine_replay.h"
#include "read_pool.h"
#include "registry.h"
#include "route_table.h"
#include "secrets.h"
#include "vendor_rate_limits.h"
#include "writer.h"

namespace fieldgate {

struct OpsParts {
    const GatewayConfig* config = nullptr;
    const Catalog* catalog = nullptr;
    const SecretStore* secrets = nullptr;
    store::Writer* writer = nullptr;
    const IngestService* ingest = nullptr;  // quarantine replay re-runs payloads through it
    store::ReadPool* reads = nullptr;
    std::function<std::shared_ptr<const VendorRegistry>()> vendors;
    const VendorRateLimits* rate_limits = nullptr;     // vendor health shows each vendor's
    ops::QuarantineReplayer::MqttRequest mqtt_replay;  // unset when MQTT is not configured
};

class OpsRoutes {
  public:
    explicit OpsRoutes(OpsParts parts);
    void add_routes(RouteTable& table);

  private:
    // The route's {id} as a row id, or a 404 naming `what` when it is not one.
    RouteHandler with_id(const char* what,
                         std::function<void(std::int64_t, http::Request&, http::Respond&)> run);
    void list_quarantine(const http::Request& request, http::Respond& respond);
    void show_quarantine(std::int64_t id, http::Respond& respond);
    void replay_quarantine(const http::Request& request, http::Respond& respond);
    void discard(const std::string& what, std::int64_t id, const http::Request& request,
                 http::Respond& respond);
    void vendor_health(const std::string& vendor, const http::Request& request,
                       http::Respond& respond);
    void report(const std::string& name, const http::Request& request, http::Respond& respond);
    void metrics(const http::Request& request, http::Respond& respond);

    OpsParts parts_;
    std::unique_ptr<ops::QuarantineReplayer> replayer_;
};

}  // namespace fieldgate
