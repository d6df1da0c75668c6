// Staff route for vendor folders (bearer secret admin/api-token):
//   POST /v1/admin/vendors/reload   load every vendor folder again; 200 with the versions now
//                                   serving, or 422 problem JSON listing every error while the
//                                   previous set keeps serving.
#pragma once

#include <functional>
#include <string>

#include "secrets.h"
#include "types.h"
#include "vendor_reloader.h"

namespace fieldgate {

class VendorAdminRoutes {
  public:
    using Reload = std::function<VendorReloadOutcome(const std::string& trigger)>;
    VendorAdminRoutes(const SecretStore& secrets, Reload reload);

    // False when the request is not for one of these routes (nothing was answered).
    bool handle(const http::Request& request, http::Respond& respond);

  private:
    const SecretStore& secrets_;
    Reload reload_;
};

}  // namespace fieldgate
