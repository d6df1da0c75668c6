#include "poll_state.h"

namespace fieldgate::poll {

std::optional<PollState> load_poll_state(sqlite::Connection& db, const std::string& vendor) {
    auto q = db.prepare(
        "SELECT window_since, window_until, next_page, cursor, pages, records, updated_at "
        "FROM poll_state WHERE vendor = ?");
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
    return s;
}

void save_poll_state(sqlite::Connection& db, const PollState& s) {
    db.prepare(
          "INSERT INTO poll_state (vendor, window_since, window_until, next_page, cursor, pages, "
          "records, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
          "ON CONFLICT (vendor) DO UPDATE SET window_since = excluded.window_since, "
          "window_until = excluded.window_until, next_page = excluded.next_page, "
          "cursor = excluded.cursor, pages = excluded.pages, records = excluded.records, "
          "updated_at = excluded.updated_at")
        ->bind(1, s.vendor)
        .bind(2, s.window_since)
        .bind(3, s.window_until)
        .bind(4, s.next_page)
        .bind(5, s.cursor)
        .bind(6, s.pages)
        .bind(7, s.records)
        .bind(8, s.updated_at)
        .run();
}

}  // namespace fieldgate::poll
