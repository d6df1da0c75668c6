// Refused credentials, per client: counted, logged without the secret (throttled), and limited.
// A client may have `burst` refusals at once and then one more per 1/per_second seconds; past
// that, every request of that client is answered 429 before anything is checked, so guessing a
// key costs the guesser, not the gateway. Nothing of a refused request is stored: the log line
// carries the client's address, the route, why, and a SHA-256 prefix of the first bytes of
// whatever body had been read (so two refusals can be told apart or matched without keeping
// either).
//
// Memory is bounded: at most kMaxTrackedClients clients are remembered (~100 bytes each); a
// client whose bucket has refilled is forgotten first.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "log_throttle.h"
#include "rate_limit.h"

namespace fieldgate {

class AuthRefusals {
  public:
    static constexpr std::size_t kMaxTrackedClients = 65536;
    static constexpr std::size_t kFingerprintBytes = 256;

    explicit AuthRefusals(RateLimit limit);

    // How long until `client` may try again; nullopt when it may now.
    std::optional<std::chrono::nanoseconds> blocked(const std::string& client,
                                                    std::chrono::nanoseconds now);

    // One refused credential of `client` on `route` (a route template), for `reason`.
    void refused(const std::string& client, std::string_view route, std::string_view reason,
                 std::string_view body_read, std::chrono::nanoseconds now);

    std::uint64_t total() const;

  private:
    struct Client {
        std::int64_t full_at_ns = 0;        // the bucket is full again then (token bucket as GCRA)
        std::int64_t blocked_until_ns = 0;  // refused with 429 until then
    };
    void forget_refilled(std::int64_t now_ns);

    const RateLimit limit_;
    const std::int64_t interval_ns_;
    const std::int64_t capacity_ns_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, Client> clients_;
    std::uint64_t total_ = 0;
    http::LogThrottle log_{std::chrono::seconds(10), 10};
};

// Nanoseconds on the steady clock, what AuthRefusals takes as `now`.
std::chrono::nanoseconds steady_now();

}  // namespace fieldgate
