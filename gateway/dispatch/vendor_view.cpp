#include "vendor_view.h"

#include <algorithm>

#include "dispatch_rows.h"
#include "ids.h"

namespace fieldgate {

namespace {

nlohmann::json optional_text(const std::optional<std::string>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

}  // namespace

nlohmann::json vendor_view(const store::WorkOrder& wo, const VendorSpec& vendor) {
    nlohmann::json j;
    j["id"] = wo.id;
    j["crm_case_id"] = wo.crm_case_id;
    // An order taken away from this vendor (a feed row written before) shows no more than that.
    if (!wo.vendor || *wo.vendor != vendor.id) return j;
    j["service_type"] = wo.service_type;
    j["address"] = wo.address;
    j["postal_code"] = optional_text(wo.postal_code);
    j["location"] = (wo.lat && wo.lon) ? nlohmann::json{{"lat", *wo.lat}, {"lon", *wo.lon}}
                                       : nlohmann::json(nullptr);
    j["scheduled_date"] = wo.scheduled_date;
    j["window"] = wo.window_start && wo.window_end
                      ? nlohmann::json{{"start", *wo.window_start}, {"end", *wo.window_end}}
                      : nlohmann::json(nullptr);
    j["items"] = nlohmann::json::parse(wo.items_json, nullptr, false);
    if (j["items"].is_discarded()) j["items"] = nlohmann::json::array();
    j["instructions"] = wo.instructions;
    if (wo.route_id) {
        j["route"] = {{"id", *wo.route_id}, {"date", optional_text(wo.route_date)}};
        if (wo.stop_seq) j["route"]["stop_seq"] = *wo.stop_seq;
    } else {
        j["route"] = nullptr;
    }
    j["status"] = wo.status;

    // Only what is allowed, field by field: a field the CRM adds later stays home by default.
    nlohmann::json customer = nlohmann::json::object();
    const auto all = nlohmann::json::parse(wo.customer_json, nullptr, false);
    if (all.is_object()) {
        for (const auto& field : vendor.customer_fields_allowed) {
            if (auto it = all.find(field); it != all.end()) customer[field] = *it;
        }
    }
    j["customer"] = std::move(customer);
    return j;
}

nlohmann::json render_vendor_dispatch(const store::OutboxEvent& event, const store::WorkOrder& wo,
                                      const VendorSpec& vendor) {
    return {{"change", change_of_event_type(event.event_type)},
            {"event_id", event_id(event.id)},
            {"at", event.created_at},
            {"work_order", vendor_view(wo, vendor)}};
}

}  // namespace fieldgate
