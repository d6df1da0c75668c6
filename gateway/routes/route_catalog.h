// Every HTTP route the gateway answers, as method + path template. The router refuses any path
// no entry matches before a routes class sees it, so a route that is not declared here cannot
// be reached; the contract test (tests/component/contract_test.cpp) checks this list against
// docs/api/openapi.json both ways and probes every entry on the real gateway. A new route is
// one line here, one operation in openapi.json.
#pragma once

#include <string_view>
#include <vector>

namespace fieldgate {

struct RouteSpec {
    std::string_view method;  // GET | POST | PUT
    std::string_view path;    // "/v1/work-orders/{id}": {name} matches one path segment
    std::string_view owner;   // the routes class that answers it
};

const std::vector<RouteSpec>& route_catalog();

// The first entry whose template matches `path` (any method: a known path with another
// method is the handler's 405); nullptr when none does. Literal templates come before
// templated ones in the catalog, so "/v1/admin/quarantine/replay" is not "{id}".
const RouteSpec* match_route(std::string_view path);
bool template_matches(std::string_view templ, std::string_view path);

}  // namespace fieldgate
