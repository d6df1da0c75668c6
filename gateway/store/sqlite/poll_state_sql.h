// Where a polled vendor's poller stopped. Written in the same transaction as the page whose
// results it covers, so after a crash the store holds either both or neither. The same row
// keeps how polling fares (the last error, failures in a row) for the vendor's health.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "poll_state_repository.h"
#include "sqlite.h"

namespace fieldgate::poll {

std::optional<PollState> load_poll_state(sqlite::Connection& db, const std::string& vendor);
// A page was stored: also clears the failures (updated_at is the success's time).
void save_poll_state(sqlite::Connection& db, const PollState& state);
// A request failed (or could not be sent): `error` holds no secret. Counts it, keeps when the
// failures began, and when the next request may leave; the position is left as it was.
void record_poll_failure(sqlite::Connection& db, const std::string& vendor,
                         const std::string& error, const std::string& at,
                         const std::string& next_request_at);

}  // namespace fieldgate::poll
