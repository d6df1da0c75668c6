#include "auth_refusals.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "ids.h"

namespace fieldgate {

std::chrono::nanoseconds steady_now() {
    return std::chrono::steady_clock::now().time_since_epoch();
}

AuthRefusals::AuthRefusals(RateLimit limit)
    : limit_(limit),
      interval_ns_(static_cast<std::int64_t>(1e9 / std::max(limit.requests_per_second, 1e-6))),
      capacity_ns_(interval_ns_ * std::max(limit.burst, 1)) {}

std::optional<std::chrono::nanoseconds> AuthRefusals::blocked(const std::string& client,
                                                              std::chrono::nanoseconds now) {
    std::lock_guard lock(mutex_);
    const auto it = clients_.find(client);
    if (it == clients_.end() || it->second.blocked_until_ns <= now.count()) return std::nullopt;
    return std::chrono::nanoseconds(it->second.blocked_until_ns - now.count());
}

void AuthRefusals::refused(const std::string& client, std::string_view route,
                           std::string_view reason, std::string_view body_read,
                           std::chrono::nanoseconds now) {
    const std::int64_t now_ns = now.count();
    bool blocking = false;
    std::uint64_t total = 0;
    {
        std::lock_guard lock(mutex_);
        if (clients_.size() >= kMaxTrackedClients && !clients_.count(client))
            forget_refilled(now_ns);
        if (clients_.size() < kMaxTrackedClients || clients_.count(client)) {
            auto& c = clients_[client];
            // Take one token: the bucket empties by one interval's worth per refusal.
            const std::int64_t from = std::max(c.full_at_ns, now_ns);
            const std::int64_t next_full = from + interval_ns_;
            if (next_full - now_ns > capacity_ns_) {
                c.blocked_until_ns = next_full - capacity_ns_;
                blocking = true;
            } else {
                c.full_at_ns = next_full;
            }
        }
        total = ++total_;
    }
    if (const auto held_back = log_.admit()) {
        const std::string fingerprint =
            body_read.empty() ? std::string("-")
                              : sha256_hex(body_read.substr(0, kFingerprintBytes)).substr(0, 16);
        spdlog::warn(
            "auth: refused {} on {}: {} (first bytes sha256 {}; {} refused since start; {} more "
            "not logged){}",
            client, route, reason, fingerprint, total, *held_back,
            blocking ? "; this client is now answered 429 for a while" : "");
    }
}

std::uint64_t AuthRefusals::total() const {
    std::lock_guard lock(mutex_);
    return total_;
}

void AuthRefusals::forget_refilled(std::int64_t now_ns) {
    for (auto it = clients_.begin(); it != clients_.end();) {
        if (it->second.full_at_ns <= now_ns && it->second.blocked_until_ns <= now_ns)
            it = clients_.erase(it);
        else
            ++it;
    }
}

}  // namespace fieldgate
