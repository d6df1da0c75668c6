#include "vendor_feed.h"

#include "transaction.h"

#include "vendor_view.h"

namespace fieldgate {

nlohmann::json read_feed(store::Transaction& db, const VendorSpec& vendor, std::int64_t after,
                         int limit) {
    nlohmann::json items = nlohmann::json::array();
    std::int64_t next = after;
    for (const auto& row : db.feed_after(vendor.id, after, limit)) {
        next = row.seq;
        auto wo = db.find_work_order(row.work_order_id);
        nlohmann::json view =
            wo ? vendor_view(*wo, vendor) : nlohmann::json{{"id", row.work_order_id}};
        items.push_back({{"seq", row.seq},
                         {"change", row.change},
                         {"at", row.created_at},
                         {"work_order", std::move(view)}});
    }
    return {{"items", std::move(items)}, {"next_cursor", next}};
}

std::optional<nlohmann::json> read_vendor_order(store::Transaction& db, const VendorSpec& vendor,
                                                const std::string& id) {
    auto wo = db.find_work_order(id);
    if (!wo || !wo->vendor || *wo->vendor != vendor.id) return std::nullopt;
    return vendor_view(*wo, vendor);
}

}  // namespace fieldgate
