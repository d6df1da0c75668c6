#include "outbox_pg.h"

#include <utility>

namespace fieldgate::store {

namespace {

OutboxEvent read_event(const pg::Result& q, int row) {
    return OutboxEvent{
        q.integer(row, 0),          q.text(row, 1),          q.text(row, 2), q.text(row, 3),
        q.optional_integer(row, 4), q.optional_text(row, 5), q.text(row, 6)};
}

}  // namespace

std::int64_t PgOutboxRepository::enqueue_event(const OutboxEvent& event) {
    return enqueue_event_to(event, "crm");
}

std::int64_t PgOutboxRepository::enqueue_event_to(const OutboxEvent& e,
                                                  const std::string& destination) {
    static const std::string insert =
        "INSERT INTO outbox (work_order_id, event_type, status, outcome_id, extra, created_at, "
        "state, destination) VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7)";
    static const std::string insert_returning_id = insert + " RETURNING id";
    auto params = pg::Params()
                      .text(e.work_order_id)
                      .text(e.event_type)
                      .text(e.status)
                      .optional_integer(e.outcome_id)
                      .optional_text(e.extra_json)
                      .text(e.created_at)
                      .text(destination);
    if (db_->sending_ahead()) {
        db_->write(insert, std::move(params));
        return 0;
    }
    return db_->query(insert_returning_id, params).integer(0, 0);
}

std::vector<OutboxEvent> PgOutboxRepository::events_of(const std::string& work_order_id) {
    const auto q = db_->query(
        "SELECT id, work_order_id, event_type, status, outcome_id, extra, created_at "
        "FROM outbox WHERE work_order_id = $1 ORDER BY id",
        pg::Params().text(work_order_id));
    std::vector<OutboxEvent> out;
    for (int i = 0; i < q.rows(); ++i) out.push_back(read_event(q, i));
    return out;
}

std::vector<PendingEvent> PgOutboxRepository::pending_events(const std::string& destination,
                                                             std::int64_t after_id, int limit) {
    pg::Params params;
    params.integer(after_id).text(destination);
    // SQLite reads a negative LIMIT as no limit; PostgreSQL refuses one but reads NULL so.
    if (limit < 0)
        params.null();
    else
        params.integer(limit);
    const auto q = db_->query(
        "SELECT id, work_order_id, event_type, status, outcome_id, extra, created_at, attempts, "
        "next_attempt_at, event_failures FROM outbox "
        "WHERE state = 'pending' AND id > $1 AND destination = $2 ORDER BY id LIMIT $3",
        params);
    std::vector<PendingEvent> out;
    for (int i = 0; i < q.rows(); ++i) {
        PendingEvent p;
        p.event = read_event(q, i);
        p.destination = destination;
        p.attempts = static_cast<int>(q.integer(i, 7));
        p.next_attempt_at = q.optional_text(i, 8);
        p.event_failures = static_cast<int>(q.integer(i, 9));
        out.push_back(std::move(p));
    }
    return out;
}

void PgOutboxRepository::mark_delivered(std::int64_t id, int status, const std::string& at) {
    db_->query(
        "UPDATE outbox SET state = 'delivered', delivered_at = $1, attempts = attempts + 1, "
        "last_status = $2, next_attempt_at = NULL, deferred_by = NULL, lease_owner = NULL, "
        "lease_until = NULL WHERE id = $3",
        pg::Params().text(at).integer(status).integer(id));
}

void PgOutboxRepository::mark_retry(std::int64_t id, int status, const std::string& error,
                                    const std::string& next_attempt_at,
                                    const std::string& deferred_by) {
    db_->query(
        "UPDATE outbox SET attempts = attempts + 1, last_status = $1, last_error = $2, "
        "next_attempt_at = $3, deferred_by = $4, lease_owner = NULL, lease_until = NULL, "
        "event_failures = event_failures + CASE WHEN $4 = 'event' THEN 1 ELSE 0 END "
        "WHERE id = $5 AND state = 'pending'",
        pg::Params()
            .integer(status)
            .text(error)
            .text(next_attempt_at)
            .text(deferred_by)
            .integer(id));
}

void PgOutboxRepository::mark_dead(std::int64_t id, int status, const std::string& error,
                                   const std::string& at) {
    db_->query(
        "UPDATE outbox SET state = 'dead', dead_at = $1, attempts = attempts + 1, "
        "last_status = $2, last_error = $3, next_attempt_at = NULL, deferred_by = NULL, "
        "lease_owner = NULL, lease_until = NULL WHERE id = $4 AND state = 'pending'",
        pg::Params().text(at).integer(status).text(error).integer(id));
}

void PgOutboxRepository::note_attempt(std::int64_t id, int status, const std::string& error) {
    db_->query(
        "UPDATE outbox SET attempts = attempts + 1, last_status = $1, last_error = $2, "
        "lease_owner = NULL, lease_until = NULL WHERE id = $3 AND state = 'pending'",
        pg::Params().integer(status).text(error).integer(id));
}

void PgOutboxRepository::defer_to_endpoint(const std::vector<std::int64_t>& ids) {
    for (const auto id : ids) {
        db_->query(
            "UPDATE outbox SET deferred_by = 'endpoint', "
            "event_failures = GREATEST(event_failures - 1, 0) "
            "WHERE id = $1 AND state = 'pending' AND deferred_by = 'event'",
            pg::Params().integer(id));
    }
}

int PgOutboxRepository::release_endpoint_deferrals(const std::string& destination) {
    return static_cast<int>(
        db_->query("UPDATE outbox SET next_attempt_at = NULL, deferred_by = NULL "
                   "WHERE state = 'pending' AND destination = $1 AND deferred_by = 'endpoint'",
                   pg::Params().text(destination))
            .affected());
}

std::vector<EndpointState> PgOutboxRepository::endpoint_states() {
    // ORDER BY name in bytes, as SQLite sorts, whatever the database's collation.
    const auto q = db_->query(
        "SELECT name, state, disabled_at, disabled_reason FROM delivery_endpoints "
        "ORDER BY name COLLATE \"C\"");
    std::vector<EndpointState> out;
    for (int i = 0; i < q.rows(); ++i)
        out.push_back({q.text(i, 0), q.text(i, 1), q.optional_text(i, 2), q.optional_text(i, 3)});
    return out;
}

void PgOutboxRepository::set_endpoint_state(const std::string& name, const std::string& state,
                                            const std::optional<std::string>& reason,
                                            const std::string& at) {
    const bool disabled = state == "disabled";
    db_->query(
        "INSERT INTO delivery_endpoints (name, state, disabled_at, disabled_reason, updated_at) "
        "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (name) DO UPDATE SET state = $2, "
        "disabled_at = $3, disabled_reason = $4, updated_at = $5",
        pg::Params()
            .text(name)
            .text(state)
            .optional_text(disabled ? std::optional<std::string>(at) : std::nullopt)
            .optional_text(disabled ? reason : std::nullopt)
            .text(at));
}

OutboxCounts PgOutboxRepository::outbox_counts(const std::string& destination) {
    OutboxCounts c;
    // MIN in bytes, as SQLite compares, whatever the database's collation.
    const auto pending = db_->query(
        "SELECT COUNT(*), MIN(created_at COLLATE \"C\") FROM outbox "
        "WHERE state = 'pending' AND destination = $1",
        pg::Params().text(destination));
    c.pending = pending.integer(0, 0);
    c.oldest_pending_at = pending.optional_text(0, 1);
    c.dead = db_->query("SELECT COUNT(*) FROM outbox WHERE state = 'dead' AND destination = $1",
                        pg::Params().text(destination))
                 .integer(0, 0);
    return c;
}

}  // namespace fieldgate::store
