#include "engine/meta_schema.h"

#include <set>

namespace fieldgate::engine {

namespace {

bool encloses(const std::string& outer, const std::string& inner) {
    return inner.size() > outer.size() && inner.compare(0, outer.size(), outer) == 0 &&
           inner[outer.size()] == '/';
}

}  // namespace

std::vector<SchemaViolation> condense(std::vector<SchemaViolation> violations) {
    std::vector<SchemaViolation> out;
    std::set<std::pair<std::string, std::string>> seen;
    for (const auto& v : violations) {
        bool enclosing = false;
        for (const auto& w : violations) {
            if (encloses(v.pointer, w.pointer)) {
                enclosing = true;
                break;
            }
        }
        if (enclosing) continue;
        if (v.detail.rfind("Failed to validate against schema associated with property name", 0) ==
            0) {
            continue;  // a summary of deeper errors
        }
        if (seen.insert({v.pointer, v.detail}).second) out.push_back(v);
    }
    if (out.empty() && !violations.empty()) out.push_back(violations.front());
    return out;
}

std::vector<LoadError> check_against(const JsonSchema& schema, const nlohmann::json& doc,
                                     const std::string& file) {
    std::vector<LoadError> out;
    for (const auto& v : condense(schema.validate(doc))) out.push_back({file, v.pointer, v.detail});
    return out;
}

}  // namespace fieldgate::engine
