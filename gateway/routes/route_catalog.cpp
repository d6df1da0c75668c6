#include "route_catalog.h"

namespace fieldgate {

const std::vector<RouteSpec>& route_catalog() {
    static const std::vector<RouteSpec> routes = {
        {"GET", "/healthz", "Router"},
        {"GET", "/readyz", "Router"},
        {"GET", "/metrics", "OpsRoutes"},
        {"POST", "/v1/work-orders", "Router"},
        {"GET", "/v1/work-orders", "Router"},
        {"GET", "/v1/work-orders/{id}", "Router"},
        {"POST", "/v1/work-orders/{id}/cancel", "OrderChangeRoutes"},
        {"POST", "/v1/work-orders/{id}/reschedule", "OrderChangeRoutes"},
        {"POST", "/v1/vendors/{vendor}/results", "Router"},
        {"GET", "/v1/vendors/{vendor}/work-orders", "DispatchRoutes"},
        {"GET", "/v1/vendors/{vendor}/work-orders/{id}", "DispatchRoutes"},
        {"GET", "/v1/admin/dead-letters", "AdminRoutes"},
        {"POST", "/v1/admin/dead-letters/replay", "AdminRoutes"},
        {"POST", "/v1/admin/dead-letters/{id}/discard", "OpsRoutes"},
        {"GET", "/v1/admin/endpoints", "AdminRoutes"},
        {"POST", "/v1/admin/endpoints/{name}/enable", "AdminRoutes"},
        {"GET", "/v1/admin/quarantine", "OpsRoutes"},
        {"POST", "/v1/admin/quarantine/replay", "OpsRoutes"},
        {"GET", "/v1/admin/quarantine/{id}", "OpsRoutes"},
        {"POST", "/v1/admin/quarantine/{id}/discard", "OpsRoutes"},
        {"GET", "/v1/admin/vendors/health", "OpsRoutes"},
        {"GET", "/v1/admin/vendors/{vendor}/health", "OpsRoutes"},
        {"GET", "/v1/reports/vendors", "OpsRoutes"},
        {"GET", "/v1/reports/reasons", "OpsRoutes"},
        {"POST", "/v1/admin/vendors/reload", "VendorAdminRoutes"},
        {"GET", "/v1/trucks", "TruckRoutes"},
        {"GET", "/v1/trucks/{id}", "TruckRoutes"},
        {"GET", "/v1/trucks/{id}/track", "TruckRoutes"},
        {"POST", "/v1/admin/devices", "SyncRoutes"},
        {"GET", "/v1/admin/devices", "SyncRoutes"},
        {"GET", "/v1/admin/photos/{sha256}", "SyncRoutes"},
        {"POST", "/v1/sync/enroll", "SyncRoutes"},
        {"GET", "/v1/sync/assignments", "SyncRoutes"},
        {"GET", "/v1/sync/changes", "SyncRoutes"},
        {"POST", "/v1/sync/actions", "SyncRoutes"},
        {"GET", "/v1/sync/photos/{sha256}", "SyncRoutes"},
        {"PUT", "/v1/sync/photos/{sha256}", "SyncRoutes"},
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
