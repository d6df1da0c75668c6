#include "vendor_admin_routes.h"

#include <nlohmann/json.hpp>

#include "api_error.h"
#include "vendor_responses.h"

namespace fieldgate {

namespace {

constexpr std::string_view kReload = "/v1/admin/vendors/reload";

}  // namespace

VendorAdminRoutes::VendorAdminRoutes(const SecretStore& secrets, Reload reload)
    : secrets_(secrets), reload_(std::move(reload)) {}

bool VendorAdminRoutes::handle(const http::Request& request, http::Respond& respond) {
    if (request.path != kReload) return false;
    const auto header = request.header("authorization");
    constexpr std::string_view kBearer = "Bearer ";
    if (!header || header->size() <= kBearer.size() ||
        header->substr(0, kBearer.size()) != kBearer ||
        !secrets_.matches("admin/api-token", header->substr(kBearer.size()))) {
        auto r = problem(401, "unauthorized", "Unauthorized",
                         "a valid staff (admin) bearer token is required", "Authorization");
        r.headers.push_back({"www-authenticate", "Bearer"});
        respond(std::move(r));
        return true;
    }
    if (request.method != "POST") {
        respond(problem(405, "method-not-allowed", "Method not allowed", "use POST to reload"));
        return true;
    }
    const auto outcome = reload_("admin");
    if (outcome.accepted) {
        respond(json_response(200, outcome.to_json()));
        return true;
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
    return true;
}

}  // namespace fieldgate
