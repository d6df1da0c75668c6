// The vendors' pull side of dispatch, authenticated with each vendor's own credentials:
//   GET /v1/vendors/{vendor}/work-orders?cursor=<seq>&limit=<1..500>   its feed of changes
//   GET /v1/vendors/{vendor}/work-orders/{id}                          one of its orders
// Another vendor's order answers exactly like an unknown one (404). Each read takes a token of
// the vendor's rate limit once it authenticated (429 with Retry-After over it).
#pragma once

#include <functional>
#include <memory>

#include "read_pool.h"
#include "registry.h"
#include "route_table.h"
#include "secrets.h"
#include "vendor_rate_limits.h"

namespace fieldgate {

class DispatchRoutes {
  public:
    using Vendors = std::function<std::shared_ptr<const VendorRegistry>()>;
    // `limits` may be null: no rate limit.
    DispatchRoutes(store::ReadPool& reads, const SecretStore& secrets, Vendors vendors,
                   VendorRateLimits* limits);

    void add_routes(RouteTable& table);

  private:
    // `id` empty: the vendor's feed.
    void read(const std::string& vendor, const std::string& id, const http::Request& request,
              http::Respond& respond);

    store::ReadPool& reads_;
    const SecretStore& secrets_;
    Vendors vendors_;
    VendorRateLimits* limits_;
};

}  // namespace fieldgate
