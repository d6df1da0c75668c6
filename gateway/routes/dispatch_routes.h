// The vendors' pull side of dispatch, authenticated with each vendor's own credentials:
//   GET /v1/vendors/{vendor}/work-orders?cursor=<seq>&limit=<1..500>   its feed of changes
//   GET /v1/vendors/{vendor}/work-orders/{id}                          one of its orders
// Another vendor's order answers exactly like an unknown one (404).
#pragma once

#include <functional>
#include <memory>

#include "read_pool.h"
#include "registry.h"
#include "secrets.h"
#include "types.h"

namespace fieldgate {

class DispatchRoutes {
  public:
    using Vendors = std::function<std::shared_ptr<const VendorRegistry>()>;
    DispatchRoutes(store::ReadPool& reads, const SecretStore& secrets, Vendors vendors);

    // False when the request is not for one of these routes (nothing was answered).
    bool handle(const http::Request& request, http::Respond& respond);

  private:
    store::ReadPool& reads_;
    const SecretStore& secrets_;
    Vendors vendors_;
};

}  // namespace fieldgate
