#include "engine/pair_check.h"

#include <string>

namespace fieldgate::engine {

namespace {

const FieldSpec* field_named(const CompiledMapping& m, const std::string& target) {
    for (const auto& f : m.fields)
        if (f.target == target && !f.map.empty()) return &f;
    return nullptr;
}

std::string entry_pointer(const std::string& map, const std::string& vendor_code) {
    return "/value_maps/" + json_pointer_token(map) + "/entries/" + json_pointer_token(vendor_code);
}

std::string allowed_list(const Catalog& catalog, const std::string& reason) {
    std::string out;
    for (const auto& o : catalog.outcomes_for(reason)) out += (out.empty() ? "" : ", ") + o;
    return out.empty() ? "none" : out;
}

}  // namespace

std::vector<LoadError> check_outcome_reason_pairs(const CompiledMapping& m,
                                                  const std::string& file) {
    std::vector<LoadError> errors;
    const FieldSpec* status = field_named(m, "status");
    const FieldSpec* reason = field_named(m, "reason");
    if (reason == nullptr || !m.value_maps.count(reason->map)) return errors;
    const Catalog& catalog = *m.catalog;

    // The status entries whose outcome keeps a reason: those are the ones a reason pairs with.
    std::vector<std::pair<std::string, std::string>> statuses;  // vendor code, outcome
    if (status != nullptr && m.value_maps.count(status->map)) {
        for (const auto& [vendor_code, target] : m.value_maps.at(status->map).entries()) {
            const OutcomeInfo* info = catalog.outcome(target.code);
            if (info != nullptr && info->reason_required)
                statuses.emplace_back(vendor_code, target.code);
        }
    }
    for (const auto& [vendor_code, target] : m.value_maps.at(reason->map).entries()) {
        const std::string where = entry_pointer(reason->map, vendor_code);
        const std::string pair_words = "'" + vendor_code + "' -> " + target.code;
        if (!catalog.reason(target.code)) continue;  // reported by the loader already
        if (!target.outcome.empty()) {
            if (!catalog.allows(target.outcome, target.code)) {
                errors.push_back({file, where + "/outcome",
                                  pair_words + " pins " + target.outcome +
                                      ", a pair the catalog (" + catalog.version() +
                                      ") does not allow: " + target.code + " comes with " +
                                      allowed_list(catalog, target.code)});
            }
            continue;
        }
        for (const auto& [status_code, outcome] : statuses) {
            if (catalog.allows(outcome, target.code)) continue;
            errors.push_back({file, where,
                              pair_words + " can come with status '" + status_code + "' -> " +
                                  outcome + " (" + entry_pointer(status->map, status_code) +
                                  "), a pair the catalog (" + catalog.version() +
                                  ") does not allow: " + target.code + " comes with " +
                                  allowed_list(catalog, target.code) +
                                  ". Pin the outcome this code means ({\"code\": \"" + target.code +
                                  "\", \"outcome\": \"...\"}) or map the status differently."});
            break;
        }
    }
    return errors;
}

}  // namespace fieldgate::engine
