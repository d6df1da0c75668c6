#include "vendor_admin_routes.h"

#include <nlohmann/json.hpp>

#include "api_error.h"
#include "vendor_responses.h"

namespace fieldgate {

VendorAdminRoutes::VendorAdminRoutes(Reload reload) : reload_(std::move(reload)) {}

void VendorAdminRoutes::add_routes(RouteTable& table) {
    table.on(
        "POST", "/v1/admin/vendors/reload",
        [this](http::Request&, const PathParams&, http::Respond& respond) { reload(respond); });
}

void VendorAdminRoutes::reload(http::Respond& respond) {
    const auto outcome = reload_("admin");
    if (outcome.accepted) {
        respond(json_response(200, outcome.to_json()));
        return;
    }
    const auto& first = outcome.errors.front();
    ApiError error{422,
                   "vendor-reload-refused",
                   "Vendor folders refused",
                   std::to_string(outcome.errors.size()) +
                       " problem(s) in the vendor folders; nothing was changed and the previous "
                       "mappings keep serving. First: " +
                       first.to_string(),
                   first.pointer,
                   nlohmann::json::object()};
    const auto body = outcome.to_json();
    error.extra["file"] = first.file;
    error.extra["errors"] = body["errors"];
    error.extra["failing_samples"] = body["failing_samples"];
    error.extra["vendors"] = body["vendors"];
    respond(problem_response(error));
}

}  // namespace fieldgate
