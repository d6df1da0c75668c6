// The route table: every route of the catalog (route_catalog.h: method, path template,
// credential) bound to the handler that answers it. The router dispatches through it, the
// OpenAPI contract test and the metrics read the same catalog, so what is declared, documented,
// counted and answered is one list. A routes class binds its routes in `add_routes(RouteTable&)`;
// binding a route the catalog does not declare is a startup error.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "route_catalog.h"
#include "types.h"

namespace fieldgate {

// The values of a matched template's {name} segments.
class PathParams {
  public:
    std::string operator[](std::string_view name) const;
    void add(std::string_view name, std::string_view value);

  private:
    std::vector<std::pair<std::string, std::string>> values_;
};

using RouteHandler =
    std::function<void(http::Request& request, const PathParams& params, http::Respond& respond)>;

class RouteTable {
  public:
    RouteTable();
    // Throws std::logic_error when the catalog declares no such route, or it is bound twice.
    void on(std::string_view method, std::string_view path, RouteHandler handler);

    struct Match {
        const RouteSpec* route = nullptr;       // null: no route has this path (404)
        const RouteHandler* handler = nullptr;  // null with a route: not bound here
        PathParams params;
        std::string allow;  // the path's methods, for a 405 when `method` is not one of them
        bool method_allowed = false;
    };
    Match find(std::string_view method, std::string_view path) const;

  private:
    std::vector<RouteHandler> handlers_;  // by index into route_catalog()
};

// Fills `params` from the {name} segments of `templ` that match `path`.
PathParams path_params(std::string_view templ, std::string_view path);

}  // namespace fieldgate
