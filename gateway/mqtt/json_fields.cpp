#include "json_fields.h"

namespace fieldgate::mqtt {

const nlohmann::json* at_pointer(const nlohmann::json& doc, const std::string& pointer) {
    if (pointer.empty()) return nullptr;
    try {
        const nlohmann::json::json_pointer ptr(pointer);
        if (!doc.contains(ptr)) return nullptr;
        return &doc.at(ptr);
    } catch (const nlohmann::json::exception&) {
        return nullptr;
    }
}

std::optional<std::string> text_at(const nlohmann::json& doc, const std::string& pointer) {
    const auto* v = at_pointer(doc, pointer);
    if (!v || !v->is_string()) return std::nullopt;
    return v->get<std::string>();
}

std::optional<double> number_at(const nlohmann::json& doc, const std::string& pointer) {
    const auto* v = at_pointer(doc, pointer);
    if (!v || !v->is_number()) return std::nullopt;
    return v->get<double>();
}

}  // namespace fieldgate::mqtt
