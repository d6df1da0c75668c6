#include "poll_state_sql.h"

namespace fieldgate::poll {

std::optional<PollState> load_poll_state(sqlite::Connection& db, const std::string& vendor) {
    auto q = db.prepare(
        "SELECT window_since, window_until, next_page, cursor, pages, records, updated_at, "
        "next_request_at FROM poll_state WHERE vendor = ?");
    q->bind(1, vendor);
    if (!q->step()) return std::nullopt;
    PollState s;
    s.vendor = vendor;
    s.window_since = q->text(0);
    s.window_until = q->text(1);
    s.next_page = q->text(2);
    s.cursor = q->text(3);
    s.pages = q->integer(4);
    s.records = q->integer(5);
    s.updated_at = q->text(6);
    s.next_request_at = q->text(7);
    return s;
}

void save_poll_state(sqlite::Connection& db, const PollState& s) {
    db.prepare(
          "INSERT INTO poll_state (vendor, window_since, window_until, next_page, cursor, pages, "
          "records, updated_at, next_request_at, last_success_at) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?8) "
          "ON CONFLICT (vendor) DO UPDATE SET window_since = excluded.window_since, "
          "window_until = excluded.window_until, next_page = excluded.next_page, "
          "cursor = excluded.cursor, pages = excluded.pages, records = excluded.records, "
          "updated_at = excluded.updated_at, next_request_at = excluded.next_request_at, "
          "last_success_at = excluded.last_success_at, last_error = '', failures = 0, "
          "failing_since = ''")
        ->bind(1, s.vendor)
        .bind(2, s.window_since)
        .bind(3, s.window_until)
        .bind(4, s.next_page)
        .bind(5, s.cursor)
        .bind(6, s.pages)
        .bind(7, s.records)
        .bind(8, s.updated_at)
        .bind(9, s.next_request_at)
        .run();
}

void record_poll_failure(sqlite::Connection& db, const std::string& vendor,
                         const std::string& error, const std::string& at,
                         const std::string& next_request_at) {
    db.prepare(
          "INSERT INTO poll_state (vendor, updated_at, last_error, failures, failing_since, "
          "next_request_at) VALUES (?1, ?3, ?2, 1, ?3, ?4) "
          "ON CONFLICT (vendor) DO UPDATE SET last_error = excluded.last_error, "
          "failing_since = CASE WHEN poll_state.failures = 0 THEN excluded.failing_since "
          "ELSE poll_state.failing_since END, failures = poll_state.failures + 1, "
          "next_request_at = excluded.next_request_at")
        ->bind(1, vendor)
        .bind(2, error)
        .bind(3, at)
        .bind(4, next_request_at)
        .run();
}

}  // namespace fieldgate::poll
