#include "quarantine_pg.h"

namespace fieldgate::store {

namespace {

constexpr const char* kColumns =
    "q.id, q.vendor, q.channel, q.raw_payload_id, q.body_sha256, q.record_pointer, "
    "q.received_at, q.last_seen_at, q.attempts, q.http_status, q.problem_type, q.problem, "
    "q.state, q.replayed_at, q.replay_count, q.replay_verdict, q.replay_detail, q.discarded_at, "
    "q.discard_reason";

QuarantineRow read_row(const pg::Result& q, int i) {
    QuarantineRow r;
    auto& e = r.entry;
    e.id = q.integer(i, 0);
    e.vendor = q.optional_text(i, 1);
    e.channel = q.text(i, 2);
    e.raw_payload_id = q.integer(i, 3);
    e.body_sha256 = q.text(i, 4);
    e.record_pointer = q.optional_text(i, 5);
    e.received_at = q.text(i, 6);
    e.last_seen_at = q.text(i, 7);
    e.attempts = q.integer(i, 8);
    e.http_status = static_cast<int>(q.integer(i, 9));
    e.problem_type = q.text(i, 10);
    e.problem_json = q.text(i, 11);
    e.state = q.text(i, 12);
    r.replayed_at = q.optional_text(i, 13);
    r.replay_count = q.integer(i, 14);
    r.replay_verdict = q.optional_text(i, 15);
    r.replay_detail = q.optional_text(i, 16);
    r.discarded_at = q.optional_text(i, 17);
    r.discard_reason = q.optional_text(i, 18);
    return r;
}

std::vector<QuarantineRow> read_rows(const pg::Result& q) {
    std::vector<QuarantineRow> out;
    out.reserve(static_cast<std::size_t>(q.rows()));
    for (int i = 0; i < q.rows(); ++i) out.push_back(read_row(q, i));
    return out;
}

// SQLite takes a negative LIMIT as no limit; PostgreSQL refuses one but takes NULL as none.
std::optional<std::int64_t> sql_limit(int limit) {
    if (limit < 0) return std::nullopt;
    return limit;
}

}  // namespace

std::int64_t PgQuarantineRepository::quarantine(
    QuarantineEntry e, const std::function<std::int64_t()>& raw_payload_id) {
    const auto found = db_->query(
        "SELECT id FROM quarantine WHERE COALESCE(vendor, '') = COALESCE($1, '') "
        "AND body_sha256 = $2 AND COALESCE(record_pointer, '') = COALESCE($3, '') "
        "AND problem_type = $4",
        pg::Params()
            .optional_text(e.vendor)
            .text(e.body_sha256)
            .optional_text(e.record_pointer)
            .text(e.problem_type));
    if (found.rows() > 0) {
        const auto id = found.integer(0, 0);
        db_->query(
            "UPDATE quarantine SET attempts = attempts + 1, last_seen_at = $1, http_status = $2, "
            "problem = $3, state = 'open' WHERE id = $4",
            pg::Params()
                .text(e.received_at)
                .integer(e.http_status)
                .text(e.problem_json)
                .integer(id));
        return id;
    }
    e.raw_payload_id = raw_payload_id();
    // A second writer may have made the entry since the SELECT: then it counts as an attempt,
    // as it would have had it come first.
    const auto inserted = db_->query(
        "INSERT INTO quarantine (vendor, channel, raw_payload_id, body_sha256, record_pointer, "
        "received_at, last_seen_at, attempts, http_status, problem_type, problem, state) "
        "VALUES ($1, $2, $3, $4, $5, $6, $6, 1, $7, $8, $9, 'open') "
        "ON CONFLICT (COALESCE(vendor, ''), body_sha256, COALESCE(record_pointer, ''), "
        "problem_type) DO UPDATE SET attempts = quarantine.attempts + 1, "
        "last_seen_at = excluded.last_seen_at, http_status = excluded.http_status, "
        "problem = excluded.problem, state = 'open' RETURNING id",
        pg::Params()
            .optional_text(e.vendor)
            .text(e.channel)
            .integer(e.raw_payload_id)
            .text(e.body_sha256)
            .optional_text(e.record_pointer)
            .text(e.received_at)
            .integer(e.http_status)
            .text(e.problem_type)
            .text(e.problem_json));
    return inserted.integer(0, 0);
}

std::vector<DeadLetter> PgQuarantineRepository::dead_letters(
    const std::optional<std::string>& destination, std::int64_t after_id, int limit) {
    const auto q = db_->query(
        "SELECT o.id, o.destination, o.work_order_id, COALESCE(w.crm_case_id, ''), o.event_type, "
        "o.attempts, o.last_status, o.last_error, o.created_at, o.dead_at "
        "FROM outbox o LEFT JOIN work_orders w ON w.id = o.work_order_id "
        "WHERE o.state = 'dead' AND o.id > $1 AND ($2::text IS NULL OR o.destination = $2) "
        "ORDER BY o.id LIMIT $3",
        pg::Params()
            .integer(after_id)
            .optional_text(destination)
            .optional_integer(sql_limit(limit)));
    std::vector<DeadLetter> out;
    for (int i = 0; i < q.rows(); ++i) {
        DeadLetter d;
        d.id = q.integer(i, 0);
        d.destination = q.text(i, 1);
        d.work_order_id = q.text(i, 2);
        d.crm_case_id = q.text(i, 3);
        d.event_type = q.text(i, 4);
        d.attempts = static_cast<int>(q.integer(i, 5));
        d.last_status = q.optional_integer(i, 6);
        d.last_error = q.optional_text(i, 7);
        d.created_at = q.text(i, 8);
        d.dead_at = q.optional_text(i, 9);
        out.push_back(std::move(d));
    }
    return out;
}

int PgQuarantineRepository::replay_dead_letters(const std::vector<std::int64_t>& ids,
                                                const std::optional<std::string>& destination) {
    const std::string replay =
        "UPDATE outbox SET state = 'pending', attempts = 0, event_failures = 0, "
        "next_attempt_at = NULL, deferred_by = NULL, dead_at = NULL ";
    if (ids.empty()) {
        return static_cast<int>(
            db_->query(replay + "WHERE state = 'dead' AND ($1::text IS NULL OR destination = $1)",
                       pg::Params().optional_text(destination))
                .affected());
    }
    int changed = 0;
    for (const auto id : ids) {
        changed += static_cast<int>(db_->query(replay + "WHERE id = $1 AND state = 'dead' AND "
                                                        "($2::text IS NULL OR destination = $2)",
                                               pg::Params().integer(id).optional_text(destination))
                                        .affected());
    }
    return changed;
}

std::vector<QuarantineRow> PgQuarantineRepository::list_quarantine(const QuarantineFilter& f) {
    // COLLATE "C": times compare in SQLite's byte order, whatever the database's locale.
    return read_rows(db_->query(std::string("SELECT ") + kColumns +
                                    " FROM quarantine q WHERE q.id > $1 "
                                    "AND ($2::text IS NULL OR q.vendor = $2) "
                                    "AND ($3::text IS NULL OR q.received_at >= $3 COLLATE \"C\") "
                                    "AND ($4::text IS NULL OR q.received_at < $4 COLLATE \"C\") "
                                    "AND ($5::text IS NULL OR q.state = $5) "
                                    "AND ($7::text IS NULL OR q.problem_type = $7) "
                                    "ORDER BY q.id LIMIT $6",
                                pg::Params()
                                    .integer(f.after_id)
                                    .optional_text(f.vendor)
                                    .optional_text(f.from)
                                    .optional_text(f.to)
                                    .optional_text(f.state)
                                    .optional_integer(sql_limit(f.limit))
                                    .optional_text(f.problem_type)));
}

std::optional<QuarantineRow> PgQuarantineRepository::find_quarantine(std::int64_t id) {
    const auto q =
        db_->query(std::string("SELECT ") + kColumns + " FROM quarantine q WHERE q.id = $1",
                   pg::Params().integer(id));
    if (q.rows() == 0) return std::nullopt;
    return read_row(q, 0);
}

std::optional<QuarantinedPayload> PgQuarantineRepository::find_quarantined_payload(
    std::int64_t id) {
    auto row = find_quarantine(id);
    if (!row) return std::nullopt;
    const auto q = db_->query(
        "SELECT vendor, channel, received_at, COALESCE(content_type, ''), "
        "COALESCE(request_id, ''), headers, body, body_sha256, truncated FROM raw_payloads "
        "WHERE id = $1",
        pg::Params().integer(row->entry.raw_payload_id));
    if (q.rows() == 0) return std::nullopt;
    RawPayload raw;
    raw.vendor = q.optional_text(0, 0);
    raw.channel = q.text(0, 1);
    raw.received_at = q.text(0, 2);
    raw.content_type = q.text(0, 3);
    raw.request_id = q.text(0, 4);
    raw.headers_json = q.text(0, 5);
    raw.body = q.bytes(0, 6);
    raw.body_sha256 = q.text(0, 7);
    raw.truncated = q.integer(0, 8) != 0;
    return QuarantinedPayload{std::move(*row), std::move(raw)};
}

std::vector<QuarantineRow> PgQuarantineRepository::quarantine_of_body(
    const std::optional<std::string>& vendor, const std::string& body_sha256) {
    return read_rows(db_->query(std::string("SELECT ") + kColumns +
                                    " FROM quarantine q WHERE COALESCE(q.vendor, '') = "
                                    "COALESCE($1, '') AND q.body_sha256 = $2 ORDER BY q.id",
                                pg::Params().optional_text(vendor).text(body_sha256)));
}

void PgQuarantineRepository::record_replay(std::int64_t id, const std::string& verdict,
                                           const std::string& detail_json, bool resolved,
                                           const std::string& at) {
    db_->query(
        "UPDATE quarantine SET replayed_at = $2, replay_count = replay_count + 1, "
        "replay_verdict = $3, replay_detail = $4, "
        "state = CASE WHEN $5 THEN 'replayed' ELSE state END WHERE id = $1",
        pg::Params().integer(id).text(at).text(verdict).text(detail_json).boolean(resolved));
}

bool PgQuarantineRepository::discard_quarantine(std::int64_t id, const std::string& reason,
                                                const std::string& at) {
    return db_->query(
                  "UPDATE quarantine SET state = 'discarded', discarded_at = $2, "
                  "discard_reason = $3 WHERE id = $1 AND state = 'open'",
                  pg::Params().integer(id).text(at).text(reason))
               .affected() > 0;
}

std::int64_t PgQuarantineRepository::open_quarantine_count() {
    return db_->query("SELECT COUNT(*) FROM quarantine WHERE state = 'open'").integer(0, 0);
}

bool PgQuarantineRepository::discard_dead_letter(std::int64_t id, const std::string& reason,
                                                 const std::string& at) {
    return db_->query(
                  "UPDATE outbox SET state = 'discarded', discarded_at = $2, "
                  "discard_reason = $3 WHERE id = $1 AND state = 'dead'",
                  pg::Params().integer(id).text(at).text(reason))
               .affected() > 0;
}

}  // namespace fieldgate::store
