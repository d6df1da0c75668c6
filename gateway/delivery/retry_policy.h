// What a delivery attempt's answer means, and when to try again. Pure logic, no I/O.
// Three-valued like Fluent Bit's out_http: delivered, retry, rejected (dead letter); plus gone
// (410), which disables the whole endpoint.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>
#include <vector>

namespace fieldgate::delivery {

enum class AttemptResult { delivered, retry, rejected, gone };

// status 0 = no HTTP answer (connection refused, reset, timeout).
AttemptResult classify(int status);

// Whether a retryable failure says the endpoint as a whole is unwell (refused, throttled,
// overloaded) rather than this one event.
bool endpoint_wide(int status);

// Retry-After as delta-seconds or an HTTP-date; nullopt when absent or unreadable.
std::optional<std::chrono::seconds> parse_retry_after(std::string_view value,
                                                      std::chrono::system_clock::time_point now);

class BackoffSchedule {
  public:
    // When each attempt is made, counted from the previous one. Default: immediately, 5 s,
    // 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (Svix's schedule): eight attempts, then the dead
    // letters.
    BackoffSchedule();
    explicit BackoffSchedule(std::vector<std::chrono::seconds> steps);
    // Delay before the next attempt after `failed_attempts` failures; nullopt when the schedule
    // is exhausted. Retry-After, when longer, wins.
    std::optional<std::chrono::seconds> next_delay(
        int failed_attempts, std::optional<std::chrono::seconds> retry_after = {}) const;
    const std::vector<std::chrono::seconds>& steps() const { return steps_; }

  private:
    std::vector<std::chrono::seconds> steps_;
};

}  // namespace fieldgate::delivery
