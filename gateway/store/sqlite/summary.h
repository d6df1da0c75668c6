// What the store holds, counted: the demo's closing summary and `fieldgate stats`, and the
// corrections vendor health lists.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sqlite.h"
#include "transaction.h"

namespace fieldgate::store {

// ToolSession::summary() as the table `fieldgate stats` prints.
std::string format_summary(const nlohmann::json& summary);

// The vendor's latest corrections received at or after `since`, newest first: a walk down its
// range of outcomes_vendor_received, as long as the count of the same window.
std::vector<CorrectionRef> recent_corrections(sqlite::Connection& db, const std::string& vendor,
                                              const std::string& since, int limit);

}  // namespace fieldgate::store
