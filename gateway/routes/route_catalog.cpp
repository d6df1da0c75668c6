#include "route_catalog.h"

namespace fieldgate {

const std::vector<RouteSpec>& route_catalog() {
    static const std::vector<RouteSpec> routes = {
        {"GET", "/healthz", "Router", Credential::none},
        {"GET", "/readyz", "Router", Credential::none},
        {"GET", "/metrics", "OpsRoutes", Credential::metrics},
        {"POST", "/v1/work-orders", "Router", Credential::crm},
        {"GET", "/v1/work-orders", "Router", Credential::crm},
        {"GET", "/v1/work-orders/{id}", "Router", Credential::crm},
        {"POST", "/v1/work-orders/{id}/cancel", "OrderChangeRoutes", Credential::crm},
        {"POST", "/v1/work-orders/{id}/reschedule", "OrderChangeRoutes", Credential::crm},
        {"POST", "/v1/vendors/{vendor}/results", "Router", Credential::vendor},
        {"GET", "/v1/vendors/{vendor}/work-orders", "DispatchRoutes", Credential::vendor},
        {"GET", "/v1/vendors/{vendor}/work-orders/{id}", "DispatchRoutes", Credential::vendor},
        {"GET", "/v1/admin/dead-letters", "AdminRoutes", Credential::staff},
        {"POST", "/v1/admin/dead-letters/replay", "AdminRoutes", Credential::staff},
        {"POST", "/v1/admin/dead-letters/{id}/discard", "OpsRoutes", Credential::staff},
        {"GET", "/v1/admin/endpoints", "AdminRoutes", Credential::staff},
        {"POST", "/v1/admin/endpoints/{name}/enable", "AdminRoutes", Credential::staff},
        {"GET", "/v1/admin/quarantine", "OpsRoutes", Credential::staff},
        {"POST", "/v1/admin/quarantine/replay", "OpsRoutes", Credential::staff},
        {"GET", "/v1/admin/quarantine/{id}", "OpsRoutes", Credential::staff},
        {"POST", "/v1/admin/quarantine/{id}/discard", "OpsRoutes", Credential::staff},
        {"GET", "/v1/admin/vendors/health", "OpsRoutes", Credential::staff},
        {"GET", "/v1/admin/vendors/{vendor}/health", "OpsRoutes", Credential::staff},
        {"GET", "/v1/reports/vendors", "OpsRoutes", Credential::crm_or_staff},
        {"GET", "/v1/reports/reasons", "OpsRoutes", Credential::crm_or_staff},
        {"POST", "/v1/admin/vendors/reload", "VendorAdminRoutes", Credential::staff},
        {"GET", "/v1/trucks", "TruckRoutes", Credential::crm_or_staff},
        {"GET", "/v1/trucks/{id}", "TruckRoutes", Credential::crm_or_staff},
        {"GET", "/v1/trucks/{id}/track", "TruckRoutes", Credential::crm_or_staff},
        {"POST", "/v1/admin/devices", "SyncRoutes", Credential::staff},
        {"GET", "/v1/admin/devices", "SyncRoutes", Credential::staff},
        {"GET", "/v1/admin/photos/{sha256}", "SyncRoutes", Credential::staff},
        {"POST", "/v1/sync/enroll", "SyncRoutes", Credential::in_body},
        {"GET", "/v1/sync/assignments", "SyncRoutes", Credential::device},
        {"GET", "/v1/sync/changes", "SyncRoutes", Credential::device},
        {"POST", "/v1/sync/actions", "SyncRoutes", Credential::device},
        {"GET", "/v1/sync/photos/{sha256}", "SyncRoutes", Credential::device},
        {"PUT", "/v1/sync/photos/{sha256}", "SyncRoutes", Credential::device},
        {"GET", "/v1/admin/audit", "ConsoleRoutes", Credential::staff},
        {"GET", "/v1/admin/work-orders", "ConsoleRoutes", Credential::staff},
        {"GET", "/v1/admin/work-orders/{id}", "ConsoleRoutes", Credential::staff},
        {"GET", "/console/", "ConsoleRoutes", Credential::none},
        {"POST", "/console/api/session", "ConsoleRoutes", Credential::in_body},
        {"GET", "/console/api/session", "ConsoleRoutes", Credential::staff},
        {"POST", "/console/api/sign-out", "ConsoleRoutes", Credential::staff, true},
        {"GET", "/v1/admin/vendors/{vendor}/mapping", "VendorTryRoutes", Credential::staff},
        {"POST", "/v1/admin/vendors/{vendor}/try", "VendorTryRoutes", Credential::staff, true},
        {"GET", "/console/{file}", "ConsoleRoutes", Credential::none},
    };
    return routes;
}

bool template_matches(std::string_view templ, std::string_view path) {
    while (!templ.empty() && !path.empty()) {
        if (templ.front() != '/' || path.front() != '/') return false;
        templ.remove_prefix(1);
        path.remove_prefix(1);
        const auto t_end = std::min(templ.find('/'), templ.size());
        const auto p_end = std::min(path.find('/'), path.size());
        const auto t = templ.substr(0, t_end);
        const auto p = path.substr(0, p_end);
        const bool param = t.size() > 2 && t.front() == '{' && t.back() == '}';
        if (param ? p.empty() : t != p) return false;
        templ.remove_prefix(t_end);
        path.remove_prefix(p_end);
    }
    return templ.empty() && path.empty();
}

const RouteSpec* match_route(std::string_view path) {
    for (const auto& r : route_catalog())
        if (template_matches(r.path, path)) return &r;
    return nullptr;
}

}  // namespace fieldgate
