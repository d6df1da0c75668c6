// The pure part of polling: which request a poller sends next, and where it stands after a page.
// No I/O, so it is unit-tested on its own.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "time_util.h"
#include "transaction.h"
#include "vendor_spec.h"

namespace fieldgate::poll {

// The request target for the next page. Starts a new window (or uses the cursor) when `state`
// holds no unfinished window; then updates `state`'s window bounds to the new window.
std::string next_target(const PollSpec& spec, PollState& state, SysMillis now);

// After a page was read: the position to commit with it. Returns true when the vendor has
// another page ready (a next link / page token, or a cursor page that held records); the
// poller asks for it at the vendor's next slot all the same.
bool advance(const PollSpec& spec, const nlohmann::json& page, std::size_t records,
             PollState& state);

// The longest a vendor's Retry-After is waited; a longer one is taken as this.
inline constexpr std::chrono::seconds kMaxRetryAfter = std::chrono::hours(1);

struct RequestDelay {
    std::chrono::seconds wait;                  // until the next request to the vendor
    std::optional<std::chrono::seconds> asked;  // the Retry-After the vendor sent, if read
    bool capped = false;                        // `asked` was longer than kMaxRetryAfter
};

// How long after an answer the next request to the vendor may leave: interval_s, or, when a
// 429 or 503 carries Retry-After (seconds or an HTTP-date), that if longer, up to
// kMaxRetryAfter. `status` 0: no answer came back.
RequestDelay next_request_delay(int interval_s, int status,
                                const std::optional<std::string>& retry_after, SysMillis now);

// A bound as the vendor wants it: iso8601 (UTC, ms, Z) or unix_seconds.
std::string format_bound(const std::string& format, SysMillis t);
// `target` with `name=value` appended.
std::string with_param(const std::string& target, const std::string& name,
                       const std::string& value);

}  // namespace fieldgate::poll
