// What a pulling vendor reads: its feed of changes after a cursor, and one of its orders. Reads
// only, on a read connection; every order is shown through vendor_view().
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "transaction.h"
#include "vendor_spec.h"

namespace fieldgate {

inline constexpr int kFeedDefaultLimit = 100;
inline constexpr int kFeedMaxLimit = 500;

// {"items": [{"seq", "change", "at", "work_order": vendor view}], "next_cursor": <last seq, or
// `after` when there is nothing new>}: only `vendor`'s rows, oldest first.
nlohmann::json read_feed(store::Transaction& db, const VendorSpec& vendor, std::int64_t after,
                         int limit);

// The vendor view of order `id`; nullopt when there is none or it is another vendor's (the
// caller answers both the same way).
std::optional<nlohmann::json> read_vendor_order(store::Transaction& db, const VendorSpec& vendor,
                                                const std::string& id);

}  // namespace fieldgate
