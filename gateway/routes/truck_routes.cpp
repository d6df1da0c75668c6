#include "truck_routes.h"

#include "time_util.h"
#include "transaction.h"
#include "vendor_responses.h"

namespace fieldgate {

namespace {

nlohmann::json position_json(const store::PositionRow& p) {
    nlohmann::json j = {{"time", p.fix_time}, {"lat", p.lat}, {"lon", p.lon}};
    j["speed_kmh"] = p.speed_kmh ? nlohmann::json(*p.speed_kmh) : nlohmann::json();
    j["heading"] = p.heading ? nlohmann::json(*p.heading) : nlohmann::json();
    return j;
}

nlohmann::json truck_json(const store::TruckRow& t) {
    nlohmann::json j = {
        {"id", t.truck_id},
        {"vendor", t.vendor},
        {"state", t.state},
        {"state_at", t.state_at ? nlohmann::json(*t.state_at) : nlohmann::json()},
        {"last_seen_at", t.last_seen_at ? nlohmann::json(*t.last_seen_at) : nlohmann::json()}};
    j["position"] = t.position ? position_json(*t.position) : nlohmann::json();
    j["route"] = t.route_id
                     ? nlohmann::json({{"id", *t.route_id}, {"date", t.route_date.value_or("")}})
                     : nlohmann::json();
    return j;
}

}  // namespace

TruckRoutes::TruckRoutes(store::ReadPool& reads) : reads_(reads) {}

void TruckRoutes::add_routes(RouteTable& table) {
    table.on("GET", "/v1/trucks",
             [this](http::Request& request, const PathParams&, http::Respond& respond) {
                 list(request, respond);
             });
    table.on("GET", "/v1/trucks/{id}",
             [this](http::Request&, const PathParams& params, http::Respond& respond) {
                 show(params["id"], respond);
             });
    table.on("GET", "/v1/trucks/{id}/track",
             [this](http::Request& request, const PathParams& params, http::Respond& respond) {
                 track(params["id"], request, respond);
             });
}

void TruckRoutes::list(const http::Request& request, http::Respond& respond) {
    const auto vendor = request.query_param("vendor");
    auto db = reads_.acquire();
    nlohmann::json items = nlohmann::json::array();
    for (const auto& t :
         db->list_trucks(vendor ? std::optional<std::string>(std::string(*vendor)) : std::nullopt))
        items.push_back(truck_json(t));
    respond(json_response(200, {{"items", std::move(items)}}));
}

void TruckRoutes::show(const std::string& id, http::Respond& respond) {
    auto db = reads_.acquire();
    if (auto t = db->find_truck(id)) return respond(json_response(200, truck_json(*t)));
    respond(problem(404, "not-found", "Truck not found", "no truck " + id));
}

void TruckRoutes::track(const std::string& id, const http::Request& request,
                        http::Respond& respond) {
    std::string bounds[2];
    const char* names[2] = {"from", "to"};
    for (int i = 0; i < 2; ++i) {
        const auto value = request.query_param(names[i]);
        if (!value || value->empty()) {
            respond(problem(400, "missing-field", "Missing query parameter",
                            std::string("give ?") + names[i] + "=<RFC 3339 time>", names[i]));
            return;
        }
        const auto t = parse_rfc3339(*value);
        if (!t) {
            respond(problem(400, "invalid-field", "Invalid query parameter",
                            std::string(names[i]) + " must be an RFC 3339 time", names[i]));
            return;
        }
        bounds[i] = format_utc(*t);
    }
    int limit = 10000;
    if (const auto l = request.query_param("limit"); l && !l->empty()) {
        try {
            limit = std::stoi(std::string(*l));
        } catch (const std::exception&) {
            limit = 0;
        }
        if (limit < 1 || limit > 100000) {
            respond(problem(400, "invalid-field", "Invalid query parameter",
                            "limit must be an integer in [1, 100000]", "limit"));
            return;
        }
    }
    auto db = reads_.acquire();
    if (!db->find_truck(id)) {
        respond(problem(404, "not-found", "Truck not found", "no truck " + id));
        return;
    }
    nlohmann::json positions = nlohmann::json::array();
    for (const auto& p : db->track(id, bounds[0], bounds[1], limit))
        positions.push_back(position_json(p));
    respond(json_response(200, {{"truck", id},
                                {"from", bounds[0]},
                                {"to", bounds[1]},
                                {"positions", std::move(positions)}}));
}

}  // namespace fieldgate
