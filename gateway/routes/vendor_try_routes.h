// The console's Vendors page, on the staff API (the router checks the token or session):
//   GET  /v1/admin/vendors/{vendor}/mapping  the vendor's mapping.json as its folder holds it,
//                                            and the version serving now
//   POST /v1/admin/vendors/{vendor}/try      {"payload": "<text>", "mapping": {...}?}: what the
//                                            payload becomes under the live mapping, or under an
//                                            edited one (loaded from a copy of the folder, never
//                                            installed); nothing is stored either way
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "registry.h"
#include "route_table.h"

namespace fieldgate {

class VendorTryRoutes {
  public:
    VendorTryRoutes(LoaderOptions options, std::string vendor_schemas_dir,
                    std::function<std::shared_ptr<const VendorRegistry>()> vendors);
    void add_routes(RouteTable& table);

  private:
    void mapping(const std::string& vendor, http::Respond& respond) const;
    void try_payload(const std::string& vendor, const http::Request& request,
                     http::Respond& respond) const;

    LoaderOptions options_;
    std::string vendor_schemas_dir_;
    std::function<std::shared_ptr<const VendorRegistry>()> vendors_;
};

}  // namespace fieldgate
