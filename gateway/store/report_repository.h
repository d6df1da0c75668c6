// Read-only figures over what the store holds: reports and vendor health.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "records.h"

namespace fieldgate::store {

struct CorrectionRef {
    std::int64_t outcome_id = 0;
    std::string work_order_id;
    std::string crm_case_id;
    std::string received_at;
};

// Events waiting for one destination, and the creation time of the oldest (RFC 3339).
struct PendingFigures {
    std::int64_t count = 0;
    std::string oldest_created_at;
};

class ReportRepository {
  public:
    virtual ~ReportRepository() = default;

    // The vendor's latest corrections received at or after `since`, newest first: a walk down its
    // range of outcomes_vendor_received, as long as the count of the same window.
    virtual std::vector<CorrectionRef> recent_corrections(const std::string& vendor,
                                                          const std::string& since, int limit) = 0;
    // For /metrics: open quarantine entries per vendor ("" for none), pending and dead events
    // per destination. Each walks a partial index (quarantine state, outbox_due, outbox_dead).
    virtual std::map<std::string, std::int64_t> open_quarantine_by_vendor() = 0;
    virtual std::map<std::string, PendingFigures> pending_by_destination() = 0;
    virtual std::map<std::string, std::int64_t> dead_by_destination() = 0;
};

}  // namespace fieldgate::store
