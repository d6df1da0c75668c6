// Crew tablets' sync API, and the staff route that issues tablets their credentials:
//   POST /v1/admin/devices                      (admin token) a device and its one-time token
//   GET  /v1/admin/devices                      (admin token) devices, last seen, actions
//   POST /v1/sync/enroll                        token -> device secret
//   GET  /v1/sync/assignments?from=&days=       the crew's orders for the coming days + catalog
//   GET  /v1/sync/changes?after=&limit=         assigned/cancelled/rescheduled since a cursor
//   POST /v1/sync/actions                       a batch of crew actions (idempotent per action)
// Photos (/v1/sync/photos/, /v1/admin/photos/) are PhotoUploadRoutes' (photo_upload_routes.h).
// Every /v1/sync route but enroll needs X-Device-Id and Authorization: Bearer <device secret>;
// the router checks the admin token of the staff routes (route_auth.h).
#pragma once

#include <memory>
#include <string>

#include "catalog.h"
#include "config.h"
#include "ingest_service.h"
#include "photo_upload_routes.h"
#include "read_pool.h"
#include "route_table.h"
#include "transaction.h"
#include "types.h"
#include "writer.h"

namespace fieldgate {

class SyncRoutes {
  public:
    SyncRoutes(const GatewayConfig& config, const IngestService& ingest, store::Writer& writer,
               store::ReadPool& reads);

    void add_routes(RouteTable& table);

  private:
    using DeviceHandler = std::function<void(const sync::DeviceRow&, const http::Request&,
                                             const PathParams&, http::Respond&)>;
    // A crew device's route: the body's size and shape checked, then the device authenticated.
    RouteHandler for_device(DeviceHandler handler);
    void create_device(const http::Request& request, http::Respond& respond);
    void list_devices(http::Respond& respond);
    void enroll(const http::Request& request, http::Respond& respond);
    std::optional<sync::DeviceRow> authenticate(const http::Request& request,
                                                http::Respond& respond);
    void assignments(const sync::DeviceRow& device, const http::Request& request,
                     http::Respond& respond);
    void changes(const sync::DeviceRow& device, const http::Request& request,
                 http::Respond& respond);
    void actions(const sync::DeviceRow& device, const http::Request& request,
                 http::Respond& respond);
    void submit(store::Writer::Job job, std::function<http::Response()> answer,
                http::Respond& respond);

    const GatewayConfig& config_;
    store::Writer& writer_;
    store::ReadPool& reads_;
    const IngestService& ingest_;
    std::string catalog_json_;
    PhotoUploadRoutes photos_;
};

}  // namespace fieldgate
