// The console's work order routes, part of ConsoleRoutes (console_routes.h): a staff search
// by CRM case number, vendor reference or address, and one order with its CRM events.
#include <nlohmann/json.hpp>

#include "console_routes.h"
#include "ops_params.h"
#include "transaction.h"
#include "vendor_responses.h"

namespace fieldgate {

namespace {

constexpr int kMaxMatches = 50;

nlohmann::json event_json(const store::OrderEvent& e) {
    auto optional = [](const std::string& s) {
        return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s);
    };
    return {{"id", e.id},
            {"event_id", "evt_" + std::to_string(e.id)},
            {"destination", e.destination},
            {"event_type", e.event_type},
            {"state", e.state},
            {"attempts", e.attempts},
            {"last_status", e.last_status ? nlohmann::json(*e.last_status) : nullptr},
            {"last_error", optional(e.last_error)},
            {"created_at", e.created_at},
            {"next_attempt_at", optional(e.next_attempt_at)},
            {"delivered_at", optional(e.delivered_at)},
            {"dead_at", optional(e.dead_at)}};
}

}  // namespace

void ConsoleRoutes::find_orders(const http::Request& request, http::Respond& respond) const {
    const auto q = request.query_param("q");
    if (!q || q->find_first_not_of(" \t") == std::string::npos || q->size() > 200)
        return respond(ops_params::bad_parameter(
            "q",
            "give ?q=<CRM case number, vendor reference or part of the address> (1 to 200 "
            "characters)"));
    auto db = parts_.reads->acquire();
    nlohmann::json items = nlohmann::json::array();
    for (const auto& m : db->search_work_orders(*q, kMaxMatches))
        items.push_back(
            {{"id", m.id},
             {"crm_case_id", m.crm_case_id},
             {"address", m.address},
             {"vendor", m.vendor.empty() ? nlohmann::json(nullptr) : nlohmann::json(m.vendor)},
             {"scheduled_date", m.scheduled_date},
             {"status", m.status}});
    respond(json_response(200, {{"items", items}}));
}

void ConsoleRoutes::show_order(const std::string& id, http::Respond& respond) const {
    auto order = parts_.work_orders->get(id);
    if (!order)
        return respond(problem(404, "not-found", "Work order not found", "no work order " + id));
    nlohmann::json events = nlohmann::json::array();
    auto db = parts_.reads->acquire();
    for (const auto& e : db->list_order_events(id)) events.push_back(event_json(e));
    respond(json_response(200, {{"work_order", *order}, {"events", events}}));
}

}  // namespace fieldgate
