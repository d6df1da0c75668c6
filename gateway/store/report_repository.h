// Read-only figures over what the store holds: reports and vendor health.
#pragma once

#include <cstdint>
#include <functional>
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

// One work order of a report's period with its current outcome and, for a corrected order, the
// applied outcome's event time and CRM delivery (what the CRM was told, and when).
struct ReportOrderRow {
    std::string vendor;
    std::string status;
    std::optional<std::string> outcome;
    std::optional<std::string> reason;
    bool evidence_complete = false;
    std::optional<std::string> evidence_time;  // "in_window", "late", ...
    std::optional<std::string> occurred_at;    // of the outcome the CRM was told
    std::optional<std::string> delivered_at;   // first CRM delivery of that outcome
    std::int64_t corrections = 0;
};

struct ReportPeriod {
    std::string from;  // YYYY-MM-DD, inclusive (scheduled date)
    std::string to;
    std::optional<std::string> vendor;
};

struct RejectionGroup {
    std::string type;
    std::int64_t entries = 0;
    std::int64_t attempts = 0;
};

struct UnmappedProblem {
    std::string problem_json;
    std::int64_t attempts = 0;
};

// An event of the vendor's orders the CRM refused as too large (413), dead or replayed.
struct TooLargeEvent {
    std::int64_t id = 0;
    std::string work_order_id;
    std::string crm_case_id;
    std::string event_type;
    std::string state;
    std::int64_t attempts = 0;
    std::optional<std::string> error;
    std::string at;
};

struct PollHealth {
    std::string last_error;
    std::int64_t failures = 0;
    std::string failing_since;
    std::string last_success_at;
    std::string next_request_at;
};

// What vendor health is computed from. Each figure walks an index range of the vendor
// (outcomes_vendor_received, quarantine_vendor, work_orders_overdue) or the outbox's pending or
// dead rows (outbox_due, outbox_dead), never a whole table.
struct VendorHealthFigures {
    std::optional<std::string> last_outcome_at;
    std::optional<std::string> last_refusal_at;
    std::map<std::string, std::int64_t> results_by_disposition;  // received since
    std::vector<RejectionGroup> rejections;  // since; most attempts first, at most 100
    std::int64_t quarantine_open = 0;
    std::vector<UnmappedProblem> unmapped_problems;  // open unmapped-code entries
    std::int64_t overdue_orders = 0;
    PendingFigures crm_pending;
    std::int64_t too_large = 0;
    std::vector<TooLargeEvent> recent_too_large;  // newest first, at most 5
    std::optional<PollHealth> poll;               // none for a vendor never polled
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
    virtual VendorHealthFigures vendor_health_figures(const std::string& vendor,
                                                      const std::string& since) = 0;
    // Every order scheduled in the period that has a vendor, one pass (work_orders_scheduled).
    virtual void visit_report_orders(const ReportPeriod& period,
                                     const std::function<void(const ReportOrderRow&)>& visit) = 0;
};

}  // namespace fieldgate::store
