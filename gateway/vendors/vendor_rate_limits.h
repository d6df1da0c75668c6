// Per-vendor request-rate limits at run time: one token bucket per vendor, for every request the
// vendor makes with its credentials (results posts, dispatch feed reads), taken only once it
// authenticated, so a stranger cannot spend a vendor's budget. A request over the limit is
// answered 429 with Retry-After and not stored: it is not bad input, the vendor still holds it
// and sends it again (Bay Hauling and Valley Disposal retry by themselves), and keeping a flood
// would let one vendor fill the disk. It is counted (metrics, vendor health) and logged once per
// minute per vendor.
//
// The buckets are rebuilt whenever a vendor set is installed (start, hot reload): a vendor whose
// limit is unchanged keeps its bucket and what it spent; a new or changed limit starts full.
// Taking a token takes no lock: each thread keeps the current table until the next install.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "api_error.h"
#include "rate_limit.h"
#include "registry.h"

namespace fieldgate {

struct RateRefusal {
    RateLimit limit;
    std::chrono::nanoseconds wait{0};  // until the vendor's next request would be taken
    std::uint64_t refused = 0;         // this vendor's refusals since start, this one included
    bool first_in_a_while = false;     // nothing refused for this vendor in the last minute
};

class VendorRateLimits {
  public:
    explicit VendorRateLimits(RateLimit fallback);  // for vendors that declare no rate_limit

    // Before `vendors` serves (so no request meets a vendor without a bucket).
    void install(const VendorRegistry& vendors);

    // One request of `vendor` at `now` (steady clock). nullopt: go ahead. A vendor the limits do
    // not know is not limited (it has no route either).
    std::optional<RateRefusal> admit(std::string_view vendor, std::chrono::nanoseconds now);

    // {"requests_per_second", "burst", "refused_since_start"}; null for an unknown vendor.
    nlohmann::json state(std::string_view vendor) const;

  private:
    struct Tally {
        std::atomic<std::uint64_t> refused{0};
        std::atomic<std::int64_t> last_logged_ns{std::numeric_limits<std::int64_t>::min() / 2};
    };
    struct Slot {
        std::shared_ptr<TokenBucket> bucket;
        std::shared_ptr<Tally> tally;  // kept across limit changes
    };
    using Table = std::map<std::string, Slot, std::less<>>;

    // Valid until this thread's next call.
    const Table& current() const;

    const std::uint64_t id_;  // names this instance in the threads' caches; never reused
    RateLimit fallback_;
    mutable std::mutex mutex_;  // install(), and a thread's first look after one
    std::shared_ptr<const Table> table_;
    std::atomic<std::uint64_t> generation_{0};
};

// For the routes: takes a token of `spec`'s vendor now; on refusal counts it, logs the first of
// a spell, and returns the 429 problem (its Retry-After in `retry_after_s`).
struct RateLimitedAnswer {
    ApiError error;
    std::int64_t retry_after_s = 1;
};
std::optional<RateLimitedAnswer> take_vendor_request(VendorRateLimits* limits,
                                                     const VendorSpec& spec);

}  // namespace fieldgate
