// A request-rate limit and the token bucket that enforces it. Pure logic: the caller passes the
// time (any monotonic clock, as nanoseconds), so tests drive the clock.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace fieldgate {

// `requests_per_second` sustained, `burst` requests at once after a quiet spell.
struct RateLimit {
    double requests_per_second = 0;
    int burst = 0;
    friend bool operator==(const RateLimit&, const RateLimit&) = default;
};

// A token bucket holding up to `burst` tokens, refilled at `requests_per_second`, one token per
// request. Kept as one atomic (the "theoretical arrival time" of the generic cell rate
// algorithm, which is the same bucket written differently), so taking a token is a load and a
// compare-and-swap: no lock, whatever the number of threads.
class TokenBucket {
  public:
    explicit TokenBucket(RateLimit limit);

    // Takes a token at `now`. Zero when taken; otherwise nothing is taken and the answer is how
    // long until a token will be there.
    std::chrono::nanoseconds take(std::chrono::nanoseconds now);

    const RateLimit& limit() const { return limit_; }

  private:
    RateLimit limit_;
    std::int64_t interval_ns_;  // one token's worth of time
    std::int64_t capacity_ns_;  // burst tokens' worth
    // When the bucket will be full again, were nothing taken meanwhile. Earlier than now means
    // full.
    std::atomic<std::int64_t> full_at_ns_;
};

// Seconds for a Retry-After header: the wait rounded up, at least 1.
std::int64_t retry_after_seconds(std::chrono::nanoseconds wait);

}  // namespace fieldgate
