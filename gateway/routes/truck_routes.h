// Trucks seen over MQTT, for the CRM and staff (the router checks the CRM or admin token):
//   GET /v1/trucks[?vendor=]                          latest state and position of each truck
//   GET /v1/trucks/{id}                               one truck
//   GET /v1/trucks/{id}/track?from=&to=[&limit=]      its positions between two RFC 3339 times
#pragma once

#include "read_pool.h"
#include "route_table.h"

namespace fieldgate {

class TruckRoutes {
  public:
    explicit TruckRoutes(store::ReadPool& reads);
    void add_routes(RouteTable& table);

  private:
    void list(const http::Request& request, http::Respond& respond);
    void show(const std::string& id, http::Respond& respond);
    void track(const std::string& id, const http::Request& request, http::Respond& respond);

    store::ReadPool& reads_;
};

}  // namespace fieldgate
