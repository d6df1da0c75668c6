// SQL for each table, on a connection handed in by the caller: the writer's inside its
// transaction, or a read connection. No transaction control here.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sqlite.h"
#include "transaction.h"

namespace fieldgate::store {

// work_orders and history
std::optional<WorkOrder> find_work_order(sqlite::Connection& db, const std::string& id);
std::optional<WorkOrder> find_work_order_by_case(sqlite::Connection& db,
                                                 const std::string& crm_case_id);
// Without items, instructions and customer details: for checks that do not need them.
std::optional<WorkOrder> find_work_order_state_by_case(sqlite::Connection& db,
                                                       const std::string& crm_case_id);
void insert_work_order(sqlite::Connection& db, const WorkOrder& wo);
void update_work_order_status(sqlite::Connection& db, const std::string& id,
                              const std::string& status, std::optional<std::int64_t> outcome_id,
                              const std::string& at);
void append_history(sqlite::Connection& db, const std::string& work_order_id,
                    const HistoryEntry& entry);
std::vector<HistoryEntry> list_history(sqlite::Connection& db, const std::string& work_order_id);
// Orders of `vendor` on that route and day whose status is not terminal (state columns only).
std::vector<WorkOrder> open_orders_on_route(sqlite::Connection& db, const std::string& vendor,
                                            const std::string& route_id,
                                            const std::string& route_date);

// outcomes
std::optional<OutcomeRow> find_outcome_by_content(sqlite::Connection& db, const std::string& vendor,
                                                  const std::string& vendor_ref,
                                                  const std::string& work_order_id,
                                                  const std::string& content_hash);
std::optional<OutcomeRow> find_outcome(sqlite::Connection& db, std::int64_t id);
bool outcome_ref_exists(sqlite::Connection& db, const std::string& vendor,
                        const std::string& vendor_ref);
std::int64_t insert_outcome(sqlite::Connection& db, const OutcomeRow& row);

// raw payloads: append only, no index but the row id (a hash index would dirty a random page
// per request); callers store one only when something refers to it.
std::int64_t store_raw_payload(sqlite::Connection& db, const RawPayload& raw);

// quarantine: the same body refused again for the same reason at the same place counts an
// attempt instead of a new entry, and `raw_payload_id` is asked for only for a new entry.
std::int64_t quarantine(sqlite::Connection& db, QuarantineEntry entry,
                        const std::function<std::int64_t()>& raw_payload_id);

// idempotency keys
std::optional<StoredResponse> find_stored_response(sqlite::Connection& db,
                                                   const std::string& vendor,
                                                   const std::string& key);
void store_response(sqlite::Connection& db, const std::string& vendor, const std::string& key,
                    const StoredResponse& response, const std::string& at);

// outbox
std::int64_t enqueue_event(sqlite::Connection& db, const OutboxEvent& event);
std::vector<OutboxEvent> events_of(sqlite::Connection& db, const std::string& work_order_id);

}  // namespace fieldgate::store
