#include "rate_limit.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace fieldgate {

TokenBucket::TokenBucket(RateLimit limit)
    : limit_(limit),
      interval_ns_(
          std::max<std::int64_t>(1, std::llround(1e9 / std::max(limit.requests_per_second, 1e-9)))),
      capacity_ns_(interval_ns_ * std::max(limit.burst, 1)),
      full_at_ns_(std::numeric_limits<std::int64_t>::min() / 2) {}

std::chrono::nanoseconds TokenBucket::take(std::chrono::nanoseconds now) {
    const std::int64_t t = now.count();
    std::int64_t full_at = full_at_ns_.load(std::memory_order_relaxed);
    for (;;) {
        // Taking a token moves "full again" one interval later; the bucket holds at most
        // capacity_ns_ of such debt.
        const std::int64_t next = std::max(full_at, t) + interval_ns_;
        if (next - t > capacity_ns_) return std::chrono::nanoseconds(next - t - capacity_ns_);
        if (full_at_ns_.compare_exchange_weak(full_at, next, std::memory_order_relaxed))
            return std::chrono::nanoseconds::zero();
    }
}

std::int64_t retry_after_seconds(std::chrono::nanoseconds wait) {
    const auto s = std::chrono::ceil<std::chrono::seconds>(wait).count();
    return std::max<std::int64_t>(1, s);
}

}  // namespace fieldgate
