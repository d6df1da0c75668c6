#include "outbox_sql.h"

namespace fieldgate::store {

std::vector<PendingEvent> pending_events(sqlite::Connection& db, const std::string& destination,
                                         std::int64_t after_id, int limit) {
    // outbox_due is the partial index of pending rows: delivered ones cost nothing here.
    auto q = db.prepare(
        "SELECT id, work_order_id, event_type, status, outcome_id, extra, created_at, attempts, "
        "next_attempt_at, event_failures FROM outbox INDEXED BY outbox_due "
        "WHERE state = 'pending' AND id > ? AND destination = ? ORDER BY id LIMIT ?");
    q->bind(1, after_id).bind(2, destination).bind(3, limit);
    std::vector<PendingEvent> out;
    while (q->step()) {
        PendingEvent p;
        p.event = OutboxEvent{q->integer(0),          q->text(1),          q->text(2), q->text(3),
                              q->optional_integer(4), q->optional_text(5), q->text(6)};
        p.destination = destination;
        p.attempts = static_cast<int>(q->integer(7));
        p.next_attempt_at = q->optional_text(8);
        p.event_failures = static_cast<int>(q->integer(9));
        out.push_back(std::move(p));
    }
    return out;
}

void mark_delivered(sqlite::Connection& db, std::int64_t id, int status, const std::string& at) {
    db.prepare(
          "UPDATE outbox SET state = 'delivered', delivered_at = ?, attempts = attempts + 1, "
          "last_status = ?, next_attempt_at = NULL, deferred_by = NULL WHERE id = ?")
        ->bind(1, at)
        .bind(2, status)
        .bind(3, id)
        .run();
}

void mark_retry(sqlite::Connection& db, std::int64_t id, int status, const std::string& error,
                const std::string& next_attempt_at, const std::string& deferred_by) {
    db.prepare(
          "UPDATE outbox SET attempts = attempts + 1, last_status = ?, last_error = ?, "
          "next_attempt_at = ?, deferred_by = ?, "
          "event_failures = event_failures + (? = 'event') WHERE id = ? AND state = 'pending'")
        ->bind(1, status)
        .bind(2, error)
        .bind(3, next_attempt_at)
        .bind(4, deferred_by)
        .bind(5, deferred_by)
        .bind(6, id)
        .run();
}

void mark_dead(sqlite::Connection& db, std::int64_t id, int status, const std::string& error,
               const std::string& at) {
    db.prepare(
          "UPDATE outbox SET state = 'dead', dead_at = ?, attempts = attempts + 1, "
          "last_status = ?, last_error = ?, next_attempt_at = NULL, deferred_by = NULL "
          "WHERE id = ? AND state = 'pending'")
        ->bind(1, at)
        .bind(2, status)
        .bind(3, error)
        .bind(4, id)
        .run();
}

void note_attempt(sqlite::Connection& db, std::int64_t id, int status, const std::string& error) {
    db.prepare(
          "UPDATE outbox SET attempts = attempts + 1, last_status = ?, last_error = ? "
          "WHERE id = ? AND state = 'pending'")
        ->bind(1, status)
        .bind(2, error)
        .bind(3, id)
        .run();
}

void defer_to_endpoint(sqlite::Connection& db, const std::vector<std::int64_t>& ids) {
    for (const auto id : ids) {
        db.prepare(
              "UPDATE outbox SET deferred_by = 'endpoint', event_failures = "
              "MAX(event_failures - 1, 0) WHERE id = ? AND state = 'pending' "
              "AND deferred_by = 'event'")
            ->bind(1, id)
            .run();
    }
}

int release_endpoint_deferrals(sqlite::Connection& db, const std::string& destination) {
    db.prepare(
          "UPDATE outbox SET next_attempt_at = NULL, deferred_by = NULL "
          "WHERE id IN (SELECT id FROM outbox INDEXED BY outbox_due WHERE state = 'pending' "
          "AND destination = ? AND deferred_by = 'endpoint')")
        ->bind(1, destination)
        .run();
    return db.changes();
}

std::vector<EndpointState> endpoint_states(sqlite::Connection& db) {
    auto q = db.prepare(
        "SELECT name, state, disabled_at, disabled_reason FROM delivery_endpoints ORDER BY name");
    std::vector<EndpointState> out;
    while (q->step())
        out.push_back({q->text(0), q->text(1), q->optional_text(2), q->optional_text(3)});
    return out;
}

void set_endpoint_state(sqlite::Connection& db, const std::string& name, const std::string& state,
                        const std::optional<std::string>& reason, const std::string& at) {
    const bool disabled = state == "disabled";
    db.prepare(
          "INSERT INTO delivery_endpoints (name, state, disabled_at, disabled_reason, updated_at) "
          "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (name) DO UPDATE SET state = ?2, "
          "disabled_at = ?3, disabled_reason = ?4, updated_at = ?5")
        ->bind(1, name)
        .bind(2, state)
        .bind(3, disabled ? std::optional<std::string>(at) : std::nullopt)
        .bind(4, disabled ? reason : std::nullopt)
        .bind(5, at)
        .run();
}

std::vector<DeadLetter> dead_letters(sqlite::Connection& db,
                                     const std::optional<std::string>& destination,
                                     std::int64_t after_id, int limit) {
    auto q = db.prepare(
        "SELECT o.id, o.destination, o.work_order_id, IFNULL(w.crm_case_id, ''), o.event_type, "
        "o.attempts, o.last_status, o.last_error, o.created_at, o.dead_at "
        "FROM outbox o LEFT JOIN work_orders w ON w.id = o.work_order_id "
        "WHERE o.state = 'dead' AND o.id > ? AND (?2 IS NULL OR o.destination = ?2) "
        "ORDER BY o.id LIMIT ?3");
    q->bind(1, after_id).bind(2, destination).bind(3, limit);
    std::vector<DeadLetter> out;
    while (q->step()) {
        DeadLetter d;
        d.id = q->integer(0);
        d.destination = q->text(1);
        d.work_order_id = q->text(2);
        d.crm_case_id = q->text(3);
        d.event_type = q->text(4);
        d.attempts = static_cast<int>(q->integer(5));
        d.last_status = q->optional_integer(6);
        d.last_error = q->optional_text(7);
        d.created_at = q->text(8);
        d.dead_at = q->optional_text(9);
        out.push_back(std::move(d));
    }
    return out;
}

int replay_dead_letters(sqlite::Connection& db, const std::vector<std::int64_t>& ids,
                        const std::optional<std::string>& destination) {
    constexpr const char* kReplay =
        "UPDATE outbox SET state = 'pending', attempts = 0, event_failures = 0, "
        "next_attempt_at = NULL, "
        "deferred_by = NULL, dead_at = NULL ";
    int changed = 0;
    if (ids.empty()) {
        db.prepare(std::string(kReplay) +
                   "WHERE state = 'dead' AND (?1 IS NULL OR destination = ?1)")
            ->bind(1, destination)
            .run();
        return db.changes();
    }
    auto q = db.prepare(std::string(kReplay) +
                        "WHERE id = ?1 AND state = 'dead' AND (?2 IS NULL OR destination = ?2)");
    for (const auto id : ids) {
        q->bind(1, id).bind(2, destination).run();
        changed += db.changes();
        q->reset();
    }
    return changed;
}

OutboxCounts outbox_counts(sqlite::Connection& db, const std::string& destination) {
    OutboxCounts c;
    {
        auto q = db.prepare(
            "SELECT COUNT(*), MIN(created_at) FROM outbox INDEXED BY outbox_due "
            "WHERE state = 'pending' AND destination = ?");
        q->bind(1, destination);
        if (q->step()) {
            c.pending = q->integer(0);
            c.oldest_pending_at = q->optional_text(1);
        }
    }
    auto q = db.prepare(
        "SELECT COUNT(*) FROM outbox INDEXED BY outbox_dead WHERE state = 'dead' AND "
        "destination = ?");
    q->bind(1, destination);
    if (q->step()) c.dead = q->integer(0);
    return c;
}

}  // namespace fieldgate::store
