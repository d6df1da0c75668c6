#include "poll_state_pg.h"

namespace fieldgate::store {

std::optional<PollState> PgPollStateRepository::load_poll_state(const std::string& vendor) {
    const auto r = db_->query(
        "SELECT window_since, window_until, next_page, cursor, pages, records, updated_at, "
        "next_request_at FROM poll_state WHERE vendor = $1",
        pg::Params().text(vendor));
    if (r.rows() == 0) return std::nullopt;
    PollState s;
    s.vendor = vendor;
    s.window_since = r.text(0, 0);
    s.window_until = r.text(0, 1);
    s.next_page = r.text(0, 2);
    s.cursor = r.text(0, 3);
    s.pages = r.integer(0, 4);
    s.records = r.integer(0, 5);
    s.updated_at = r.text(0, 6);
    s.next_request_at = r.text(0, 7);
    return s;
}

void PgPollStateRepository::save_poll_state(const PollState& s) {
    db_->query(
        "INSERT INTO poll_state (vendor, window_since, window_until, next_page, cursor, pages, "
        "records, updated_at, next_request_at, last_success_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $8) "
        "ON CONFLICT (vendor) DO UPDATE SET window_since = excluded.window_since, "
        "window_until = excluded.window_until, next_page = excluded.next_page, "
        "cursor = excluded.cursor, pages = excluded.pages, records = excluded.records, "
        "updated_at = excluded.updated_at, next_request_at = excluded.next_request_at, "
        "last_success_at = excluded.last_success_at, last_error = '', failures = 0, "
        "failing_since = ''",
        pg::Params()
            .text(s.vendor)
            .text(s.window_since)
            .text(s.window_until)
            .text(s.next_page)
            .text(s.cursor)
            .integer(s.pages)
            .integer(s.records)
            .text(s.updated_at)
            .text(s.next_request_at));
}

void PgPollStateRepository::record_poll_failure(const std::string& vendor, const std::string& error,
                                                const std::string& at,
                                                const std::string& next_request_at) {
    db_->query(
        "INSERT INTO poll_state (vendor, updated_at, last_error, failures, failing_since, "
        "next_request_at) VALUES ($1, $3, $2, 1, $3, $4) "
        "ON CONFLICT (vendor) DO UPDATE SET last_error = excluded.last_error, "
        "failing_since = CASE WHEN poll_state.failures = 0 THEN excluded.failing_since "
        "ELSE poll_state.failing_since END, failures = poll_state.failures + 1, "
        "next_request_at = excluded.next_request_at",
        pg::Params().text(vendor).text(error).text(at).text(next_request_at));
}

}  // namespace fieldgate::store
