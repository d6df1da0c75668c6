// Where a polled vendor's poller stopped, and how polling fares. Saved in the same unit of
// work as the page whose results it covers, so after a crash the store holds both or neither.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "records.h"

namespace fieldgate::store {

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

class PollStateRepository {
  public:
    virtual ~PollStateRepository() = default;

    virtual std::optional<PollState> load_poll_state(const std::string& vendor) = 0;
    // A page was stored: also clears the failures (updated_at is the success's time).
    virtual void save_poll_state(const PollState& state) = 0;
    // A request failed (or could not be sent): `error` holds no secret. Counts it, keeps when the
    // failures began, and when the next request may leave; the position is left as it was.
    virtual void record_poll_failure(const std::string& vendor, const std::string& error,
                                     const std::string& at, const std::string& next_request_at) = 0;
};

}  // namespace fieldgate::store

namespace fieldgate::poll {
using store::PollState;
}  // namespace fieldgate::poll
