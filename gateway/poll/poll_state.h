// Where a polled vendor's poller stopped. Written in the same transaction as the page whose
// results it covers, so after a crash the store holds either both or neither. The same row
// keeps how polling fares (the last error, failures in a row) for the vendor's health.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "sqlite.h"

namespace fieldgate::poll {

struct PollState {
    std::string vendor;
    std::string window_since;  // window mode: the window being fetched, or the last one done
    std::string window_until;  // RFC 3339; the next window starts here minus the overlap
    std::string next_page;     // non-empty: the window is not finished, this is the next page
    std::string cursor;        // cursor mode: the vendor's position after the last page stored
    std::int64_t pages = 0;    // pages stored so far
    std::int64_t records = 0;  // records in them
    std::string updated_at;
    std::string next_request_at;  // RFC 3339: no request to the vendor before this
};

std::optional<PollState> load_poll_state(sqlite::Connection& db, const std::string& vendor);
// A page was stored: also clears the failures (updated_at is the success's time).
void save_poll_state(sqlite::Connection& db, const PollState& state);
// A request failed (or could not be sent): `error` holds no secret. Counts it, keeps when the
// failures began, and when the next request may leave; the position is left as it was.
void record_poll_failure(sqlite::Connection& db, const std::string& vendor,
                         const std::string& error, const std::string& at,
                         const std::string& next_request_at);

}  // namespace fieldgate::poll
