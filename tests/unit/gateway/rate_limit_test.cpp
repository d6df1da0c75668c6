// The token bucket of vendor rate limits and the per-vendor table around it, on a clock the test
// drives (no sleeping, no timing).
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "rate_limit.h"
#include "vendor_rate_limits.h"

namespace fieldgate {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;

constexpr nanoseconds kStart = seconds(1000);

// How many of `n` requests at the same instant the bucket takes.
int taken_at(TokenBucket& bucket, nanoseconds now, int n) {
    int taken = 0;
    for (int i = 0; i < n; ++i) taken += bucket.take(now) == nanoseconds::zero() ? 1 : 0;
    return taken;
}

TEST(TokenBucket, AFullBucketTakesTheBurstAtOnceThenSaysHowLongToWait) {
    TokenBucket bucket(RateLimit{10, 5});  // a token every 100 ms
    EXPECT_EQ(taken_at(bucket, kStart, 5), 5);
    const auto wait = bucket.take(kStart);
    EXPECT_EQ(wait, milliseconds(100));
    // A refused request takes nothing: the wait does not grow by asking again.
    EXPECT_EQ(bucket.take(kStart), milliseconds(100));
    EXPECT_EQ(bucket.take(kStart + milliseconds(40)), milliseconds(60));
}

TEST(TokenBucket, ItRefillsAtTheRateAndNeverHoldsMoreThanTheBurst) {
    TokenBucket bucket(RateLimit{10, 5});
    EXPECT_EQ(taken_at(bucket, kStart, 5), 5);
    // 350 ms later: three tokens back (one per 100 ms), not four.
    EXPECT_EQ(taken_at(bucket, kStart + milliseconds(350), 10), 3);
    // Steady at the rate: every request taken.
    for (int i = 1; i <= 50; ++i)
        EXPECT_EQ(bucket.take(kStart + milliseconds(350 + 100 * i)), nanoseconds::zero()) << i;
    // An hour idle fills it to the burst and no further.
    EXPECT_EQ(taken_at(bucket, kStart + seconds(3600), 100), 5);
}

TEST(TokenBucket, FractionalRatesAndABurstOfOne) {
    TokenBucket bucket(RateLimit{0.5, 1});  // one request every 2 s
    EXPECT_EQ(bucket.take(kStart), nanoseconds::zero());
    EXPECT_EQ(bucket.take(kStart), seconds(2));
    EXPECT_EQ(bucket.take(kStart + milliseconds(1500)), milliseconds(500));
    EXPECT_EQ(bucket.take(kStart + seconds(2)), nanoseconds::zero());
}

TEST(TokenBucket, ThreadsTakingAtOnceGetExactlyTheBurst) {
    TokenBucket bucket(RateLimit{1, 1000});  // no refill to speak of within the test's instant
    std::atomic<int> taken{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&] { taken += taken_at(bucket, kStart, 1000); });
    for (auto& t : threads) t.join();
    EXPECT_EQ(taken.load(), 1000);
}

TEST(TokenBucket, RetryAfterIsTheWaitInWholeSecondsRoundedUpAtLeastOne) {
    EXPECT_EQ(retry_after_seconds(milliseconds(1)), 1);
    EXPECT_EQ(retry_after_seconds(milliseconds(1000)), 1);
    EXPECT_EQ(retry_after_seconds(milliseconds(1001)), 2);
    EXPECT_EQ(retry_after_seconds(nanoseconds::zero()), 1);
}

std::shared_ptr<const VendorRegistry> vendors(
    std::vector<std::pair<std::string, std::optional<RateLimit>>> limits) {
    std::vector<VendorEntry> entries;
    for (auto& [id, limit] : limits) {
        VendorEntry e;
        e.spec.id = id;
        e.spec.rate_limit = limit;
        entries.push_back(std::move(e));
    }
    return VendorRegistry::from_entries(std::move(entries)).registry;
}

int admitted(VendorRateLimits& limits, const std::string& vendor, nanoseconds now, int n) {
    int ok = 0;
    for (int i = 0; i < n; ++i) ok += limits.admit(vendor, now) ? 0 : 1;
    return ok;
}

TEST(VendorRateLimits, EachVendorHasItsOwnBucketAndUndeclaredOnesTheDefault) {
    VendorRateLimits limits(RateLimit{1, 3});
    limits.install(*vendors({{"bay", RateLimit{1, 10}}, {"curb", std::nullopt}}));
    EXPECT_EQ(admitted(limits, "bay", kStart, 20), 10);
    EXPECT_EQ(admitted(limits, "curb", kStart, 20), 3);  // bay's flood cost curb nothing
    EXPECT_EQ(admitted(limits, "nobody", kStart, 20), 20);

    const auto refusal = limits.admit("bay", kStart);
    ASSERT_TRUE(refusal);
    EXPECT_EQ(refusal->limit, (RateLimit{1, 10}));
    EXPECT_EQ(refusal->wait, seconds(1));
    EXPECT_EQ(refusal->refused, 11u);
    EXPECT_EQ(
        limits.state("bay"),
        nlohmann::json({{"requests_per_second", 1.0}, {"burst", 10}, {"refused_since_start", 11}}));
    EXPECT_EQ(limits.state("curb")["burst"], 3);
    EXPECT_TRUE(limits.state("nobody").is_null());
}

TEST(VendorRateLimits, TheFirstRefusalOfASpellIsFlaggedForTheLogOncePerMinute) {
    VendorRateLimits limits(RateLimit{1, 1});
    limits.install(*vendors({{"bay", std::nullopt}}));
    // At each instant: the one token is taken, the next request refused.
    auto refused_at = [&](nanoseconds now) {
        EXPECT_FALSE(limits.admit("bay", now));
        const auto refusal = limits.admit("bay", now);
        EXPECT_TRUE(refusal);
        return refusal.value_or(RateRefusal{});
    };
    EXPECT_TRUE(refused_at(kStart).first_in_a_while);
    EXPECT_FALSE(refused_at(kStart + seconds(30)).first_in_a_while);
    EXPECT_TRUE(refused_at(kStart + seconds(91)).first_in_a_while);
    EXPECT_EQ(refused_at(kStart + seconds(92)).refused, 4u);
}

TEST(VendorRateLimits, AReloadKeepsWhatAnUnchangedVendorSpentAndAppliesAChangedLimitAtOnce) {
    VendorRateLimits limits(RateLimit{1, 5});
    limits.install(*vendors({{"bay", RateLimit{1, 5}}, {"curb", RateLimit{1, 5}}}));
    EXPECT_EQ(admitted(limits, "bay", kStart, 10), 5);
    EXPECT_EQ(admitted(limits, "curb", kStart, 10), 5);

    // Bay's limit is raised; Curbside's is the same; Valley is new.
    limits.install(
        *vendors({{"bay", RateLimit{1, 50}}, {"curb", RateLimit{1, 5}}, {"valley", std::nullopt}}));
    EXPECT_EQ(admitted(limits, "bay", kStart, 100), 50);  // a fresh bucket of the new size
    EXPECT_EQ(admitted(limits, "curb", kStart, 10), 0);   // still spent: a reload is no refill
    EXPECT_EQ(admitted(limits, "valley", kStart, 10), 5);
    // The refusal count survives the change of limit.
    EXPECT_EQ(limits.state("bay")["refused_since_start"], 5 + 50);
    EXPECT_EQ(limits.state("curb")["refused_since_start"], 5 + 10);

    // Lowered again, from another thread (whose cached table must follow the install).
    limits.install(*vendors({{"bay", RateLimit{1, 2}}}));
    int other_thread = 0;
    std::thread([&] { other_thread = admitted(limits, "bay", kStart, 10); }).join();
    EXPECT_EQ(other_thread, 2);
    EXPECT_TRUE(limits.state("curb").is_null());  // removed vendors are gone
}

}  // namespace
}  // namespace fieldgate
