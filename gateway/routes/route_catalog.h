// Every HTTP route the gateway answers, as method + path template + credential. The route table
// (route_table.h) binds each entry to its handler and the router dispatches only through it, so
// a route that is not declared here cannot be reached; the contract test
// (tests/component/contract_test.cpp) checks this list against docs/api/openapi.yaml both ways
// and probes every entry on the real gateway; /metrics labels requests by its templates. A new
// route is one line here, one `table.on(...)` in its routes class, one operation in openapi.yaml.
#pragma once

#include <string_view>
#include <vector>

namespace fieldgate {

// What a caller must show. Admission (admission.cpp) checks it from the head, before a body is
// read, for every kind whose credential travels in a header; `in_body` routes (and a vendor
// whose scheme puts the credential in the body) are read only up to a small pre-auth limit.
enum class Credential {
    none,          // health probes
    crm,           // crm/api-token
    staff,         // admin/api-token
    crm_or_staff,  // either
    metrics,       // metrics/scrape-token or admin/api-token
    vendor,        // the {vendor}'s own credentials (vendor_auth.h)
    device,        // a crew device: X-Device-Id + its bearer secret
    in_body,       // checked by the handler from the body (crew enrollment)
};

struct RouteSpec {
    std::string_view method;  // GET | POST | PUT
    std::string_view path;    // "/v1/work-orders/{id}": {name} matches one path segment
    std::string_view owner;   // the routes class that answers it
    Credential credential;
    // A POST that changes nothing of the gateway's data (trying a payload; signing out, which
    // ends only the caller's own session): a console viewer may call it. With a console session
    // it still needs the CSRF token, and it is still in the audit log.
    bool changes_nothing = false;
};

const std::vector<RouteSpec>& route_catalog();

inline constexpr std::string_view kVendorResultsRoute = "/v1/vendors/{vendor}/results";

// The first entry whose template matches `path` (any method: a known path with another
// method is the handler's 405); nullptr when none does. Literal templates come before
// templated ones in the catalog, so "/v1/admin/quarantine/replay" is not "{id}".
const RouteSpec* match_route(std::string_view path);
bool template_matches(std::string_view templ, std::string_view path);

}  // namespace fieldgate
