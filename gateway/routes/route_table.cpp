#include "route_table.h"

#include <stdexcept>

namespace fieldgate {

std::string PathParams::operator[](std::string_view name) const {
    for (const auto& [n, v] : values_)
        if (n == name) return v;
    return {};
}

void PathParams::add(std::string_view name, std::string_view value) {
    values_.emplace_back(std::string(name), std::string(value));
}

PathParams path_params(std::string_view templ, std::string_view path) {
    PathParams params;
    while (!templ.empty() && !path.empty()) {
        templ.remove_prefix(1);
        path.remove_prefix(1);
        const auto t_end = std::min(templ.find('/'), templ.size());
        const auto p_end = std::min(path.find('/'), path.size());
        const auto t = templ.substr(0, t_end);
        if (t.size() > 2 && t.front() == '{' && t.back() == '}')
            params.add(t.substr(1, t.size() - 2), path.substr(0, p_end));
        templ.remove_prefix(t_end);
        path.remove_prefix(p_end);
    }
    return params;
}

RouteTable::RouteTable() : handlers_(route_catalog().size()) {}

void RouteTable::on(std::string_view method, std::string_view path, RouteHandler handler) {
    const auto& routes = route_catalog();
    for (std::size_t i = 0; i < routes.size(); ++i) {
        if (routes[i].method != method || routes[i].path != path) continue;
        if (handlers_[i])
            throw std::logic_error("route " + std::string(method) + " " + std::string(path) +
                                   " is bound twice");
        handlers_[i] = std::move(handler);
        return;
    }
    throw std::logic_error("route " + std::string(method) + " " + std::string(path) +
                           " is not in the route catalog (gateway/routes/route_catalog.cpp)");
}

// The first template that matches the path decides which path it is (literal templates come
// first in the catalog); the method then picks among that template's entries.
RouteTable::Match RouteTable::find(std::string_view method, std::string_view path) const {
    Match m;
    m.route = match_route(path);
    if (!m.route) return m;
    const auto& routes = route_catalog();
    for (std::size_t i = 0; i < routes.size(); ++i) {
        if (routes[i].path != m.route->path) continue;
        m.allow += (m.allow.empty() ? "" : ", ") + std::string(routes[i].method);
        if (routes[i].method != method) continue;
        m.route = &routes[i];
        m.method_allowed = true;
        if (handlers_[i]) m.handler = &handlers_[i];
    }
    if (m.method_allowed) m.params = path_params(m.route->path, path);
    return m;
}

}  // namespace fieldgate
