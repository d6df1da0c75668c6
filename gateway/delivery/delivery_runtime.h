// Private to gateway/delivery: what the delivery worker keeps per endpoint, and the small
// helpers its files share (delivery_worker.cpp schedules, delivery_send.cpp sends,
// delivery_settle.cpp records what an attempt meant).
#pragma once

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "delivery_worker.h"
#include "time_util.h"

namespace fieldgate::delivery::detail {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kLagWindow = 4096;

// How long an unwell endpoint is left alone before the next probe: 1, 2, 5, 10, 30 s …
inline std::chrono::seconds pause_for(int opens, std::chrono::seconds max_pause) {
    static const std::chrono::seconds steps[] = {std::chrono::seconds(1), std::chrono::seconds(2),
                                                 std::chrono::seconds(5), std::chrono::seconds(10),
                                                 std::chrono::seconds(30)};
    const auto i = static_cast<std::size_t>(std::clamp(opens - 1, 0, 4));
    return std::min(steps[i], max_pause);
}

inline std::string utc_after(std::chrono::seconds delay) {
    return format_utc(now_millis() + std::chrono::duration_cast<std::chrono::milliseconds>(delay));
}

}  // namespace fieldgate::delivery::detail

namespace fieldgate::delivery {

struct DeliveryWorker::Runtime {
    Endpoint endpoint;
    http::EndpointUrl url;
    http::ClientOptions client;
    bool disabled = false;
    std::optional<std::string> disabled_reason;
    // circuit
    bool open = false;
    bool probing = false;
    int opens = 0;
    int consecutive_failures = 0;
    // The events of the current run of failures that went back on their own backoff: when the
    // run opens the circuit, they were the endpoint's failures too.
    std::vector<std::int64_t> failing_run;
    std::chrono::steady_clock::time_point paused_until{};
    // bookkeeping
    int in_flight = 0;
    std::unordered_set<std::string> orders_in_flight;
    std::uint64_t delivered = 0;
    std::uint64_t failed_attempts = 0;
    std::uint64_t dead_lettered = 0;
    std::string last_error;
    std::string certificate_problem;
    std::uint64_t certificate_failures = 0;
    std::vector<double> lags_ms;  // ring
    std::size_t lag_next = 0;
};

}  // namespace fieldgate::delivery
