// SQL of the delivery worker: the outbox's pending rows, their fate, the endpoints' state and the
// dead letters. On a connection handed in by the caller (the writer's inside its transaction,
// or a read connection); no transaction control here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sqlite.h"
#include "transaction.h"

namespace fieldgate::store {

// Pending rows of `destination` in id order (the order they must be delivered in, per work
// order), starting after `after_id`.
std::vector<PendingEvent> pending_events(sqlite::Connection& db, const std::string& destination,
                                         std::int64_t after_id, int limit);

void mark_delivered(sqlite::Connection& db, std::int64_t id, int status, const std::string& at);
// deferred_by: "event" (counted in event_failures) or "endpoint" (released as soon as the
// endpoint recovers).
void mark_retry(sqlite::Connection& db, std::int64_t id, int status, const std::string& error,
                const std::string& next_attempt_at, const std::string& deferred_by);
void mark_dead(sqlite::Connection& db, std::int64_t id, int status, const std::string& error,
               const std::string& at);
// A 410 or a render problem: the row stays pending but the attempt is recorded.
void note_attempt(sqlite::Connection& db, std::int64_t id, int status, const std::string& error);
// Rows deferred on their own backoff whose failures turned out to be the endpoint's (they came
// just before the circuit opened): deferred because of the endpoint, so its recovery releases
// them with the rest, and the failure no longer counts as theirs.
void defer_to_endpoint(sqlite::Connection& db, const std::vector<std::int64_t>& ids);
// Makes every row deferred because the endpoint was unwell due at once; returns how many.
int release_endpoint_deferrals(sqlite::Connection& db, const std::string& destination);

std::vector<EndpointState> endpoint_states(sqlite::Connection& db);
void set_endpoint_state(sqlite::Connection& db, const std::string& name, const std::string& state,
                        const std::optional<std::string>& reason, const std::string& at);

std::vector<DeadLetter> dead_letters(sqlite::Connection& db,
                                     const std::optional<std::string>& destination,
                                     std::int64_t after_id, int limit);
// Puts dead letters back in line as new (attempts 0, due now). `ids` empty = every dead letter
// (of `destination` when given). Rows that are not dead are left alone, so a replay repeated
// changes nothing. Returns how many went back.
int replay_dead_letters(sqlite::Connection& db, const std::vector<std::int64_t>& ids,
                        const std::optional<std::string>& destination);

OutboxCounts outbox_counts(sqlite::Connection& db, const std::string& destination);

}  // namespace fieldgate::store
