// Staff routes under /v1/admin (the router checks the staff token, admin/api-token): dead letters
// listed and replayed, delivery endpoints inspected and enabled again after a 410.
#pragma once

#include <string>

#include "read_pool.h"
#include "route_table.h"
#include "writer.h"

namespace fieldgate {

namespace delivery {
class DeliveryWorker;
}

class AdminRoutes {
  public:
    AdminRoutes(store::Writer& writer, store::ReadPool& reads, delivery::DeliveryWorker* worker);
    void add_routes(RouteTable& table);

  private:
    void list_dead_letters(const http::Request& request, http::Respond& respond);
    void replay_dead_letters(const http::Request& request, http::Respond& respond);
    void list_endpoints(http::Respond& respond);
    void enable_endpoint(const std::string& name, http::Respond& respond);

    store::Writer& writer_;
    store::ReadPool& reads_;
    delivery::DeliveryWorker* worker_;  // null when nothing is delivered
};

}  // namespace fieldgate
