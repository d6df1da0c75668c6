// Staff routes under /v1/admin (bearer secret admin/api-token): dead letters listed and
// replayed, delivery endpoints inspected and enabled again after a 410.
#pragma once

#include <string>

#include "read_pool.h"
#include "secrets.h"
#include "types.h"
#include "writer.h"

namespace fieldgate {

namespace delivery {
class DeliveryWorker;
}

class AdminRoutes {
  public:
    AdminRoutes(const SecretStore& secrets, store::Writer& writer, store::ReadPool& reads,
                delivery::DeliveryWorker* worker);
    static bool owns(const std::string& path);
    void handle(http::Request& request, http::Respond& respond);

  private:
    bool authorized(const http::Request& request) const;
    void list_dead_letters(const http::Request& request, http::Respond& respond);
    void replay_dead_letters(const http::Request& request, http::Respond& respond);
    void list_endpoints(http::Respond& respond);
    void enable_endpoint(const std::string& name, http::Respond& respond);

    const SecretStore& secrets_;
    store::Writer& writer_;
    store::ReadPool& reads_;
    delivery::DeliveryWorker* worker_;  // null when nothing is delivered
};

}  // namespace fieldgate
