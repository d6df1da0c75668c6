// Where a polled vendor's poller stopped. Written in the same transaction as the page whose
// results it covers, so after a crash the store holds either both or neither.
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
};

std::optional<PollState> load_poll_state(sqlite::Connection& db, const std::string& vendor);
void save_poll_state(sqlite::Connection& db, const PollState& state);

}  // namespace fieldgate::poll
