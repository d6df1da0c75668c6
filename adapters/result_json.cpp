#include "result_json.h"

namespace fieldgate {

namespace {

template <typename T>
nlohmann::json opt(const std::optional<T>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

std::string line(const RecordError& e) {
    return e.code + " " + (e.pointer.empty() ? "(root)" : e.pointer) + " [" + e.field +
           "]: " + e.detail + "\n";
}

}  // namespace

nlohmann::json to_json(const NormalizedResult& r) {
    return nlohmann::json{
        {"pointer", r.pointer},
        {"vendor_ref", r.vendor_ref},
        {"crm_case_id", r.crm_case_id},
        {"outcome", r.outcome},
        {"progress", r.progress},
        {"reason", r.reason},
        {"vendor_status", r.vendor_status},
        {"vendor_reason", r.vendor_reason},
        {"detail", r.detail},
        {"occurred_at", opt(r.occurred_at)},
        {"lat", opt(r.lat)},
        {"lon", opt(r.lon)},
        {"gps_accuracy_m", opt(r.gps_accuracy_m)},
        {"truck", r.truck},
        {"crew", r.crew},
        {"driver", r.driver},
        {"photos", r.photos},
        {"items_collected", opt(r.items_collected)},
        {"service_date", opt(r.service_date)},
        {"route", {{"id", r.route.id}, {"date", r.route.date}, {"stop_seq", r.route.stop_seq}}},
        {"route_level", r.route_level},
    };
}

nlohmann::json to_json(const RecordError& e) {
    return nlohmann::json{
        {"pointer", e.pointer}, {"field", e.field}, {"code", e.code}, {"detail", e.detail}};
}

nlohmann::json to_json(const NormalizeOutput& out) {
    nlohmann::json records = nlohmann::json::array();
    for (const auto& r : out.records) {
        if (r.ok()) {
            records.push_back(to_json(*r.result));
        } else {
            nlohmann::json errors = nlohmann::json::array();
            for (const auto& e : r.errors) errors.push_back(to_json(e));
            records.push_back({{"errors", errors}});
        }
    }
    return nlohmann::json{{"batch", out.batch},
                          {"payload_error", out.payload_error ? to_json(*out.payload_error)
                                                              : nlohmann::json(nullptr)},
                          {"records", records}};
}

std::string error_lines(const NormalizeOutput& out) {
    std::string s;
    if (out.payload_error) s += line(*out.payload_error);
    for (const auto& r : out.records) {
        for (const auto& e : r.errors) s += line(e);
    }
    return s;
}

}  // namespace fieldgate
