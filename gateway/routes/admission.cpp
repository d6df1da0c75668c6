// Router::admit: the credential each route declares, checked from the request's head.
#include <algorithm>

#include "admission.h"
#include "gateway_metrics.h"
#include "ids.h"
#include "route_auth.h"
#include "route_catalog.h"
#include "router.h"
#include "sync_route_support.h"
#include "vendor_auth.h"
#include "vendor_responses.h"

namespace fieldgate {

http::Admission Router::admit(const http::Request& head) {
    const RouteSpec* route = match_route(head.path);
    const std::string_view templ = route ? route->path : std::string_view("unmatched");
    if (const auto wait = auth_refusals_.blocked(head.client_address, steady_now())) {
        metrics::count_auth_refused(templ, "blocked");
        auto r = problem(429, "too-many-failed-credentials", "Too many refused credentials",
                         "this client sent too many wrong credentials; wait before trying again");
        r.headers.push_back({"retry-after", std::to_string(retry_after_seconds(*wait))});
        return {0, std::move(r)};
    }
    const std::size_t fallback = parts_.config->max_body_bytes;
    if (!route) {
        if (!head.body_follows) return {fallback, std::nullopt};
        return {0, problem(404, "not-found", "Not found",
                           "no route for " + head.method + " " + head.path)};
    }
    if (route->credential == Credential::vendor) return admit_vendor(head, *route);
    if (!head.body_follows) return {fallback, std::nullopt};  // the handler checks and counts
    bool valid = true;
    switch (route->credential) {
        case Credential::device:
            valid = verified_device(*parts_.reads, head).has_value();
            break;
        case Credential::in_body:
            return {std::min(fallback, kPreAuthEnrollBodyBytes), {}};
        default: {
            auto checked = check_credential(*route, *parts_.secrets, parts_.sessions, head);
            // 403: a session without its CSRF token or role; not a wrong credential.
            if (checked.refusal && checked.refusal->status != 401)
                return {0, std::move(checked.refusal)};
            valid = !checked.refusal;
        }
    }
    if (valid) return {fallback, std::nullopt};
    auth_refusals_.refused(head.client_address, route->path, "wrong or missing credential", {},
                           steady_now());
    metrics::count_auth_refused(route->path, "credential");
    return {0, unauthorized("a valid credential for " + std::string(route->path) +
                            " is required before the body is read")};
}

http::Admission Router::admit_vendor(const http::Request& head, const RouteSpec& route) {
    // "/v1/vendors/<id>/..." -> <id>
    const std::string_view rest = std::string_view(head.path).substr(12);
    const std::string id(rest.substr(0, rest.find('/')));
    auto registry = parts_.vendors();
    const VendorEntry* entry = registry ? registry->find(id) : nullptr;
    if (!entry) {
        if (!head.body_follows) return {0, std::nullopt};  // the handler answers 404
        return {0, problem(404, "unknown-vendor", "Unknown vendor",
                           "no vendor '" + id + "' is configured")};
    }
    const VendorSpec& spec = entry->spec;
    if (!head.body_follows) return {0, std::nullopt};
    if (auto denied = authenticate_vendor_head(spec, head, *parts_.secrets)) {
        auth_refusals_.refused(head.client_address, route.path,
                               "vendor " + spec.id + ": " + denied->detail, {}, steady_now());
        metrics::count_auth_refused(route.path, "credential");
        return {0, render_vendor_error(spec.response, *denied)};
    }
    if (credentials_in_body(spec))
        return {std::min(spec.max_body_bytes, kPreAuthVendorBodyBytes), std::nullopt};
    return {spec.max_body_bytes, std::nullopt};
}

}  // namespace fieldgate
