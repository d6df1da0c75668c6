#include "vendor_rate_limits.h"

#include <cstdio>

#include <spdlog/spdlog.h>

#include "gateway_metrics.h"

namespace fieldgate {

namespace {

constexpr std::chrono::nanoseconds kLogEvery = std::chrono::minutes(1);

std::atomic<std::uint64_t> next_id{1};

std::string rate_text(const RateLimit& limit) {
    char rate[32];
    std::snprintf(rate, sizeof rate, "%g", limit.requests_per_second);
    return std::string(rate) + " requests/s, burst " + std::to_string(limit.burst);
}

}  // namespace

VendorRateLimits::VendorRateLimits(RateLimit fallback)
    : id_(next_id.fetch_add(1)), fallback_(fallback), table_(std::make_shared<const Table>()) {}

void VendorRateLimits::install(const VendorRegistry& vendors) {
    std::lock_guard lock(mutex_);
    auto next = std::make_shared<Table>();
    for (const auto& [id, entry] : vendors.vendors()) {
        const RateLimit limit = entry.spec.rate_limit.value_or(fallback_);
        Slot slot;
        if (auto old = table_->find(id); old != table_->end()) {
            slot.tally = old->second.tally;
            if (old->second.bucket->limit() == limit) slot.bucket = old->second.bucket;
        }
        if (!slot.tally) slot.tally = std::make_shared<Tally>();
        if (!slot.bucket) slot.bucket = std::make_shared<TokenBucket>(limit);
        next->emplace(id, std::move(slot));
    }
    table_ = std::move(next);
    generation_.fetch_add(1, std::memory_order_release);
}

const VendorRateLimits::Table& VendorRateLimits::current() const {
    // Per thread: the table of the last install it saw. Checking for a newer one is one atomic
    // load; only the first request after an install takes the mutex. The thread's copy keeps the
    // table alive, so no reference count is touched per request either.
    struct Cached {
        std::uint64_t owner = 0;
        std::uint64_t generation = 0;
        std::shared_ptr<const Table> table;
    };
    thread_local Cached cached;
    const auto generation = generation_.load(std::memory_order_acquire);
    if (cached.owner != id_ || cached.generation != generation || !cached.table) {
        std::lock_guard lock(mutex_);
        cached = Cached{id_, generation_.load(std::memory_order_relaxed), table_};
    }
    return *cached.table;
}

std::optional<RateRefusal> VendorRateLimits::admit(std::string_view vendor,
                                                   std::chrono::nanoseconds now) {
    const auto& table = current();
    const auto it = table.find(vendor);
    if (it == table.end()) return std::nullopt;
    const auto& slot = it->second;
    const auto wait = slot.bucket->take(now);
    if (wait == std::chrono::nanoseconds::zero()) return std::nullopt;
    RateRefusal refusal;
    refusal.limit = slot.bucket->limit();
    refusal.wait = wait;
    refusal.refused = slot.tally->refused.fetch_add(1, std::memory_order_relaxed) + 1;
    auto logged = slot.tally->last_logged_ns.load(std::memory_order_relaxed);
    refusal.first_in_a_while = now.count() - logged >= kLogEvery.count() &&
                               slot.tally->last_logged_ns.compare_exchange_strong(
                                   logged, now.count(), std::memory_order_relaxed);
    return refusal;
}

nlohmann::json VendorRateLimits::state(std::string_view vendor) const {
    const auto& table = current();
    const auto it = table.find(vendor);
    if (it == table.end()) return nullptr;
    const auto& limit = it->second.bucket->limit();
    return {{"requests_per_second", limit.requests_per_second},
            {"burst", limit.burst},
            {"refused_since_start", it->second.tally->refused.load(std::memory_order_relaxed)}};
}

std::optional<RateLimitedAnswer> take_vendor_request(VendorRateLimits* limits,
                                                     const VendorSpec& spec) {
    if (!limits) return std::nullopt;
    const auto refusal =
        limits->admit(spec.id, std::chrono::steady_clock::now().time_since_epoch());
    if (!refusal) return std::nullopt;
    metrics::count_rate_limited(spec.id);
    if (refusal->first_in_a_while)
        spdlog::warn(
            "vendor {} is over its rate limit ({}): answering 429 ({} refused since start)",
            spec.id, rate_text(refusal->limit), refusal->refused);
    RateLimitedAnswer answer;
    answer.retry_after_s = retry_after_seconds(refusal->wait);
    answer.error = ApiError{429,
                            "rate-limited",
                            "Too many requests",
                            spec.id + " sent more than its limit of " + rate_text(refusal->limit) +
                                "; nothing of this request was stored: send it again after " +
                                std::to_string(answer.retry_after_s) + " s (Retry-After)",
                            "",
                            {{"retry_after_s", answer.retry_after_s},
                             {"limit",
                              {{"requests_per_second", refusal->limit.requests_per_second},
                               {"burst", refusal->limit.burst}}}}};
    return answer;
}

}  // namespace fieldgate
