#include "quarantine_sql.h"

namespace fieldgate::store {

namespace {

constexpr const char* kColumns =
    "q.id, q.vendor, q.channel, q.raw_payload_id, q.body_sha256, q.record_pointer, "
    "q.received_at, q.last_seen_at, q.attempts, q.http_status, q.problem_type, q.problem, "
    "q.state, q.replayed_at, q.replay_count, q.replay_verdict, q.replay_detail, q.discarded_at, "
    "q.discard_reason";

QuarantineRow read_row(const sqlite::Statement& q) {
    QuarantineRow r;
    auto& e = r.entry;
    e.id = q.integer(0);
    e.vendor = q.optional_text(1);
    e.channel = q.text(2);
    e.raw_payload_id = q.integer(3);
    e.body_sha256 = q.text(4);
    e.record_pointer = q.optional_text(5);
    e.received_at = q.text(6);
    e.last_seen_at = q.text(7);
    e.attempts = q.integer(8);
    e.http_status = static_cast<int>(q.integer(9));
    e.problem_type = q.text(10);
    e.problem_json = q.text(11);
    e.state = q.text(12);
    r.replayed_at = q.optional_text(13);
    r.replay_count = q.integer(14);
    r.replay_verdict = q.optional_text(15);
    r.replay_detail = q.optional_text(16);
    r.discarded_at = q.optional_text(17);
    r.discard_reason = q.optional_text(18);
    return r;
}

}  // namespace

std::vector<QuarantineRow> list_quarantine(sqlite::Connection& db, const QuarantineFilter& f) {
    // With a vendor the (vendor, state, received_at) index serves; without, (received_at, id).
    auto q = db.prepare(std::string("SELECT ") + kColumns +
                        " FROM quarantine q WHERE q.id > ?1 "
                        "AND (?2 IS NULL OR q.vendor = ?2) AND (?3 IS NULL OR q.received_at >= ?3) "
                        "AND (?4 IS NULL OR q.received_at < ?4) AND (?5 IS NULL OR q.state = ?5) "
                        "AND (?7 IS NULL OR q.problem_type = ?7) "
                        "ORDER BY q.id LIMIT ?6");
    q->bind(1, f.after_id)
        .bind(2, f.vendor)
        .bind(3, f.from)
        .bind(4, f.to)
        .bind(5, f.state)
        .bind(6, f.limit)
        .bind(7, f.problem_type);
    std::vector<QuarantineRow> out;
    while (q->step()) out.push_back(read_row(*q));
    return out;
}

std::optional<QuarantineRow> find_quarantine(sqlite::Connection& db, std::int64_t id) {
    auto q = db.prepare(std::string("SELECT ") + kColumns + " FROM quarantine q WHERE q.id = ?");
    q->bind(1, id);
    if (!q->step()) return std::nullopt;
    return read_row(*q);
}

std::optional<QuarantinedPayload> find_quarantined_payload(sqlite::Connection& db,
                                                           std::int64_t id) {
    auto row = find_quarantine(db, id);
    if (!row) return std::nullopt;
    auto q = db.prepare(
        "SELECT vendor, channel, received_at, IFNULL(content_type, ''), IFNULL(request_id, ''), "
        "headers, body, body_sha256, truncated FROM raw_payloads WHERE id = ?");
    q->bind(1, row->entry.raw_payload_id);
    if (!q->step()) return std::nullopt;
    RawPayload raw;
    raw.vendor = q->optional_text(0);
    raw.channel = q->text(1);
    raw.received_at = q->text(2);
    raw.content_type = q->text(3);
    raw.request_id = q->text(4);
    raw.headers_json = q->text(5);
    raw.body = q->text(6);
    raw.body_sha256 = q->text(7);
    raw.truncated = q->integer(8) != 0;
    return QuarantinedPayload{std::move(*row), std::move(raw)};
}

std::vector<QuarantineRow> quarantine_of_body(sqlite::Connection& db,
                                              const std::optional<std::string>& vendor,
                                              const std::string& body_sha256) {
    auto q = db.prepare(std::string("SELECT ") + kColumns +
                        " FROM quarantine q WHERE IFNULL(q.vendor, '') = IFNULL(?1, '') "
                        "AND q.body_sha256 = ?2 ORDER BY q.id");
    q->bind(1, vendor).bind(2, body_sha256);
    std::vector<QuarantineRow> out;
    while (q->step()) out.push_back(read_row(*q));
    return out;
}

void record_replay(sqlite::Connection& db, std::int64_t id, const std::string& verdict,
                   const std::string& detail_json, bool resolved, const std::string& at) {
    db.prepare(
          "UPDATE quarantine SET replayed_at = ?2, replay_count = replay_count + 1, "
          "replay_verdict = ?3, replay_detail = ?4, "
          "state = CASE WHEN ?5 THEN 'replayed' ELSE state END WHERE id = ?1")
        ->bind(1, id)
        .bind(2, at)
        .bind(3, verdict)
        .bind(4, detail_json)
        .bind(5, resolved ? 1 : 0)
        .run();
}

bool discard_quarantine(sqlite::Connection& db, std::int64_t id, const std::string& reason,
                        const std::string& at) {
    db.prepare(
          "UPDATE quarantine SET state = 'discarded', discarded_at = ?2, discard_reason = ?3 "
          "WHERE id = ?1 AND state = 'open'")
        ->bind(1, id)
        .bind(2, at)
        .bind(3, reason)
        .run();
    return db.changes() > 0;
}

std::int64_t open_quarantine_count(sqlite::Connection& db) {
    auto q = db.prepare("SELECT COUNT(*) FROM quarantine WHERE state = 'open'");
    return q->step() ? q->integer(0) : 0;
}

bool discard_dead_letter(sqlite::Connection& db, std::int64_t id, const std::string& reason,
                         const std::string& at) {
    db.prepare(
          "UPDATE outbox SET state = 'discarded', discarded_at = ?2, discard_reason = ?3 "
          "WHERE id = ?1 AND state = 'dead'")
        ->bind(1, id)
        .bind(2, at)
        .bind(3, reason)
        .run();
    return db.changes() > 0;
}

}  // namespace fieldgate::store
