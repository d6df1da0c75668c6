// Staff route for vendor folders (the router checks the staff token, admin/api-token):
//   POST /v1/admin/vendors/reload   load every vendor folder again; 200 with the versions now
//                                   serving, or 422 problem JSON listing every error while the
//                                   previous set keeps serving.
#pragma once

#include <functional>
#include <string>

#include "route_table.h"
#include "vendor_reloader.h"

namespace fieldgate {

class VendorAdminRoutes {
  public:
    using Reload = std::function<VendorReloadOutcome(const std::string& trigger)>;
    explicit VendorAdminRoutes(Reload reload);
    void add_routes(RouteTable& table);

  private:
    void reload(http::Respond& respond);

    Reload reload_;
};

}  // namespace fieldgate
