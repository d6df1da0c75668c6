// Work orders as the CRM sent them, their history, the outcomes vendors, crews and trucks
// reported (with the raw payloads they came in and the Idempotency-Key answers), and the
// vendors' dispatch feed.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "records.h"

namespace fieldgate::store {

// One row of vendor_feed: the cursor a vendor pulls with is `seq`.
struct FeedRow {
    std::int64_t seq = 0;
    std::string vendor;
    std::string work_order_id;
    std::string change;  // assigned | cancelled | rescheduled | unassigned
    std::string created_at;
};

// The new date and window (null window = none), the status, overdue_at cleared; when
// `leave_route` the order leaves its vendor route (route_id, route_date, stop_seq cleared).
struct ScheduleUpdate {
    std::string scheduled_date;
    std::optional<std::string> window_start;
    std::optional<std::string> window_end;
    std::string status;
    bool leave_route = false;
};

class WorkOrderRepository {
  public:
    virtual ~WorkOrderRepository() = default;

    // work_orders and history
    virtual std::optional<WorkOrder> find_work_order(const std::string& id) = 0;
    virtual std::optional<WorkOrder> find_work_order_by_case(const std::string& crm_case_id) = 0;
    // Without items, instructions and customer details: for checks that do not need them.
    virtual std::optional<WorkOrder> find_work_order_state_by_case(
        const std::string& crm_case_id) = 0;
    virtual void insert_work_order(const WorkOrder& wo) = 0;
    virtual void update_work_order_status(const std::string& id, const std::string& status,
                                          std::optional<std::int64_t> outcome_id,
                                          const std::string& at) = 0;
    virtual void append_history(const std::string& work_order_id, const HistoryEntry& entry) = 0;
    virtual std::vector<HistoryEntry> list_history(const std::string& work_order_id) = 0;
    // Orders of `vendor` on that route and day whose status is not terminal (state columns only).
    virtual std::vector<WorkOrder> open_orders_on_route(const std::string& vendor,
                                                        const std::string& route_id,
                                                        const std::string& route_date) = 0;
    // Orders still in the field (dispatched to on_site), not flagged overdue yet, scheduled from
    // `first` to `last` (YYYY-MM-DD): what the watchdog looks at (id, date and window only).
    virtual std::vector<WorkOrder> unflagged_field_orders(const std::string& first,
                                                          const std::string& last) = 0;
    // Flags the order overdue at `at`; false when it was flagged already.
    virtual bool flag_overdue(const std::string& id, const std::string& at) = 0;
    // outcomes
    virtual std::optional<OutcomeRow> find_outcome_by_content(const std::string& vendor,
                                                              const std::string& vendor_ref,
                                                              const std::string& work_order_id,
                                                              const std::string& content_hash) = 0;
    virtual std::optional<OutcomeRow> find_outcome(std::int64_t id) = 0;
    virtual bool outcome_ref_exists(const std::string& vendor, const std::string& vendor_ref) = 0;
    virtual std::int64_t insert_outcome(const OutcomeRow& row) = 0;
    // raw payloads: append only, no index but the row id (a hash index would dirty a random page
    // per request); callers store one only when something refers to it.
    virtual std::int64_t store_raw_payload(const RawPayload& raw) = 0;
    // idempotency keys
    virtual std::optional<StoredResponse> find_stored_response(const std::string& vendor,
                                                               const std::string& key) = 0;
    virtual void store_response(const std::string& vendor, const std::string& key,
                                const StoredResponse& response, const std::string& at) = 0;
    virtual std::int64_t append_feed(const FeedRow& row) = 0;
    // `vendor`'s rows with seq > after, oldest first, at most `limit`.
    virtual std::vector<FeedRow> feed_after(const std::string& vendor, std::int64_t after,
                                            int limit) = 0;
    virtual void reschedule_work_order(const std::string& id, const ScheduleUpdate& update,
                                       const std::string& at) = 0;
};

}  // namespace fieldgate::store
