// The outbox: CRM and vendor events written in the same unit of work as the change they
// report, and the delivery worker's bookkeeping (attempts, backoff, endpoint state).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "records.h"

namespace fieldgate::store {

struct PendingEvent {
    OutboxEvent event;
    std::string destination;
    int attempts = 0;
    // The failed attempts that were the event's own, not the endpoint's (see mark_retry).
    int event_failures = 0;
    std::optional<std::string> next_attempt_at;  // RFC 3339 UTC; null = due now
};

struct EndpointState {
    std::string name;
    std::string state;  // active | disabled
    std::optional<std::string> disabled_at;
    std::optional<std::string> disabled_reason;
};

struct OutboxCounts {
    std::int64_t pending = 0;
    std::int64_t dead = 0;
    std::optional<std::string> oldest_pending_at;
};

class OutboxRepository {
  public:
    virtual ~OutboxRepository() = default;

    // outbox. Returns the row's id, or 0 inside the PostgreSQL writer's batch, which sends the
    // insert ahead without waiting for it (no writer job reads the id).
    virtual std::int64_t enqueue_event(const OutboxEvent& event) = 0;
    virtual std::vector<OutboxEvent> events_of(const std::string& work_order_id) = 0;
    // Pending rows of `destination` in id order (the order they must be delivered in, per work
    // order), starting after `after_id`.
    virtual std::vector<PendingEvent> pending_events(const std::string& destination,
                                                     std::int64_t after_id, int limit) = 0;
    virtual void mark_delivered(std::int64_t id, int status, const std::string& at) = 0;
    // deferred_by: "event" (counted in event_failures) or "endpoint" (released as soon as the
    // endpoint recovers).
    virtual void mark_retry(std::int64_t id, int status, const std::string& error,
                            const std::string& next_attempt_at, const std::string& deferred_by) = 0;
    virtual void mark_dead(std::int64_t id, int status, const std::string& error,
                           const std::string& at) = 0;
    // A 410 or a render problem: the row stays pending but the attempt is recorded.
    virtual void note_attempt(std::int64_t id, int status, const std::string& error) = 0;
    // Rows deferred on their own backoff whose failures turned out to be the endpoint's (they came
    // just before the circuit opened): deferred because of the endpoint, so its recovery releases
    // them with the rest, and the failure no longer counts as theirs.
    virtual void defer_to_endpoint(const std::vector<std::int64_t>& ids) = 0;
    // Makes every row deferred because the endpoint was unwell due at once; returns how many.
    virtual int release_endpoint_deferrals(const std::string& destination) = 0;
    virtual std::vector<EndpointState> endpoint_states() = 0;
    virtual void set_endpoint_state(const std::string& name, const std::string& state,
                                    const std::optional<std::string>& reason,
                                    const std::string& at) = 0;
    virtual OutboxCounts outbox_counts(const std::string& destination) = 0;
    // An outbox row for `destination` ("crm" or "vendor:<id>"); enqueue_event writes "crm" rows.
    virtual std::int64_t enqueue_event_to(const OutboxEvent& event,
                                          const std::string& destination) = 0;
};

}  // namespace fieldgate::store
