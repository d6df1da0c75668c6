// SQL of dispatch: the vendors' pull feed, outbox rows bound for a vendor, and the schedule
// changes the CRM makes. Like repositories.h: a connection handed in, no transaction control.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "records.h"
#include "sqlite.h"

namespace fieldgate::store {

// One row of vendor_feed: the cursor a vendor pulls with is `seq`.
struct FeedRow {
    std::int64_t seq = 0;
    std::string vendor;
    std::string work_order_id;
    std::string change;  // assigned | cancelled | rescheduled | unassigned
    std::string created_at;
};

std::int64_t append_feed(sqlite::Connection& db, const FeedRow& row);
// `vendor`'s rows with seq > after, oldest first, at most `limit`.
std::vector<FeedRow> feed_after(sqlite::Connection& db, const std::string& vendor,
                                std::int64_t after, int limit);

// An outbox row for `destination` ("crm" or "vendor:<id>"); enqueue_event writes "crm" rows.
std::int64_t enqueue_event_to(sqlite::Connection& db, const OutboxEvent& event,
                              const std::string& destination);

// The new date and window (null window = none), the status, overdue_at cleared; when
// `leave_route` the order leaves its vendor route (route_id, route_date, stop_seq cleared).
struct ScheduleUpdate {
    std::string scheduled_date;
    std::optional<std::string> window_start;
    std::optional<std::string> window_end;
    std::string status;
    bool leave_route = false;
};
void reschedule_work_order(sqlite::Connection& db, const std::string& id,
                           const ScheduleUpdate& update, const std::string& at);

}  // namespace fieldgate::store
