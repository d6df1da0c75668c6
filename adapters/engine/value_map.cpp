#include "engine/value_map.h"

#include "engine/text.h"

namespace fieldgate::engine {

std::string ValueMap::key(const std::string& value) const {
    std::string k = rules_.trim ? trim(value) : value;
    if (rules_.collapse_spaces) k = collapse_spaces(k);
    if (rules_.case_insensitive) k = to_lower_ascii(k);
    return k;
}

std::optional<std::string> ValueMap::add(const std::string& vendor_code, MapTarget target) {
    auto [it, inserted] =
        entries_.emplace(key(vendor_code), std::make_pair(vendor_code, std::move(target)));
    if (!inserted) return it->second.first;
    return std::nullopt;
}

std::optional<MapTarget> ValueMap::lookup(const std::string& vendor_value) const {
    auto it = entries_.find(key(vendor_value));
    if (it == entries_.end()) return std::nullopt;
    return it->second.second;
}

std::vector<std::string> ValueMap::vendor_codes() const {
    std::vector<std::string> out;
    for (const auto& [k, v] : entries_) out.push_back(v.first);
    return out;
}

std::vector<std::pair<std::string, MapTarget>> ValueMap::entries() const {
    std::vector<std::pair<std::string, MapTarget>> out;
    for (const auto& [k, v] : entries_) out.push_back(v);
    return out;
}

}  // namespace fieldgate::engine
