#include <map>

#include "engine/mapping.h"

namespace fieldgate::engine {

namespace {

struct CanonicalField {
    std::string name;
    FieldType type;
    Standard standard;
};

const std::vector<CanonicalField>& table() {
    static const std::vector<CanonicalField> t = {
        {"vendor_ref", FieldType::kString, Standard::kVendorRef},
        {"crm_case_id", FieldType::kString, Standard::kCrmCaseId},
        {"status", FieldType::kString, Standard::kStatus},
        {"reason", FieldType::kString, Standard::kReason},
        {"detail", FieldType::kString, Standard::kDetail},
        {"occurred_at", FieldType::kDateTime, Standard::kOccurredAt},
        {"service_date", FieldType::kDate, Standard::kServiceDate},
        {"lat", FieldType::kNumber, Standard::kLat},
        {"lon", FieldType::kNumber, Standard::kLon},
        {"gps_accuracy_m", FieldType::kNumber, Standard::kGpsAccuracy},
        {"truck", FieldType::kString, Standard::kTruck},
        {"crew", FieldType::kString, Standard::kCrew},
        {"driver", FieldType::kString, Standard::kDriver},
        {"photos", FieldType::kStringList, Standard::kPhotos},
        {"items_collected", FieldType::kInteger, Standard::kItemsCollected},
        {"route_id", FieldType::kString, Standard::kRouteId},
        {"route_date", FieldType::kDate, Standard::kRouteDate},
        {"route_stop_seq", FieldType::kString, Standard::kRouteStopSeq},
        {"route_level", FieldType::kBoolean, Standard::kRouteLevel},
    };
    return t;
}

const CanonicalField* canonical_field(const std::string& target) {
    for (const auto& f : table()) {
        if (f.name == target) return &f;
    }
    return nullptr;
}

}  // namespace

std::optional<FieldType> field_type_from_name(const std::string& name) {
    static const std::map<std::string, FieldType> names = {
        {"string", FieldType::kString},   {"number", FieldType::kNumber},
        {"integer", FieldType::kInteger}, {"datetime", FieldType::kDateTime},
        {"date", FieldType::kDate},       {"string_list", FieldType::kStringList},
        {"boolean", FieldType::kBoolean},
    };
    auto it = names.find(name);
    if (it == names.end()) return std::nullopt;
    return it->second;
}

std::string field_type_name(FieldType t) {
    switch (t) {
        case FieldType::kString:
            return "string";
        case FieldType::kNumber:
            return "number";
        case FieldType::kInteger:
            return "integer";
        case FieldType::kDateTime:
            return "datetime";
        case FieldType::kDate:
            return "date";
        case FieldType::kStringList:
            return "string_list";
        case FieldType::kBoolean:
            return "boolean";
    }
    return "?";
}

std::optional<FieldType> canonical_field_type(const std::string& target) {
    const auto* f = canonical_field(target);
    return f ? std::optional(f->type) : std::nullopt;
}

Standard standard_field(const std::string& target) {
    const auto* f = canonical_field(target);
    return f ? f->standard : Standard::kNone;
}

const std::vector<std::string>& canonical_fields() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> out;
        for (const auto& f : table()) out.push_back(f.name);
        return out;
    }();
    return names;
}

}  // namespace fieldgate::engine
