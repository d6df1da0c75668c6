// SQL of dispatch: the vendors' pull feed, outbox rows bound for a vendor, and the schedule
// changes the CRM makes. Like repositories.h: a connection handed in, no transaction control.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sqlite.h"
#include "transaction.h"

namespace fieldgate::store {

std::int64_t append_feed(sqlite::Connection& db, const FeedRow& row);
// `vendor`'s rows with seq > after, oldest first, at most `limit`.
std::vector<FeedRow> feed_after(sqlite::Connection& db, const std::string& vendor,
                                std::int64_t after, int limit);

// An outbox row for `destination` ("crm" or "vendor:<id>"); enqueue_event writes "crm" rows.
std::int64_t enqueue_event_to(sqlite::Connection& db, const OutboxEvent& event,
                              const std::string& destination);

void reschedule_work_order(sqlite::Connection& db, const std::string& id,
                           const ScheduleUpdate& update, const std::string& at);

}  // namespace fieldgate::store
