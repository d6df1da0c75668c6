#include <map>

#include "engine/mapping.h"

namespace fieldgate::engine {

namespace {

const std::vector<std::pair<std::string, FieldType>>& table() {
    static const std::vector<std::pair<std::string, FieldType>> t = {
        {"vendor_ref", FieldType::kString},
        {"crm_case_id", FieldType::kString},
        {"status", FieldType::kString},
        {"reason", FieldType::kString},
        {"detail", FieldType::kString},
        {"occurred_at", FieldType::kDateTime},
        {"service_date", FieldType::kDate},
        {"lat", FieldType::kNumber},
        {"lon", FieldType::kNumber},
        {"gps_accuracy_m", FieldType::kNumber},
        {"truck", FieldType::kString},
        {"crew", FieldType::kString},
        {"driver", FieldType::kString},
        {"photos", FieldType::kStringList},
        {"items_collected", FieldType::kInteger},
        {"route_id", FieldType::kString},
        {"route_date", FieldType::kDate},
        {"route_stop_seq", FieldType::kString},
        {"route_level", FieldType::kBoolean},
    };
    return t;
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
    for (const auto& [name, type] : table()) {
        if (name == target) return type;
    }
    return std::nullopt;
}

const std::vector<std::string>& canonical_fields() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> out;
        for (const auto& [name, type] : table()) out.push_back(name);
        return out;
    }();
    return names;
}

}  // namespace fieldgate::engine
