#include "api_dialect.h"

namespace fieldgate::poll_sim {

namespace {

nlohmann::json riverbend_page(const std::vector<Pickup>& pickups,
                              const std::optional<std::string>& next) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& p : pickups) items.push_back(to_json(p));
    return {{"pickups", items},
            {"links", {{"next", next ? nlohmann::json(*next) : nlohmann::json(nullptr)}}}};
}

// Exactly one job is sent as the object itself, not a list of one (the vendor's serializer).
nlohmann::json lakeside_page(const std::vector<Pickup>& pickups,
                             const std::optional<std::string>& next) {
    nlohmann::json jobs = nlohmann::json::array();
    for (const auto& p : pickups) jobs.push_back(lakeside_job(p));
    if (jobs.size() == 1) jobs = jobs.front();
    return {{"jobs", jobs}, {"next", next ? nlohmann::json(*next) : nlohmann::json(nullptr)}};
}

int lakeside_status(const std::string& result) {
    if (result == "done") return 1;
    if (result == "partial") return 2;
    if (result == "cancelled") return 4;
    return 3;
}

}  // namespace

nlohmann::json lakeside_job(const Pickup& p) {
    nlohmann::json j = {{"job_id", "LK-" + p.pickup_id.substr(p.pickup_id.find('-') + 1)},
                        {"ticket", p.city_ticket},
                        {"status", lakeside_status(p.result)},
                        {"reason", p.missed_code ? nlohmann::json(*p.missed_code) : nullptr},
                        // Milliseconds, with a part below the second, as the vendor sends them.
                        {"closed_ms", p.finished_at * 1000 + 250},
                        {"position", "37.33452,-121.88861"},
                        {"truck", "LK-" + p.vehicle.substr(p.vehicle.find('-') + 1)},
                        {"notes", p.comment},
                        {"media", nlohmann::json::array()}};
    if (p.result != "done")
        j["media"].push_back({{"href", "https://media.lakeside.example/" +
                                           j["job_id"].get<std::string>() + "/1.jpg"},
                              {"kind", "photo"}});
    return j;
}

std::optional<ApiDialect> api_dialect(const std::string& name) {
    if (name == "riverbend")
        return ApiDialect{name,        "/api/v2/pickups", "modified_since", "modified_before",
                          "page_size", "page_token",      riverbend_page};
    if (name == "lakeside")
        return ApiDialect{name,    "/v1/jobs", "closed_since", "closed_until",
                          "limit", "page",     lakeside_page};
    return std::nullopt;
}

}  // namespace fieldgate::poll_sim
