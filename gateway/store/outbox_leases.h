// Several gateways deliver one outbox: before sending an event a gateway leases it, and only
// the head of a work order (its first pending event) can be leased, so each order's events
// still reach an endpoint one after another, in order. A lease that is not settled in time (the
// gateway died mid-send, or lost the database) expires and the event goes to whoever claims it
// next, with the same webhook-id: the receiver de-duplicates it.
// A store with one gateway (SQLite) has no leases: its delivery worker keeps order in memory.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "outbox_repository.h"

namespace fieldgate::store {

class OutboxLeases {
  public:
    virtual ~OutboxLeases() = default;
    // Leases to `owner`, for `lease`, up to `limit` events of `destination` that are due at
    // `now` (RFC 3339), are the head of their work order and are not leased to anyone;
    // returns them in id order. Settling an event (mark_delivered, mark_retry, ...) ends its
    // lease. Throws when the store cannot be reached.
    virtual std::vector<PendingEvent> claim(const std::string& destination,
                                            const std::string& owner, const std::string& now,
                                            std::chrono::milliseconds lease, int limit) = 0;
    // Extends the leases `owner` still holds on `ids` (events in flight) to `lease` from now.
    virtual void renew(const std::vector<std::int64_t>& ids, const std::string& owner,
                       std::chrono::milliseconds lease) = 0;
    // Gives back leases `owner` holds on `ids` without settling them (claimed but not sent).
    virtual void release(const std::vector<std::int64_t>& ids, const std::string& owner) = 0;
};

}  // namespace fieldgate::store
