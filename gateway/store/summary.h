// What the store holds, counted: the demo's closing summary and `fieldgate stats`.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace fieldgate::store {

// {"work_orders": {status: n}, "outcomes": {"applied"|"late"|"conflict": n},
//  "by_vendor": {vendor: {"outcomes": {code: n}, "reasons": {code: n}}},
//  "quarantine": {vendor: {problem_type: n}}, "outbox": {state: n}}
nlohmann::json summarize(const std::string& db_path);
std::string format_summary(const nlohmann::json& summary);

}  // namespace fieldgate::store
