// Trucks seen over MQTT, for the CRM and staff (CRM bearer token or the admin token):
//   GET /v1/trucks[?vendor=]                          latest state and position of each truck
//   GET /v1/trucks/{id}                               one truck
//   GET /v1/trucks/{id}/track?from=&to=[&limit=]      its positions between two RFC 3339 times
#pragma once

#include "read_pool.h"
#include "secrets.h"
#include "types.h"

namespace fieldgate {

class TruckRoutes {
  public:
    TruckRoutes(store::ReadPool& reads, const SecretStore& secrets);
    // False when the request is not for one of these routes (nothing was answered).
    bool handle(const http::Request& request, http::Respond& respond);

  private:
    bool authorized(const http::Request& request) const;
    void track(const std::string& id, const http::Request& request, http::Respond& respond);

    store::ReadPool& reads_;
    const SecretStore& secrets_;
};

}  // namespace fieldgate
